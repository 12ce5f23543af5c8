// The calls the load test makes through Tollgate, each classified (ok, refused by Tollgate, error, or
// left on purpose: a challenge never paid, a paid retry the client hung up on), and the tally of
// counts and latencies per kind. Every challenge handed out is remembered for the invariant checks.
import { challengeOf, paying, pct, resultText, round, rpc } from "./rpc.mjs";

/** The denial contract's codes (docs/decisions/0003-denial-contract.md). */
const DENIAL_CODES = new Set([-32010, -32011]);
/** A client that hangs up on its paid retry does so this soon (ms, uniform), mid-flight. */
const DISCONNECT_MAX_MS = 40;
/** Under full load a call queues for seconds; only a call this slow counts as failed. */
const CALL_TIMEOUT_MS = 60_000;
const timeout = () => AbortSignal.timeout(CALL_TIMEOUT_MS);

const denialOf = (m) =>
  DENIAL_CODES.has(m.error?.code) ? (m.error.data?.tollgate?.reason ?? `code ${m.error.code}`) : null;

/**
 * A random paid_echo price, 0.05 to 1.00 pathUSD to the base unit (6 decimals). Not whole cents: an
 * MPP challenge id is an HMAC of the offer and its expiry (to the ms), so two calls offered the same
 * price in the same millisecond get the same challenge, and the upstream pays it only once.
 */
export const randomPrice = () => (50_000 + Math.floor(Math.random() * 950_001)) / 1e6;
export const AVG_PRICE = 0.525;

export class Tally {
  constructor() {
    this.ms = { free: [], paid: [], refused: [] };
    this.counts = {
      free: { ok: 0, refused: 0, errors: 0 },
      paid: { ok: 0, refused: 0, errors: 0, abandoned: 0, disconnected: 0 },
    };
    this.reasons = {};
    this.errors = {};
    this.requests = 0;
  }
  ok(kind, ms) {
    this.counts[kind].ok++;
    this.ms[kind].push(ms);
  }
  refused(kind, reason, ms) {
    this.counts[kind].refused++;
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
    this.ms.refused.push(ms);
  }
  error(kind, message) {
    this.counts[kind].errors++;
    const key = String(message).slice(0, 160);
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }
  /** Calls finished, whatever their outcome. */
  get calls() {
    return Object.values(this.counts).reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }
  /** p50/p99 (ms) per latency kind: free and paid successes, and refusals of either. */
  latency() {
    const out = {};
    for (const [kind, samples] of Object.entries(this.ms)) {
      const s = [...samples].sort((a, b) => a - b);
      out[kind] = { n: s.length, p50: round(pct(s, 50)), p99: round(pct(s, 99)) };
    }
    return out;
  }
  /** p99 over every answered call (successes and refusals), for the saturation ramp. */
  p99All() {
    return round(
      pct(
        [...this.ms.free, ...this.ms.paid, ...this.ms.refused].sort((a, b) => a - b),
        99,
      ),
    );
  }
}

/** A free `echo` call. */
export async function freeCall(url, tally) {
  const t = performance.now();
  try {
    tally.requests++;
    const m = await rpc(
      url,
      "tools/call",
      { name: "echo", arguments: { text: "load" } },
      { signal: timeout() },
    );
    const reason = denialOf(m);
    if (resultText(m) === "load") tally.ok("free", performance.now() - t);
    else if (reason) tally.refused("free", reason, performance.now() - t);
    else tally.error("free", `free call: ${JSON.stringify(m).slice(0, 200)}`);
  } catch (err) {
    tally.error("free", err.message);
  }
}

/**
 * A paid `paid_echo` call: the -32042 answer, then (unless `leave` says "abandon") the retry paying it
 * ("disconnect": aborted a few ms in). `seen` (challenge id -> facts) gets every challenge received.
 */
export async function paidCall(agent, tally, seen, leave = null) {
  const price = randomPrice().toFixed(6);
  const args = { text: `load ${agent.name}`, price };
  const t = performance.now();
  try {
    tally.requests++;
    const first = await rpc(
      agent.url,
      "tools/call",
      { name: "paid_echo", arguments: args },
      { signal: timeout() },
    );
    const refused = denialOf(first);
    if (refused) return tally.refused("paid", refused, performance.now() - t);
    const challenge = challengeOf(first);
    if (!challenge) return tally.error("paid", `expected -32042: ${JSON.stringify(first).slice(0, 200)}`);
    const facts = { org: agent.orgId, agent: agent.id, price, outcome: "challenged" };
    seen.set(challenge.id, facts);
    if (leave === "abandon") {
      facts.outcome = "abandoned";
      tally.counts.paid.abandoned++;
      return;
    }
    const retry = { name: "paid_echo", arguments: args, _meta: paying(challenge) };
    facts.outcome = "retry sent, no answer";
    const hangUp = new AbortController();
    if (leave === "disconnect") setTimeout(() => hangUp.abort(), Math.random() * DISCONNECT_MAX_MS);
    tally.requests++;
    let paid;
    try {
      paid = await rpc(agent.url, "tools/call", retry, {
        signal: AbortSignal.any([timeout(), hangUp.signal]),
      });
    } catch (err) {
      if (!hangUp.signal.aborted) throw err;
      facts.outcome = "disconnected";
      tally.counts.paid.disconnected++;
      return;
    }
    const reason = denialOf(paid);
    facts.outcome = reason
      ? `refused at retry: ${reason}`
      : resultText(paid) === args.text
        ? "paid"
        : "error";
    if (facts.outcome === "paid") tally.ok("paid", performance.now() - t);
    else if (reason) tally.refused("paid", reason, performance.now() - t);
    else tally.error("paid", `paid retry: ${JSON.stringify(paid).slice(0, 200)}`);
  } catch (err) {
    tally.error("paid", err.message);
  }
}
