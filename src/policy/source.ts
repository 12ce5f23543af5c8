// Reads policy text (YAML or JSON) into plain data while remembering where every node sits,
// so schema and semantic errors can name a line and column. Numbers are kept exact.
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { compareDecimal, parseExactDecimal } from "../money/decimal";
import type { DocPath, Locator, PolicyError } from "./errors";
import { formatPath } from "./errors";

export type SourceFormat = "yaml" | "json";
export type ParsedSource =
  | { ok: true; value: unknown; locate: Locator }
  | { ok: false; errors: PolicyError[] };

const MAX_SOURCE_CHARS = 512 * 1024;
const MAX_DEPTH = 64;

const keyOf = (path: DocPath) => path.join("\u0000");

type Walk = {
  lc: LineCounter;
  values: Map<string, number>;
  keys: Map<string, number>;
  errors: PolicyError[];
};

function pos(w: Walk, offset: number) {
  const p = w.lc.linePos(offset);
  return { line: p.line, column: p.col };
}

function fail(w: Walk, path: DocPath, offset: number, message: string) {
  const p = pos(w, offset);
  w.errors.push({ line: p.line, column: p.column, path: formatPath(path), message });
}

// A YAML float like 0.1000000000000000001 would lose digits as a JS number; keep its exact text instead.
function exactNumber(value: number, source: string | undefined): number | string {
  if (source === undefined) return value;
  const fromSource = parseExactDecimal(source.replace(/^\+/, ""));
  if (!fromSource.ok) return value;
  const fromValue = parseExactDecimal(value);
  if (fromValue.ok && compareDecimal(fromSource.value, fromValue.value) === 0) return value;
  return source.replace(/^\+/, "");
}

function toData(w: Walk, node: Node | null | undefined, path: DocPath, depth: number): unknown {
  if (node === null || node === undefined) return null;
  const start = node.range?.[0] ?? 0;
  w.values.set(keyOf(path), start);
  if (depth > MAX_DEPTH) {
    fail(w, path, start, "document is nested too deeply");
    return null;
  }
  if (isAlias(node)) {
    fail(w, path, start, "YAML aliases are not supported in policies");
    return null;
  }
  if (isScalar(node)) {
    return typeof node.value === "number" ? exactNumber(node.value, node.source) : node.value;
  }
  if (isSeq(node)) return node.items.map((item, i) => toData(w, item as Node, [...path, i], depth + 1));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyStart = keyNode?.range?.[0] ?? start;
      if (!isScalar(keyNode) || (typeof keyNode.value !== "string" && typeof keyNode.value !== "number")) {
        fail(w, path, keyStart, "map keys must be plain strings");
        continue;
      }
      const key = String(keyNode.value);
      // Plain objects would treat "__proto__" as the prototype, not as data.
      if (key === "__proto__") {
        fail(w, [...path, key], keyStart, `"${key}" is a reserved name`);
        continue;
      }
      w.keys.set(keyOf([...path, key]), keyStart);
      w.values.set(keyOf([...path, key]), keyStart);
      out[key] = toData(w, pair.value as Node | null, [...path, key], depth + 1);
    }
    return out;
  }
  fail(w, path, start, "unsupported YAML node");
  return null;
}

function jsonSyntaxError(source: string): PolicyError | null {
  try {
    JSON.parse(source);
    return null;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(message);
    if (!m) return { line: null, column: null, path: "", message: `invalid JSON: ${message}` };
    const lc = new LineCounter();
    let offset = 0;
    for (const line of source.split("\n")) {
      lc.addNewLine(offset);
      offset += line.length + 1;
    }
    const p = lc.linePos(Number(m[1]));
    return { line: p.line, column: p.col, path: "", message: `invalid JSON: ${message}` };
  }
}

export function detectFormat(source: string): SourceFormat {
  const first = source.trimStart()[0];
  return first === "{" ? "json" : "yaml";
}

/** Parses YAML (or JSON, which YAML 1.2 reads with the same position tracking). */
export function parseSource(source: string, format: SourceFormat): ParsedSource {
  if (source.length > MAX_SOURCE_CHARS) {
    return {
      ok: false,
      errors: [{ line: null, column: null, path: "", message: "policy is larger than 512 KiB" }],
    };
  }
  const lc = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lc, prettyErrors: true, uniqueKeys: true, strict: true });
  const syntax: PolicyError[] = doc.errors.map((e) => ({
    line: e.linePos?.[0].line ?? null,
    column: e.linePos?.[0].col ?? null,
    path: "",
    message: e.message.split("\n")[0] ?? e.message,
  }));
  if (syntax.length > 0) return { ok: false, errors: syntax };
  if (format === "json") {
    const jsonError = jsonSyntaxError(source);
    if (jsonError) return { ok: false, errors: [jsonError] };
  }
  const w: Walk = { lc, values: new Map(), keys: new Map(), errors: [] };
  const value = toData(w, doc.contents as Node | null, [], 0);
  if (w.errors.length > 0) return { ok: false, errors: w.errors };
  const locate: Locator = (path, atKey = false) => {
    if (atKey) {
      const k = w.keys.get(keyOf(path));
      if (k !== undefined) return pos(w, k);
    }
    for (let n = path.length; n >= 0; n--) {
      const offset = w.values.get(keyOf(path.slice(0, n)));
      if (offset !== undefined) return pos(w, offset);
    }
    return null;
  };
  return { ok: true, value, locate };
}
