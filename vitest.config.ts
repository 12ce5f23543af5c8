import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    // node_modules ship sourceMappingURL comments without the maps; vite warns for each one.
    logLevel: "error" as const,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ALLOW_PRIVATE_UPSTREAMS: "false",
            ADMIN_TOKEN: "test-admin-token-0123456789",
            SESSION_SECRET: "test-session-secret-0123456789",
            // A fixed test KEK (32 bytes, base64url) under kid "test".
            WALLET_KEK: "test:dGVzdC13YWxsZXQta2V5LWVuY3J5cHRpb24ta2V5ISE",
            // Short, so the timeout test waits seconds, not the production 30 s.
            UPSTREAM_TIMEOUT_MS: "4000",
            // The wait for a client's answer to a relayed upstream question (ADR 0037), short likewise.
            INPUT_WAIT_MS: "2500",
            // The test gateway's own host (seed.ts URLs); loopback is always allowed.
            ALLOWED_HOSTS: "gw.test",
            // The simulation (test/sim, scripts/sim.mjs): empty runs the short fixed-seed run.
            SIM_SEED: process.env.SIM_SEED ?? "",
            SIM_STEPS: process.env.SIM_STEPS ?? "",
          },
          // The demo paid upstream (bundled by globalSetup) answers every global fetch() of the Worker under
          // test, whatever the host: tests point upstream URLs at e.g. https://paid.example/mcp.
          workers: [
            {
              name: "paid-upstream",
              modules: true,
              scriptPath: "./test/dist/paid-upstream.js",
              compatibilityDate: "2026-10-01",
              compatibilityFlags: ["nodejs_compat"],
            },
          ],
          outboundService: "paid-upstream",
        },
      }),
    ],
    test: {
      globalSetup: ["./test/helpers/global-setup.ts"],
      setupFiles: ["./test/helpers/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
    },
  };
});
