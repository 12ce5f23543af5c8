// RFC 8785 (JCS) canonical JSON: the byte-exact form MPP binds challenge ids to and x402 v2 offers are keyed by.
// Enough for JSON without floats; ECMAScript number and string serialization already match JCS.

/** Canonical JSON of a JSON value. Throws TypeError on values JSON cannot hold (bigint, NaN, cycles). */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

/** canonicalJson that answers null instead of throwing, for untrusted input. */
export function tryCanonicalJson(value: unknown): string | null {
  try {
    return canonicalJson(value);
  } catch {
    return null;
  }
}

function write(value: unknown, open: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("canonicalJson: non-finite number");
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
  }
  const node = value as object;
  if (open.has(node)) throw new TypeError("canonicalJson: cyclic value");
  open.add(node);
  let out: string;
  if (Array.isArray(node)) {
    out = `[${node.map((item) => (item === undefined ? "null" : write(item, open))).join(",")}]`;
  } else {
    const record = node as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 prescribes.
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    out = `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], open)}`).join(",")}}`;
  }
  open.delete(node);
  return out;
}
