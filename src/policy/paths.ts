// Condition paths: parsing "args.items[0].id" style paths at compile time, resolving them per call.

import { normalizeCurrency } from "../money/currency";
import { formatDecimal } from "../money/decimal";
import { PATH_ROOTS, type PathRoot } from "./compiled";
import { type LocalTime, localTime } from "./time";
import type { CallContext } from "./types";

export type ParsedPath = { ok: true; root: PathRoot; seg: string[] } | { ok: false; error: string };

const FIXED_ROOTS = new Set<string>(PATH_ROOTS.filter((r) => r !== "args" && r !== "state"));
const SEGMENT_RE = /^([^.[\]]+)((?:\[\d+\])*)$/;

/** Splits an args path after "args." into keys and indexes: "items[0].id" and "items.0.id" agree. */
export function parseArgsSegments(rest: string): string[] | null {
  const out: string[] = [];
  for (const part of rest.split(".")) {
    const m = SEGMENT_RE.exec(part);
    if (!m) return null;
    out.push(m[1] ?? "");
    for (const idx of (m[2] ?? "").matchAll(/\[(\d+)\]/g)) out.push(idx[1] ?? "");
  }
  return out;
}

export function parsePath(path: string): ParsedPath {
  if (path === "args") return { ok: true, root: "args", seg: [] };
  if (path.startsWith("args.")) {
    const seg = parseArgsSegments(path.slice(5));
    return seg ? { ok: true, root: "args", seg } : { ok: false, error: `malformed args path "${path}"` };
  }
  if (path.startsWith("state.")) return { ok: true, root: "state", seg: [] };
  if (FIXED_ROOTS.has(path)) return { ok: true, root: path as PathRoot, seg: [] };
  return {
    ok: false,
    error: `unknown path "${path}": use args.<field>, state.<tool>.<counter>, tool.name, upstream, agent.id, spend.amount, spend.currency, spend.value, vendor, category, time.hour, time.minute_of_day or time.weekday`,
  };
}

/** Walks own properties only, so "args.constructor" or "args.__proto__" never reach a prototype. */
export function resolveArgs(args: unknown, seg: readonly string[]): unknown {
  let cur: unknown = args;
  for (const key of seg) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(key)) return undefined;
      cur = cur[Number(key)];
    } else if (cur !== null && typeof cur === "object") {
      if (!Object.hasOwn(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Per-call view used by condition evaluation; local time is computed only if a time path asks. */
export class CallView {
  private local: LocalTime | null = null;
  constructor(
    readonly call: CallContext,
    readonly now: number,
    readonly timeZone: string,
  ) {}

  time(): LocalTime {
    this.local ??= localTime(this.now, this.timeZone);
    return this.local;
  }

  /** undefined = not present (null counts as not present, as in Intercept's exists). */
  resolve(root: PathRoot, seg: readonly string[]): unknown {
    const c = this.call;
    switch (root) {
      case "args":
        return resolveArgs(c.args, seg);
      case "tool.name":
        return c.tool;
      case "upstream":
        return c.upstream ?? undefined;
      case "agent.id":
        return c.agentId;
      case "spend.amount":
        return c.price ? c.price.amount : undefined;
      case "spend.currency":
        return c.price ? normalizeCurrency(c.price.currency) : undefined;
      case "spend.value":
        // Shortest exact form ("10.5", not "10.500000"), so eq against a written decimal works.
        return c.price ? formatDecimal({ coef: c.price.amount, scale: c.price.decimals }) : undefined;
      case "vendor":
        return c.vendor ?? undefined;
      case "category":
        return c.category ?? undefined;
      case "time.hour":
        return this.time().hour;
      case "time.minute_of_day":
        return this.time().minuteOfDay;
      case "time.weekday":
        return this.time().weekday;
      case "state":
        return undefined;
    }
  }
}
