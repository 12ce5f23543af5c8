// Vitest globalSetup (runs in Node): bundles the demo paid upstream into test/dist/ so Miniflare can load it
// as the auxiliary "paid-upstream" Worker (auxiliary Workers cannot read a wrangler config themselves).
import { build } from "esbuild";

export default async function setup(): Promise<void> {
  await build({
    // Relative to the project root (vitest's cwd), like scriptPath in vitest.config.ts. This file is
    // typechecked with Workers types only, so no node:path here.
    entryPoints: ["demo/paid-upstream/index.ts"],
    outfile: "test/dist/paid-upstream.js",
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    bundle: true,
    // Provided by workerd under nodejs_compat (mppx's server imports node:util).
    external: ["node:*"],
    target: "es2022",
    logLevel: "warning",
  });
}
