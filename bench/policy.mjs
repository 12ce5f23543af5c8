// Measures the policy engine: compile time and evaluate() latency on a generated 100-rule policy
// (conditions, regexes, counters and spend limits that all apply to the call).
// Run: npm run bench:policy. The last line printed is one JSON object with the figures.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

// POLICY_ROOT: bundle another checkout's src/policy (A/B runs of two versions on one busy machine).
const root = process.env.POLICY_ROOT ?? new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
const outfile = join(dir, "policy.mjs");
await build({
  entryPoints: [join(root, "src/policy/index.ts")],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node22",
  outfile,
  logLevel: "warning",
  // yaml ships CommonJS that requires node builtins; give the ESM bundle a real require.
  banner: {
    js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
  },
});
const { compilePolicy, evaluate } = await import(pathToFileURL(outfile).href);
rmSync(dir, { recursive: true, force: true });

const RULES = 100;
const TOOL = "search__web";

/** 100 rules spread over the exact tool, two globs and "*", every one of which applies and passes. */
function generatePolicy() {
  const keys = [TOOL, "search__*", "search__w*", "*"];
  const tools = Object.fromEntries(keys.map((k) => [k, { rules: [] }]));
  for (let i = 0; i < RULES; i++) {
    const key = keys[i % keys.length];
    const name = `rule ${i}`;
    let rule;
    switch (i % 5) {
      case 0:
        rule = {
          name,
          conditions: [
            { path: "args.limit", op: "lte", value: 1000 + i },
            { path: "args.lang", op: "in", value: ["en", "fr", "de", `x${i}`] },
          ],
        };
        break;
      case 1:
        rule = {
          name,
          conditions: [
            { path: "args.query", op: "regex", value: `^[a-z ]{1,${200 + i}}$` },
            { path: "vendor", op: "regex", value: "(?i)^api\\.exa\\.ai$" },
          ],
        };
        break;
      case 2:
        rule = { name, spend: { per_call: `${1 + i}.50`, daily: 100 + i, monthly: "2500.00" } };
        break;
      case 3:
        rule = {
          name,
          conditions: [{ path: `state.${key === "*" ? "_global" : key}.c${i}`, op: "lte", value: 10_000 }],
          state: { counter: `c${i}`, window: "hour", increment_from: "args.weight" },
        };
        break;
      default:
        rule = {
          name,
          conditions: [
            { path: "args.filters[0].field", op: "neq", value: "secret" },
            { path: "spend.amount", op: "lt", value: 10 ** 9 },
            { path: "args.tags", op: "contains", value: "web" },
          ],
        };
    }
    tools[key].rules.push(rule);
  }
  return JSON.stringify({
    version: "1",
    currency: "USD",
    conversions: [{ from: "USDC", to: "USD", rate: "1" }],
    tools,
  });
}

const source = generatePolicy();
const compileRuns = 50;
let compiled;
const c0 = performance.now();
for (let i = 0; i < compileRuns; i++) compiled = compilePolicy(source, { format: "json" });
const compileMs = (performance.now() - c0) / compileRuns;
if (!compiled.ok) throw new Error(`bench policy did not compile: ${JSON.stringify(compiled.errors)}`);
const policy = compiled.policy;

const input = {
  policy,
  mandate: null,
  now: Date.UTC(2026, 2, 4, 12),
  call: {
    orgId: "org",
    agentId: "agent",
    sessionId: "s",
    tool: TOOL,
    upstream: "exa",
    vendor: "api.exa.ai",
    category: "search",
    args: {
      limit: 10,
      lang: "en",
      query: "agent spend control",
      weight: 2,
      filters: [{ field: "year" }],
      tags: ["web", "news"],
    },
    price: { amount: 1_250_000n, currency: "USDC", decimals: 6 },
  },
};
const first = evaluate(input);
const evaluated = first.rules.length;
if (first.action !== "allow" || evaluated !== RULES) {
  throw new Error(
    `bench call should pass all ${RULES} rules, got ${first.action} after ${evaluated}: ${JSON.stringify(first.denial)}`,
  );
}

for (let i = 0; i < 2000; i++) evaluate(input); // warm up the JIT and the regex cache
const N = 20_000;
const samples = new Float64Array(N);
// CPU time of the whole loop as well: a shared machine's preemption inflates wall samples, not this.
const cpu0 = process.cpuUsage();
for (let i = 0; i < N; i++) {
  const t = process.hrtime.bigint();
  evaluate(input);
  samples[i] = Number(process.hrtime.bigint() - t) / 1000;
}
const cpu = process.cpuUsage(cpu0);
samples.sort();
const pct = (p) => samples[Math.min(N - 1, Math.floor((p / 100) * N))];
const round = (x) => Math.round(x * 10) / 10;
const result = {
  rules: RULES,
  evaluate_us_p50: round(pct(50)),
  evaluate_us_p99: round(pct(99)),
  evaluate_cpu_us_mean: round((cpu.user + cpu.system) / N),
  compile_ms: round(compileMs),
  scopes: first.scopes.length,
  iterations: N,
  node: process.version,
};
console.log(`policy: ${RULES} rules, ${result.scopes} ledger lines per call, ${N} evaluations`);
console.log(
  `evaluate p50 ${result.evaluate_us_p50} us, p99 ${result.evaluate_us_p99} us, CPU mean ${result.evaluate_cpu_us_mean} us; compile ${result.compile_ms} ms`,
);
console.log(JSON.stringify(result));
