// Error codes for the admin API and transport-level gateway faults: one closed enum, one JSON shape.
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERROR_CODES = [
  "BAD_REQUEST",
  "VALIDATION_FAILED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "NOT_ACCEPTABLE",
  "METHOD_NOT_ALLOWED",
  "RATE_LIMITED",
  "LEDGER_UNAVAILABLE",
  "UPSTREAM_ERROR",
  "NOT_CONFIGURED",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function codeToStatus(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "BAD_REQUEST":
    case "VALIDATION_FAILED":
      return 400;
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "METHOD_NOT_ALLOWED":
      return 405;
    case "NOT_ACCEPTABLE":
      return 406;
    case "CONFLICT":
      return 409;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "RATE_LIMITED":
      return 429;
    case "UPSTREAM_ERROR":
      return 502;
    case "LEDGER_UNAVAILABLE":
    case "NOT_CONFIGURED":
      return 503;
    case "INTERNAL":
      return 500;
  }
}

/** The first code answered with `status` (BAD_REQUEST for 400), INTERNAL when none is. */
export function codeForStatus(status: number): ErrorCode {
  return ERROR_CODES.find((code) => codeToStatus(code) === status) ?? "INTERNAL";
}

/** A fault with a stable code; thrown by services, rendered once by the app's onError. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown) {
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}
