// compilePolicy(): policy text -> validated, JSON-serializable CompiledPolicy, or every error found
// with its line, column and document path.
import type { z } from "zod";
import { type ConversionTable, checkRate } from "../money/convert";
import { currencyDecimals, normalizeCurrency } from "../money/currency";
import { compileRule, type RuleContext } from "./compile-rule";
import type { CompiledPolicy, CompiledRule } from "./compiled";
import { collectCounters } from "./counters";
import { ErrorSink, type Locator, type PolicyError } from "./errors";
import { compareGlobSpecificity, isGlob } from "./glob";
import { salvage } from "./salvage";
import { type PolicyDoc, PolicyDocSchema, type RuleDoc } from "./schema";
import { detectFormat, parseSource, type SourceFormat } from "./source";
import { isValidTimeZone } from "./time";

export type CompileResult = { ok: true; policy: CompiledPolicy } | { ok: false; errors: PolicyError[] };

function issueMessage(issue: z.core.$ZodIssue): string {
  const last = issue.path[issue.path.length - 1];
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message) && last !== undefined) {
    return `"${String(last)}" is required`;
  }
  return issue.message;
}

function reportSchemaIssues(issues: z.core.$ZodIssue[], sink: ErrorSink): void {
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) sink.add([...path, key], `unknown key "${key}"`, true);
    } else {
      sink.add(path, issueMessage(issue));
    }
  }
}

function compileTopLevel(doc: PolicyDoc, sink: ErrorSink) {
  let currency: CompiledPolicy["currency"] = null;
  if (doc.currency !== undefined) {
    const code = normalizeCurrency(doc.currency);
    const decimals = currencyDecimals(code);
    if (decimals === null) sink.add(["currency"], `unknown currency "${doc.currency}"`);
    else currency = { code, decimals };
  }
  const timeZone = doc.timezone ?? "UTC";
  if (!isValidTimeZone(timeZone))
    sink.add(["timezone"], `unknown time zone "${timeZone}" (use an IANA name like "Europe/Paris")`);
  const conversions: ConversionTable = [];
  (doc.conversions ?? []).forEach((c, i) => {
    const rate = String(c.rate);
    const rateError = checkRate(rate);
    if (rateError) sink.add(["conversions", i, "rate"], rateError);
    if (currencyDecimals(c.to) === null) sink.add(["conversions", i, "to"], `unknown currency "${c.to}"`);
    conversions.push({ from: normalizeCurrency(c.from), to: normalizeCurrency(c.to), rate });
  });
  const hide = { all: false, names: [] as string[], patterns: [] as string[] };
  const seen = new Set<string>();
  (doc.hide ?? []).forEach((name, i) => {
    if (name.trim() === "") sink.add(["hide", i], "hide entries must not be empty");
    else if (seen.has(name)) sink.add(["hide", i], `duplicate hide entry "${name}"`);
    seen.add(name);
    if (name === "*") hide.all = true;
    else if (isGlob(name)) hide.patterns.push(name);
    else hide.names.push(name);
  });
  return { currency, timeZone, conversions, hide };
}

function checkDuplicateSpendNames(toolKey: string, rules: RuleDoc[], sink: ErrorSink): void {
  const names = new Map<string, number>();
  rules.forEach((r, i) => {
    if (!r.spend) return;
    const prev = names.get(r.name);
    if (prev !== undefined) {
      sink.add(
        ["tools", toolKey, "rules", i, "name"],
        `two spend rules named "${r.name}" under ${toolKey} would share a budget; rename one`,
      );
    }
    names.set(r.name, i);
  });
}

function compileDocument(doc: PolicyDoc, sink: ErrorSink): CompiledPolicy | null {
  const top = compileTopLevel(doc, sink);
  const tools = Object.entries(doc.tools ?? {}).map(([k, t]) => [k, t?.rules ?? []] as [string, RuleDoc[]]);
  const registry = collectCounters(tools, sink);
  const ctx: RuleContext = { registry, currency: top.currency, sink };
  const exact: Record<string, CompiledRule[]> = {};
  const globs: CompiledPolicy["globs"] = [];
  let wildcard: CompiledRule[] = [];
  for (const [key, rules] of tools) {
    checkDuplicateSpendNames(key, rules, sink);
    const compiled = rules
      .map((r, i) => compileRule(key, i, r, ctx))
      .filter((r): r is CompiledRule => r !== null);
    if (key === "*") wildcard = compiled;
    else if (isGlob(key)) globs.push({ pattern: key, rules: compiled });
    else exact[key] = compiled;
  }
  globs.sort((a, b) => compareGlobSpecificity(a.pattern, b.pattern));
  if (sink.errors.length > 0) return null;
  return {
    format: 1,
    description: doc.description ?? null,
    defaultAction: doc.default ?? "allow",
    mode: doc.mode ?? "enforce",
    ...top,
    exact,
    globs,
    wildcard,
  };
}

/** Compiles already-parsed data (e.g. a JSON body); errors carry paths but no positions. */
export function compilePolicyData(data: unknown, locate: Locator = () => null): CompileResult {
  const sink = new ErrorSink(locate);
  const parsed = PolicyDocSchema.safeParse(data);
  if (!parsed.success) {
    reportSchemaIssues(parsed.error.issues, sink);
    // Semantic checks still run on what did parse, so one pass reports every error of the file.
    const rest = salvage(data, parsed.error.issues);
    if (rest) compileDocument(rest, sink);
    return { ok: false, errors: byPosition(sink.errors) };
  }
  const policy = compileDocument(parsed.data, sink);
  return policy ? { ok: true, policy } : { ok: false, errors: byPosition(sink.errors) };
}

/** Errors in document order (schema and semantic errors interleave); unplaced ones last, stable. */
function byPosition(errors: PolicyError[]): PolicyError[] {
  const at = (e: PolicyError) => [e.line ?? Number.MAX_SAFE_INTEGER, e.column ?? 0] as const;
  return [...errors].sort((a, b) => {
    const [la, ca] = at(a);
    const [lb, cb] = at(b);
    return la - lb || ca - cb;
  });
}

export function compilePolicy(source: string, opts: { format?: SourceFormat } = {}): CompileResult {
  const parsed = parseSource(source, opts.format ?? detectFormat(source));
  if (!parsed.ok) return parsed;
  return compilePolicyData(parsed.value, parsed.locate);
}
