// Load test: ORGS orgs x AGENTS agents make free and paid calls through Tollgate at once for
// LOAD_SECONDS (bursts of parallel paid calls on one budget included, budgets sized to run out
// partway), then checks that nothing was overspent, lost or leaked, ramps one tenant to find where
// it saturates, and reads the Worker isolate's heap. Last line: one JSON object. Run: npm run bench:load
import { setTimeout as sleep } from "node:timers/promises";
import { openInspector } from "./lib/inspector.mjs";
import { readLedgers } from "./lib/ledger-state.mjs";
import { AVG_PRICE, freeCall, paidCall, Tally } from "./lib/load-calls.mjs";
import { checkInvariants } from "./lib/load-checks.mjs";
import { printChecks, printHeap, printLoad, printRamp } from "./lib/load-report.mjs";
import { round } from "./lib/rpc.mjs";
import { runBench, seedOrg, startServers } from "./lib/servers.mjs";

const num = (name, dflt) => (process.env[name] === undefined ? dflt : Number(process.env[name]));
const ORGS = num("ORGS", 5);
const AGENTS = num("AGENTS", 20);
const LOAD_SECONDS = num("LOAD_SECONDS", 60);
/** Seconds per ramp step (0 skips the ramp); concurrency doubles from 1 to RAMP_MAX. */
const RAMP_SECONDS = num("RAMP_SECONDS", 5);
const RAMP_MAX = num("RAMP_MAX", 32);
const PAID_SHARE = num("PAID_SHARE", 0.5);
/** Paid calls a burst agent (every fourth) fires at once on its own budget. */
const BURST = num("BURST", 4);
/** Share of paid challenges never paid, and the same share of paid retries hung up on mid-flight. */
const LEAVE_SHARE = num("LEAVE_SHARE", 0.05);
/** Left calls only happen this early in the run, so their holds (5 min challenges) expire soon after. */
const LEAVE_SECONDS = num("LEAVE_SECONDS", 20);
/** The longest wait after the run for the holds still active to pass their expiry. */
const HOLD_WAIT_MAX_S = num("HOLD_WAIT_MAX_S", 420);
/** Calls/s the budgets are sized for (default: the ramp's best, else 30). */
const BUDGET_RATE = num("BUDGET_RATE", null);
/** The expiry alarm and the outbox flush get this long past the last hold's expiry. */
const HOLD_MARGIN_MS = 10_000;
const RAMP_AGENTS = 8;
const BIG = "1000000.00";

const policy = (orgDaily) => `version: "1"
description: "load bench"
currency: PATHUSD
tools:
  paid_echo:
    rules:
      - name: "paid echo"
        spend:
          per_call: 5.00
  "*":
    rules:
      - name: "org daily"
        spend:
          daily: ${orgDaily}
`;

/** Every odd agent also has a (never reached) rate limit, so its free calls hold a counter line. */
const mandate = (daily, i) => ({
  currency: "PATHUSD",
  timeZone: "UTC",
  budgets: { daily },
  perTransactionLimit: "5.00",
  ...(i % 2 === 1 ? { rateLimits: [{ count: 1_000_000, window: "hour" }] } : {}),
});

const major = (x) => (Math.round(x * 100) / 100).toFixed(2);
/** pathUSD major units with 2 decimals -> base units (6 decimals). */
const base = (m) => BigInt(Math.round(Number(m) * 100)) * 10_000n;

/** Org and per-agent daily budgets sized from the expected spend, so both run out partway. */
function budgetPlan(rate) {
  const orgSpend = ((rate * PAID_SHARE * LOAD_SECONDS) / ORGS) * AVG_PRICE;
  const perAgent = orgSpend / AGENTS;
  return {
    rate: round(rate, 1),
    org: major(Math.max(1, 0.6 * orgSpend)),
    // tight (runs out early), medium (may run out), loose (only the org budget stops it)
    agents: [0.25, 0.6, 3].map((f) => major(Math.max(0.5, f * perAgent))),
  };
}

