// Typed bindings and zod-parsed vars. Vars arrive as strings from wrangler.jsonc / .dev.vars / secrets.
import { z } from "zod";

const csv = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );

/** Hono's environment for every route layer: the Worker bindings and per-request variables. */
export type AppEnv = { Bindings: Env; Variables: { requestId: string } };

const boolFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** OTEL_EXPORTER_OTLP_HEADERS: entries that do not parse are skipped (tracing never fails a call). */
function otlpHeaders(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (v ?? "").split(",")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    try {
      const name = entry.slice(0, eq).trim();
      if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
        out[name] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      // a malformed escape: skipped
    }
  }
  return out;
}

export const ConfigSchema = z.object({
  ALLOW_PRIVATE_UPSTREAMS: boolFlag,
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Deployment admin token (a Worker secret): creates orgs through the admin API. */
  ADMIN_TOKEN: z.string().min(16).optional(),
  /** Secret for signing gateway session tokens and dashboard cookies. */
  SESSION_SECRET: z.string().min(16).optional(),
  /**
   * Key-encryption keyring for wallet secrets (a Worker secret): `kid:<base64 32 bytes>[,older...]`,
   * the first is current (docs/wallets.md: rotation). Absent: wallets cannot hold keys.
   */
  WALLET_KEK: z.string().min(1).optional(),
  /**
   * Hostnames this deployment serves (comma-separated, e.g. "tollgate.example.com"). A request to /mcp
   * for another Host answers 421; loopback hosts are always served. Empty: any Host (see ADR 0012).
   * `https://<host>` of each is also an allowed browser Origin.
   */
  ALLOWED_HOSTS: csv,
  /** Further browser origins allowed on /mcp, compared as full origins (comma-separated). */
  ALLOWED_ORIGINS: csv,
  /** OTLP/HTTP collector base URL (e.g. https://otel.example:4318): spans are exported when set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Milliseconds one export may take (the OpenTelemetry default, 10 s); it runs after the answer. */
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().positive().max(30_000).default(10_000),
  /** Collector headers, `k=v,k2=v2` with URL-encoded values (e.g. an API key; a Worker secret). */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional().transform(otlpHeaders),
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
