// Typed bindings and zod-parsed vars. Vars arrive as strings from wrangler.jsonc / .dev.vars / secrets.
import { z } from "zod";

const boolFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

export const ConfigSchema = z.object({
  ALLOW_PRIVATE_UPSTREAMS: boolFlag,
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Deployment admin token (a Worker secret): creates orgs through the admin API. */
  ADMIN_TOKEN: z.string().min(16).optional(),
  /** Secret for signing gateway session tokens and dashboard cookies. */
  SESSION_SECRET: z.string().min(16).optional(),
  /** Browser origins allowed on /mcp besides same-origin (comma-separated). */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
});
export type Config = z.infer<typeof ConfigSchema>;

const cache = new WeakMap<object, Config>();

/** Parses once per env object (per isolate), so the hot path never re-validates. */
export function config(env: Env): Config {
  let parsed = cache.get(env);
  if (!parsed) {
    parsed = ConfigSchema.parse(env);
    cache.set(env, parsed);
  }
  return parsed;
}