async function seedTenant(s, name, orgDaily, agentDaily) {
  const agents = Array.from({ length: agentDaily.length }, (_, i) => ({
    name: `agent-${i}`,
    mandate: mandate(agentDaily[i], i),
  }));
  const org = await seedOrg(s.gateway, s.adminToken, {
    name,
    policy: policy(orgDaily),
    upstreamUrl: `${s.upstream}/json/mcp`,
    agents,
  });
  return {
    ...org,
    name,
    limit: base(orgDaily),
    agents: org.agents.map((a, i) => ({
      ...a,
      orgId: org.orgId,
      url: `${s.gateway}/${a.key}/mcp`,
      limit: base(agentDaily[i]),
      burst: i % 4 === 1,
    })),
  };
}

/** One agent's closed loop until `end`: free or paid calls (a burst agent's paid calls in parallel). */
async function agentLoop(agent, tally, seen, end, leave) {
  while (Date.now() < end) {
    if (Math.random() >= PAID_SHARE) {
      await freeCall(agent.url, tally);
      continue;
    }
    const n = agent.burst ? BURST : 1;
    await Promise.all(Array.from({ length: n }, () => paidCall(agent, tally, seen, leave())));
  }
}

/** Until `until`, picks for each paid call whether the client leaves it: abandon, disconnect or not. */
function leaveNow(until) {
  return () => {
    if (Date.now() >= until) return null;
    const r = Math.random();
    return r < LEAVE_SHARE ? "abandon" : r < 2 * LEAVE_SHARE ? "disconnect" : null;
  };
}

/** One tenant, concurrency 1, 2, 4 … RAMP_MAX for RAMP_SECONDS each; p99 over every answered call. */
async function ramp(org, seen) {
  console.log(`Saturation ramp: one tenant, ${RAMP_SECONDS} s per step, paid share ${PAID_SHARE}.`);
  const warm = new Tally();
  await agentLoop({ ...org.agents[0], burst: false }, warm, seen, Date.now() + 2_000, () => null);
  const steps = [];
  for (let c = 1; c <= RAMP_MAX; c *= 2) {
    const tally = new Tally();
    const t = performance.now();
    const end = Date.now() + RAMP_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: c }, (_, i) =>
        agentLoop({ ...org.agents[i % org.agents.length], burst: false }, tally, seen, end, () => null),
      ),
    );
    const secs = (performance.now() - t) / 1000;
    const lat = tally.latency();
    steps.push({
      concurrency: c,
      calls_s: round(tally.calls / secs, 1),
      p99: tally.p99All(),
      p99_free: lat.free.p99,
      p99_paid: lat.paid.p99,
      errors: tally.counts.free.errors + tally.counts.paid.errors,
    });
    console.log(`  concurrency ${c}: ${steps.at(-1).calls_s} calls/s, p99 ${steps.at(-1).p99} ms`);
  }
  const baseline = steps[0]?.p99 ?? null;
  const knee = steps.find((s) => baseline !== null && s.p99 >= 2 * baseline) ?? null;
  return {
    steps,
    baseline_p99_ms: baseline,
    saturation: knee ? { calls_s: knee.calls_s, concurrency: knee.concurrency, p99_ms: knee.p99 } : null,
    max_calls_s: Math.max(...steps.map((s) => s.calls_s)),
  };
}

/** Waits (bounded) until every hold still active has passed its expiry and the outbox is empty. */
async function waitForHolds(persist) {
  const start = Date.now();
  // Unreadable: wait the whole cap, since the latest expiry is unknown.
  const ledgers = await readLedgers(persist, start).catch(() => null);
  const latest = ledgers ? Math.max(0, ...ledgers.map((l) => l.latestExpiry ?? 0)) : Infinity;
  const active = ledgers ? ledgers.reduce((n, l) => n + l.active, 0) : "?";
  const until = Math.min(latest ? latest + HOLD_MARGIN_MS : start, start + HOLD_WAIT_MAX_S * 1000);
  console.log(
    `${active} holds still active after the run; waiting ${Math.round((until - start) / 1000)} s ` +
      `(the latest expires ${Number.isFinite(latest) && latest ? new Date(latest).toISOString() : "-"}, ` +
      `cap ${HOLD_WAIT_MAX_S} s)…`,
  );
  while (Date.now() < until) await sleep(Math.min(until - Date.now(), 1_000));
  for (let i = 0; i < 30; i++) {
    const now = await readLedgers(persist, Date.now()).catch(() => []);
    const pending = now.reduce((n, l) => n + l.outboxPending, 0);
    if (pending === 0) break;
    await sleep(1_000);
  }
  return { waited_s: round((Date.now() - start) / 1000, 1), capped: until < latest + HOLD_MARGIN_MS };
}

