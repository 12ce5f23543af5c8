#!/usr/bin/env node
// Operator CLI: validate a policy file and evaluate a sample call against it, offline, with the same
// engine (and the same error messages) as the admin API.
//   npx tollgate validate policy.yaml
//   npx tollgate evaluate policy.yaml --tool generate_image --price 6.00 --currency PATHUSD [--decimals 6]
//        [--args '{"prompt":"x"}'] [--vendor 0xabc] [--mandate mandate.json] [--agent a1] [--at 2026-11-23T10:00:00Z]
//   npx tollgate connect https://tollgate.example.com/mcp   (stdio bridge; bin/connect.mjs)
//   npx tollgate verify export.jsonl --jwks https://gw.example/.well-known/jwks/<org>.json|jwks.json
//        (every receipt's signature and the hash chain, offline; exit 1 naming the first bad row)
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

async function loadEngine(
  entry = 'export * from "./src/policy/index.ts"; export * from "./src/money/index.ts";',
) {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-cli-"));
  const outfile = join(dir, "engine.mjs");
  await build({
    stdin: {
      contents: entry,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    outfile,
    logLevel: "error",
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function usage(code) {
  console.log(`Usage:
  tollgate connect <https://gateway/mcp>   stdio MCP server relaying to the gateway (OAuth in the
                    browser the first time, or TOLLGATE_KEY as a Bearer key)
  tollgate validate <policy.yaml|policy.json>
  tollgate evaluate <policy> --tool <name> [--args JSON] [--price 5.00 --currency USD [--decimals N]]
                    [--vendor V] [--category C] [--mandate mandate.json] [--agent ID] [--at ISO-time]
  tollgate verify <export.jsonl> --jwks <URL|file>`);
  process.exit(code);
}

const [command, file, ...rest] = process.argv.slice(2);
if (!command || command === "--help" || command === "-h") usage(0);
if (command === "connect") {
  const { connect } = await import("./connect.mjs");
  try {
    await connect(file);
  } catch (err) {
    console.error(`tollgate: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
} else if (command === "verify") {
  if (!file) usage(2);
  await verify(file, rest);
} else {
  await policyCommand();
}

async function policyCommand() {
  if (!file || !["validate", "evaluate"].includes(command)) usage(2);

  const engine = await loadEngine();
  const source = readFileSync(file, "utf8");
  const compiled = engine.compilePolicy(source, { format: extname(file) === ".json" ? "json" : "yaml" });
  if (!compiled.ok) {
    for (const e of compiled.errors) {
      console.error(`${file}:${e.line ?? "?"}:${e.column ?? "?"} ${e.path || "(root)"}: ${e.message}`);
    }
    console.error(`${compiled.errors.length} error(s)`);
    process.exit(1);
  }
  if (command === "validate") {
    console.log(`${file}: valid (mode ${compiled.policy.mode})`);
    process.exit(0);
  }

  const { values } = parseArgs({
    args: rest,
    options: {
      tool: { type: "string" },
      args: { type: "string", default: "{}" },
      price: { type: "string" },
      currency: { type: "string" },
      decimals: { type: "string" },
      vendor: { type: "string" },
      category: { type: "string" },
      mandate: { type: "string" },
      agent: { type: "string", default: "cli-agent" },
      at: { type: "string" },
    },
  });
  if (!values.tool) usage(2);
  let price = null;
  if (values.price !== undefined) {
    const currency = engine.normalizeCurrency(values.currency ?? "USD");
    const decimals =
      values.decimals !== undefined ? Number(values.decimals) : engine.currencyDecimals(currency);
    if (decimals === null) {
      console.error(`Unknown currency ${currency}: pass --decimals`);
      process.exit(2);
    }
    const parsed = engine.parseNonNegativeDecimal(values.price, decimals);
    if (!parsed.ok) {
      console.error(`--price: ${parsed.error}`);
      process.exit(2);
    }
    price = { amount: parsed.value, currency, decimals };
  }
  const mandate = values.mandate
    ? engine.MandateSchema.parse(JSON.parse(readFileSync(values.mandate, "utf8")))
    : null;
  const decision = engine.evaluate({
    policy: compiled.policy,
    mandate,
    call: {
      orgId: "cli",
      agentId: values.agent,
      sessionId: null,
      tool: values.tool,
      upstream: null,
      args: JSON.parse(values.args),
      price,
      vendor: values.vendor ?? null,
      category: values.category ?? null,
    },
    now: values.at ? Date.parse(values.at) : Date.now(),
  });
  console.log(JSON.stringify(decision, null, 2));
  process.exit(decision.action === "deny" && !decision.shadow ? 1 : 0);
}

async function verify(exportFile, args) {
  const { values } = parseArgs({ args, options: { jwks: { type: "string" } } });
  if (!values.jwks) usage(2);
  const jwks = /^https?:\/\//.test(values.jwks)
    ? await (await fetch(values.jwks)).json()
    : JSON.parse(readFileSync(values.jwks, "utf8"));
  const { verifyExport } = await loadEngine(
    'export { verifyExport } from "./src/receipts/verify-export.ts";',
  );
  const report = await verifyExport(readFileSync(exportFile, "utf8").split("\n"), jwks);
  for (const c of report.chains) {
    const from = c.anchoredAtGenesis ? "genesis" : `seq ${c.firstSeq} (prev hash taken on trust)`;
    console.log(`chain ${c.chain}: ${c.rows} receipts, ${from} .. seq ${c.lastSeq}`);
  }
  if (report.ok) {
    console.log(`${exportFile}: ${report.rows} receipts, every signature and link verified`);
    process.exit(0);
  }
  for (const p of report.problems.slice(0, 20))
    console.error(`${exportFile}:${p.line} ${p.id ?? "?"}: ${p.problem}`);
  const b = report.firstBad;
  console.error(
    `FAILED: first bad row is line ${b.line} (${b.id ?? "unreadable"}): ${b.problem}; ${report.problems.length} problem(s)`,
  );
  process.exit(1);
}
