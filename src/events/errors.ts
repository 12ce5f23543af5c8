// Typed faults of the webhook dispatcher's RPC (bad input, wrong org). Delivery outcomes are data.
import type { z } from "zod";

/** The code leads the message: Workers RPC carries an error's message across the stub, not its fields. */
export class WebhookInputError extends Error {
  readonly code = "invalid_input" as const;
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`invalid_input: ${field}: ${detail}`);
    this.name = "WebhookInputError";
  }
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "(input)";
  throw new WebhookInputError(field, issue?.message ?? "invalid");
}