/** The inspector session (opened while `during` runs) and a heap reader that never throws. */
async function heapReader(s, during) {
  const poke = () =>
    fetch(`${s.gateway}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text());
  const opening = openInspector(s.inspectorPort, poke).catch((err) => err);
  const result = await during;
  const inspector = await opening;
  const heap = () =>
    inspector instanceof Error ? Promise.resolve(inspector) : inspector.heap(true).catch((err) => err);
  return { result, inspector, heap };
}

async function seedLoadOrgs(s, plan) {
  console.log(
    `Seeding ${ORGS} orgs x ${AGENTS} agents: budgets sized for ${plan.rate} calls/s: org daily ` +
      `${plan.org}, agent daily ${plan.agents.join(" / ")} pathUSD (tight / medium / loose)…`,
  );
  const agentDaily = Array.from({ length: AGENTS }, (_, i) => plan.agents[i % 3]);
  return Promise.all(
    Array.from({ length: ORGS }, (_, i) => seedTenant(s, `load-${i}`, plan.org, agentDaily)),
  );
}

async function runLoad(orgs, seen) {
  console.log(`Load: ${LOAD_SECONDS} s, paid share ${PAID_SHARE}, bursts of ${BURST} on every 4th agent.`);
  const tally = new Tally();
  const t = performance.now();
  const start = Date.now();
  const leave = leaveNow(start + LEAVE_SECONDS * 1000);
  const end = start + LOAD_SECONDS * 1000;
  await Promise.all(orgs.flatMap((o) => o.agents.map((a) => agentLoop(a, tally, seen, end, leave))));
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  return { tally, secs: (performance.now() - t) / 1000, crossedMidnight: day(start) !== day(Date.now()) };
}

async function main(s) {
  if (Number(process.versions.node.split(".")[0]) < 22)
    throw new Error("needs Node 22 (node:sqlite, WebSocket): run it as npm run bench:load");
  const seen = new Map();
  console.log(`Servers up. Seeding the ramp tenant (${RAMP_AGENTS} agents, generous budgets)…`);
  const seeding = seedTenant(s, "ramp", BIG, Array(RAMP_AGENTS).fill(BIG));
  const { result: rampOrg, inspector, heap } = await heapReader(s, seeding);
  const heapIdle = await heap();
  const rampResult = RAMP_SECONDS > 0 ? await ramp(rampOrg, seen) : null;
  const saturation = rampResult ? printRamp(rampResult) : null;
  const plan = budgetPlan(BUDGET_RATE ?? rampResult?.max_calls_s ?? 30);
  const orgs = await seedLoadOrgs(s, plan);
  const { tally, secs, crossedMidnight } = await runLoad(orgs, seen);
  const load = printLoad({ tally, secs, orgs: ORGS, agents: AGENTS });
  await sleep(3_000); // money work the gateway finishes after a client hung up
  const heapFigures = printHeap(inspector, heapIdle, await heap());
  if (!(inspector instanceof Error)) inspector.close();
  const wait = await waitForHolds(s.persist);
  const ledgers = await readLedgers(s.persist, Date.now()).catch((err) => err);
  const all = [rampOrg, ...orgs];
  const checks = await checkInvariants({
    gateway: s.gateway,
    upstream: s.upstream,
    orgs: all,
    seen,
    ledgers,
  });
  const invariants = printChecks({ checks, wait, crossedMidnight });
  const figures = {
    ...load,
    ...invariants,
    saturation,
    heap_mb: heapFigures,
    budgets: { sized_for_calls_s: plan.rate, org_daily: plan.org, agent_daily: plan.agents },
    knobs: { PAID_SHARE, BURST, LEAVE_SHARE, LEAVE_SECONDS, RAMP_SECONDS, RAMP_MAX },
  };
  console.log(JSON.stringify(figures));
}

await runBench("bench:load", () => startServers(), main);
