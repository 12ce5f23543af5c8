// Input validation for the admin API: zod safeParse turned into one VALIDATION_FAILED error that
// names every failing field, so clients can point at the exact input.
import type { z } from "zod";
import { AppError } from "../errors";

export type FieldError = { path: string; message: string };

export function issuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

export function validationError(where: string, details: FieldError[]): AppError {
  const summary = details.map((d) => `${d.path || "(root)"}: ${d.message}`).join("; ");
  return new AppError("VALIDATION_FAILED", `Invalid ${where}: ${summary}`, details);
}

/** Parses `data` or throws VALIDATION_FAILED with details [{ path, message }]. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, where: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw validationError(
    where,
    result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
  );
}

/** One failing field found by a service after schema validation (e.g. an amount with too many decimals). */
export function fieldError(path: string, message: string): AppError {
  return validationError("body", [{ path, message }]);
}

export function notFound(what: string): AppError {
  return new AppError("NOT_FOUND", `${what} not found`);
}
