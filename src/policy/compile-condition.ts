// Compiles one condition: checks its path, operator and value, and normalizes the value
// (exact numbers, weekday names, RE2-checked regexes) into plain JSON data.
import { formatDecimal } from "../money/decimal";
import type { CompiledCondition } from "./compiled";
import type { DocPath, ErrorSink } from "./errors";
import { numericValue } from "./operators";
import { parsePath } from "./paths";
import { prepareRegex } from "./regex";
import type { Operator } from "./schema";
import { weekdayOf } from "./time";

const NUMERIC_OPS = new Set<Operator>(["lt", "lte", "gt", "gte"]);

type ConditionDoc = { path: string; op: Operator; value?: unknown };

function normalizeWeekdays(value: unknown, at: DocPath, sink: ErrorSink): unknown {
  if (Array.isArray(value)) return value.map((v, i) => normalizeWeekdays(v, [...at, i], sink));
  const day = weekdayOf(value);
  if (day === null) {
    sink.add(at, `"${String(value)}" is not a weekday (use 0-6 with 0 = Sunday, or names like "sat")`);
    return value;
  }
  return day;
}

export function compileCondition(doc: ConditionDoc, at: DocPath, sink: ErrorSink): CompiledCondition | null {
  const parsed = parsePath(doc.path);
  if (!parsed.ok) {
    sink.add([...at, "path"], parsed.error);
    return null;
  }
  const valueAt = [...at, "value"];
  if (doc.value === undefined) {
    sink.add(at, `operator "${doc.op}" needs a value`);
    return null;
  }
  let value: unknown = doc.value;
  if (parsed.root === "time.weekday") value = normalizeWeekdays(value, valueAt, sink);
  const errors = sink.errors.length;
  let num: string | null = null;
  let flags: string | null = null;

  if (NUMERIC_OPS.has(doc.op)) {
    const n = numericValue(value);
    if (n === null || typeof value === "boolean")
      sink.add(valueAt, `operator "${doc.op}" requires a numeric value`);
    else num = formatDecimal(n);
  } else if (doc.op === "in" || doc.op === "not_in") {
    if (!Array.isArray(value)) sink.add(valueAt, `operator "${doc.op}" requires a list value`);
  } else if (doc.op === "exists") {
    if (typeof value !== "boolean") sink.add(valueAt, `operator "exists" requires true or false`);
  } else if (doc.op === "regex") {
    if (typeof value !== "string") sink.add(valueAt, "regex value must be a string");
    else {
      const re = prepareRegex(value);
      if (!re.ok) sink.add(valueAt, re.error);
      else {
        value = re.source;
        flags = ""; // RE2 reads inline flags like (?i) itself; see CompiledCondition.flags
      }
    }
  } else if (doc.op === "starts_with") {
    if (typeof value !== "string") sink.add(valueAt, `operator "starts_with" requires a string value`);
  } else if (doc.op === "contains") {
    if (value !== null && typeof value === "object") {
      sink.add(valueAt, `operator "contains" requires a string, number or boolean value`);
    }
  }
  if (sink.errors.length > errors) return null;
  return { path: doc.path, root: parsed.root, seg: parsed.seg, op: doc.op, value, num, flags };
}
