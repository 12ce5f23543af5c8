// Typed faults the ledger throws (bad input). Budget outcomes are results, never these.
import type { z } from "zod";

/**
 * Input that failed validation. The code also leads the message because Workers RPC carries an
 * error's message across the stub boundary but not its custom fields.
 */
export class LedgerInputError extends Error {
  readonly code = "invalid_input" as const;
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`invalid_input: ${field}: ${detail}`);
    this.name = "LedgerInputError";
  }
}

/** True for a LedgerInputError, local or received over RPC (where only name/message survive). */
export function isLedgerInputError(e: unknown): boolean {
  return e instanceof Error && e.message.startsWith("invalid_input: ");
}

/** Parse `input` with `schema` or throw a LedgerInputError naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "(input)";
  throw new LedgerInputError(field, issue?.message ?? "invalid");
}
