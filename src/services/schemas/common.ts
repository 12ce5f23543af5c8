// Shapes shared by every admin resource: ids, time zones, list envelopes and the one error body.
import { z } from "zod";
import { ERROR_CODES } from "../../errors";
import { isValidTimeZone } from "../../policy/time";

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, "must be an IANA time zone like Europe/Paris");
export const Name = z.string().trim().min(1).max(200);
export const EpochMs = z.number().int().describe("epoch milliseconds");

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    requestId: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

/** The largest page any list answers: a page reads about this many rows, whatever the org holds. */
export const MAX_PAGE = 200;
export const Cursor = z.string().max(500).describe("nextCursor of the previous page");
export const PageQuery = z.strictObject({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
});
export type PageQuery = z.infer<typeof PageQuery>;
/** A list page: `nextCursor` is null on the last page. */
export const paged = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });
export const Deleted = z.object({ id: z.string(), deleted: z.literal(true) });

/** Epoch milliseconds or an ISO 8601 date-time, as a query string. */
export const TimeParam = z
  .string()
  .min(1)
  .transform((v, ctx) => {
    const ms = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "must be epoch milliseconds or an ISO 8601 date-time" });
      return z.NEVER;
    }
    return ms;
  });
