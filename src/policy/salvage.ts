// After a schema failure: a copy of the document with each failing piece removed or replaced by a
// harmless stand-in, so the semantic checks still run on everything else and one upload lists every
// error of the file. The stand-in document is only ever checked, never compiled into a policy.
import type { z } from "zod";
import { type PolicyDoc, PolicyDocSchema } from "./schema";

type Issue = z.core.$ZodIssue;
type Key = string | number;

/** Keeps the later rules of its tool at their index (error paths name indexes); compiles cleanly. */
const STAND_IN_RULE = { name: "(rule with schema errors)", action: "deny" };
const MAX_ROUNDS = 3;

const isRecord = (x: unknown): x is Record<Key, unknown> => typeof x === "object" && x !== null;

function get(root: unknown, path: readonly Key[]): unknown {
  let node = root;
  for (const seg of path) node = isRecord(node) ? node[seg] : undefined;
  return node;
}

/** Fixes the document around one issue; false when there is nothing sensible to keep. */
function repair(root: Record<string, unknown>, issue: Issue): boolean {
  if (issue.path.some((p) => typeof p === "symbol")) return false;
  const path = issue.path as Key[];
  if (issue.code === "unrecognized_keys") {
    const target = get(root, path);
    if (!isRecord(target)) return false;
    for (const key of issue.keys) delete target[key];
    return true;
  }
  const [top, tool, rulesKey, index] = path;
  if (top === undefined) return false;
  const tools = root.tools;
  if (top === "tools" && tool !== undefined && isRecord(tools)) {
    const rules = get(tools, [tool, "rules"]);
    if (rulesKey === "rules" && typeof index === "number" && Array.isArray(rules)) {
      rules[index] = { ...STAND_IN_RULE };
    } else if (issue.code === "invalid_key") {
      delete tools[tool];
    } else {
      tools[tool] = null; // listed, no rules
    }
    return true;
  }
  if (top === "version") root.version = "1";
  else delete root[top];
  return true;
}

/** The document with its schema errors worked around, or null if it cannot be salvaged. */
export function salvage(data: unknown, issues: Issue[]): PolicyDoc | null {
  if (!isRecord(data) || Array.isArray(data)) return null;
  const root = structuredClone(data) as Record<string, unknown>;
  let pending = issues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (!pending.every((issue) => repair(root, issue))) return null;
    const parsed = PolicyDocSchema.safeParse(root);
    if (parsed.success) return parsed.data;
    pending = parsed.error.issues;
  }
  return null;
}
