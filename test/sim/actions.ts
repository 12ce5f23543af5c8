// What a simulated step does: honest agents paying (mppx's wrapper or a hand-built credential),
// hostile agents attacking the paid retry, and faults (evictions, a D1 outage, a stalled upstream,
// 5xx and garbage upstreams, clock jumps). Attacks are checked against the witness on the spot.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CREDENTIAL_META_KEY,
  payCredential,
  type WireChallenge,
  X402_PAYMENT_META_KEY,
  type X402PaymentRequired,
  x402Payment,
} from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import type { SimClock } from "./clock";
import { type CallParams, label, type Outcome, rawRpc, type Sessions, sdkCall } from "./gateway";
import type { Rng } from "./prng";
import { ledgerOf, type OrgName, type SimOrg, type World } from "./world";

const CREDENTIAL_KEYS = [CREDENTIAL_META_KEY, X402_PAYMENT_META_KEY];

/** A challenge an agent received and has not paid (yet): a later step may pay it, attack with it, or let it lapse. */
export type Pending = {
  org: SimOrg;
  agent: string;
  client: Client | null;
  params: CallParams;
  challenge?: WireChallenge;
  required?: X402PaymentRequired;
  /** Simulated time the challenge was received. */
  at: number;
};

export type Ctx = {
  rng: Rng;
  world: World;
  clock: SimClock;
  sessions: Sessions;
  pool: Pending[];
  outcomes: Map<string, number>;
  violations: string[];
  timeoutsLeft: number;
  d1DownSteps: number;
  note: (what: string) => void;
};

function count(ctx: Ctx, key: string): void {
  ctx.outcomes.set(key, (ctx.outcomes.get(key) ?? 0) + 1);
}

function price(rng: Rng): string {
  const cents = rng.pick([10, 25, 50, 100, 150, 200, 250, 300, 400, 450, 500, 550, 700]);
  return ((cents + (rng.chance(0.7) ? rng.int(0, 9) : 0)) / 100).toFixed(2);
}

function paidParams(rng: Rng, org: SimOrg): CallParams {
  const tool =
    org.name === "desk"
      ? rng.weighted({ paid_echo: 6, slow_paid: 2, generate_image: 1 })
      : org.name === "shop"
        ? rng.weighted({ paid_echo: 6, generate_image: 2, research_report: 1, slow_paid: 1, multi_offer: 1 })
        : "paid_echo";
  const n = rng.int(0, 9999);
  const args: Record<string, Record<string, unknown>> = {
    paid_echo: { text: `t${n}`, price: org.name === "shop" || org.name === "desk" ? price(rng) : "0.75" },
    generate_image: { prompt: `p${n}` },
    research_report: { topic: `r${n}`, depth: rng.chance(0.2) ? "deep" : "brief" },
    multi_offer: {},
    slow_paid: { text: `s${n}` },
  };
  return { name: tool, arguments: args[tool]! };
}

function agentOf(rng: Rng, org: SimOrg): string {
  return rng.pick(Object.keys(org.agentKeys));
}

function mppMeta(challenge: WireChallenge, token = "ok"): Record<string, unknown> {
  return { [CREDENTIAL_META_KEY]: payCredential(challenge, token) };
}

/** Records the outcome under `kind:label` and returns it. */
function seen<T extends Outcome | { type: "accepted"; status: number }>(ctx: Ctx, kind: string, o: T): T {
  count(ctx, `${kind} -> ${o.type === "accepted" ? "accepted" : label(o)}`);
  return o;
}

/** Runs a hostile request and checks the upstream never received a credential while it ran. */
async function hostile<T extends Outcome | { type: "accepted"; status: number }>(
  ctx: Ctx,
  org: SimOrg,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  const before = (await witness(org.host)).requests.length;
  const o = seen(ctx, what, await fn());
  const after = (await witness(org.host)).requests.slice(before);
  const leaked = after.filter((q) => q.metaKeys.some((k) => CREDENTIAL_KEYS.includes(k)));
  if (leaked.length > 0)
    ctx.violations.push(
      `(5) hostile ${what} reached the upstream with a credential: ${JSON.stringify(leaked)}`,
    );
  if (o.type === "ok")
    ctx.violations.push(`(5) hostile ${what} was answered as a success: ${JSON.stringify(o)}`);
  // A request method sent as a notification must be refused outright, not accepted with a 202.
  if (o.type === "accepted" && o.status !== 400)
    ctx.violations.push(`(5) hostile ${what} was accepted with HTTP ${o.status}, not refused with 400`);
  return o;
}

/** After a refused attack the genuine retry of the same challenge must still go through. */
async function genuine(ctx: Ctx, kind: string, p: Pending): Promise<void> {
  if (!ctx.rng.chance(0.7)) {
    ctx.pool.push(p);
    return;
  }
  const meta = p.challenge ? mppMeta(p.challenge) : { [X402_PAYMENT_META_KEY]: x402Payment(p.required!) };
  const params = { ...p.params, _meta: meta };
  const o = seen(ctx, `${kind}/genuine`, p.client ? await sdkCall(p.client, params) : await raw(p, params));
  if (o.type !== "ok")
    ctx.violations.push(
      `(6) a refused ${kind} spoiled the genuine paid retry: ${label(o)} ${JSON.stringify(o)}`,
    );
}

async function raw(p: Pending, params: CallParams): Promise<Outcome> {
  const o = await rawRpc(p.org, "tools/call", params as unknown as Record<string, unknown>, {
    agent: p.agent,
  });
  return o.type === "accepted" ? { type: "error", code: 202, message: "accepted" } : o;
}

/** Asks for the price of a paid call; a refusal (budget, rate limit) means nothing to attack. */
async function obtain(
  ctx: Ctx,
  kind: string,
  org: SimOrg,
  opts: { agent?: string; client?: Client | null; params?: CallParams } = {},
): Promise<Pending | null> {
  const agent = opts.agent ?? agentOf(ctx.rng, org);
  const client =
    opts.client === undefined
      ? await ctx.sessions.get(org, agent, "plain", ctx.rng.chance(0.2))
      : opts.client;
  const params = opts.params ?? paidParams(ctx.rng, org);
  const p: Pending = { org, agent, client, params, at: ctx.clock.now() };
  const o = seen(ctx, `${kind}/ask`, client ? await sdkCall(client, params) : await raw(p, params));
  if (o.type === "challenge") return { ...p, challenge: o.challenges[0]! };
  if (o.type === "x402_required") return { ...p, required: o.required };
  return null;
}

/** Evicts the org's ledger object (waking it first, since only a running object can be evicted). */
async function evictLedger(org: SimOrg, wake: boolean): Promise<void> {
  if (wake) await ledgerOf(org).ping();
  await evictDurableObject(ledgerOf(org)).catch((e: unknown) => {
    if (!String(e).includes("not currently running")) throw e;
  });
}

const shopOrDesk = (ctx: Ctx) => (ctx.rng.chance(0.6) ? ctx.world.shop : ctx.world.desk);

export const ACTIONS = {
  // --- honest agents -------------------------------------------------------------------------
  async honest_payer(ctx: Ctx) {
    const org = shopOrDesk(ctx);
    const client = await ctx.sessions.get(org, agentOf(ctx.rng, org), "payer", ctx.rng.chance(0.2));
    seen(ctx, "honest_payer", await sdkCall(client, paidParams(ctx.rng, org)));
  },
  async honest_manual(ctx: Ctx) {
    const p = await obtain(ctx, "honest_manual", shopOrDesk(ctx));
    if (!p?.challenge) return;
    seen(ctx, "honest_manual", await sdkCall(p.client!, { ...p.params, _meta: mppMeta(p.challenge) }));
  },
  async abandon(ctx: Ctx) {
    const p = await obtain(ctx, "abandon", shopOrDesk(ctx));
    if (p) ctx.pool.push(p);
  },
  async late_pay(ctx: Ctx) {
    const p = ctx.pool.splice(ctx.rng.int(0, Math.max(0, ctx.pool.length - 1)), 1)[0];
    if (!p) return;
    const meta = p.challenge ? mppMeta(p.challenge) : { [X402_PAYMENT_META_KEY]: x402Payment(p.required!) };
    const params = { ...p.params, _meta: meta };
    const age = ctx.clock.now() - p.at;
    const span = age < 90_000 ? "<90s" : age < 330_000 ? "<5.5min" : age < 48 * 3_600_000 ? "<48h" : ">48h";
    const kind = `late_pay(${p.challenge ? "mpp" : "x402"},${span})`;
    seen(ctx, kind, p.client ? await sdkCall(p.client, params) : await raw(p, params));
  },
  async free_call(ctx: Ctx) {
    const org = shopOrDesk(ctx);
    const client = await ctx.sessions.get(org, agentOf(ctx.rng, org), "plain", false);
    seen(ctx, "free_call", await sdkCall(client, { name: "echo", arguments: { text: "free" } }));
  },
  async x402_pay(ctx: Ctx) {
    const p = await obtain(ctx, "x402_pay", ctx.world.weather, {
      params: { name: "x402_weather", arguments: { city: ctx.rng.pick(["Paris", "Lima", "Oslo"]) } },
    });
    if (!p?.required) return;
    if (ctx.rng.chance(0.2)) {
      ctx.pool.push(p);
      return;
    }
    const params = { ...p.params, _meta: { [X402_PAYMENT_META_KEY]: x402Payment(p.required) } };
    seen(ctx, "x402_pay", await sdkCall(p.client!, params));
  },
  async parallel(ctx: Ctx) {
    const org = shopOrDesk(ctx);
    const client = await ctx.sessions.get(org, agentOf(ctx.rng, org), "payer", ctx.rng.chance(0.3));
    const calls = Array.from({ length: ctx.rng.int(2, 6) }, () => paidParams(ctx.rng, org));
    const evict = ctx.rng.chance(0.3);
    const delay = ctx.rng.int(0, 40);
    const runs = calls.map((c) => sdkCall(client, c));
    if (evict) {
      await new Promise((r) => setTimeout(r, delay));
      await evictLedger(org, false);
      ctx.note(`evicted ${org.name} ledger ${delay} ms into a parallel burst`);
    }
    for (const o of await Promise.all(runs)) seen(ctx, evict ? "parallel+evict" : "parallel", o);
  },
  async image_burst(ctx: Ctx) {
    // Several images within one simulated minute: the 3/minute rate limit must refuse the rest.
    const client = await ctx.sessions.get(ctx.world.shop, agentOf(ctx.rng, ctx.world.shop), "payer", false);
    for (let i = ctx.rng.int(3, 6); i > 0; i--) {
      ctx.clock.tick();
      seen(
        ctx,
        "image_burst",
        await sdkCall(client, { name: "generate_image", arguments: { prompt: `b${i}` } }),
      );
    }
  },
  async charge_then_fail(ctx: Ctx) {
    const client = await ctx.sessions.get(ctx.world.shop, "alpha", "payer", false);
    seen(ctx, "charge_then_fail", await sdkCall(client, { name: "charge_then_fail", arguments: {} }));
  },
  async server_error(ctx: Ctx) {
    const client = await ctx.sessions.get(ctx.world.shop, "beta", "payer", false);
    seen(ctx, "server_error", await sdkCall(client, { name: "server_error", arguments: {} }));
  },
  async broken_upstream(ctx: Ctx) {
    const org = ctx.rng.chance(0.5) ? ctx.world.error500 : ctx.world.garbage;
    const o = await rawRpc(org, "tools/call", { name: "paid_echo", arguments: { text: "x", price: "0.50" } });
    seen(ctx, `broken_upstream(${org.name})`, o);
  },
  async stalled_paid_retry(ctx: Ctx): Promise<void> {
    if (ctx.timeoutsLeft <= 0) return;
    ctx.timeoutsLeft -= 1;
    const p = await obtain(ctx, "stalled_paid_retry", ctx.world.stall, { client: null });
    if (!p?.challenge) return;
    seen(ctx, "stalled_paid_retry", await raw(p, { ...p.params, _meta: mppMeta(p.challenge) }));
  },

  // --- hostile agents ------------------------------------------------------------------------
  async swapped_args(ctx: Ctx) {
    const p = await obtain(ctx, "swapped_args", shopOrDesk(ctx), {
      params: { name: "paid_echo", arguments: { text: "real", price: price(ctx.rng) } },
    });
    if (!p?.challenge) return;
    const swapped = ctx.rng.chance(0.5)
      ? { ...p.params.arguments, price: "0.01" }
      : { ...p.params.arguments, text: "swapped" };
    await hostile(ctx, p.org, "swapped_args", () =>
      sdkCall(p.client!, { name: p.params.name, arguments: swapped, _meta: mppMeta(p.challenge!) }),
    );
    await genuine(ctx, "swapped_args", p);
  },
  async bad_token(ctx: Ctx) {
    const p = await obtain(ctx, "bad_token", shopOrDesk(ctx));
    if (!p?.challenge) return;
    seen(ctx, "bad_token", await sdkCall(p.client!, { ...p.params, _meta: mppMeta(p.challenge, "bad") }));
  },
  async parallel_replay(ctx: Ctx) {
    const p = await obtain(ctx, "parallel_replay", shopOrDesk(ctx));
    if (!p?.challenge) return;
    const params = { ...p.params, _meta: mppMeta(p.challenge) };
    const before = (await witness(p.org.host)).settlements.length;
    const n = ctx.rng.int(2, 4);
    const all = await Promise.all(Array.from({ length: n }, () => sdkCall(p.client!, params)));
    for (const o of all) seen(ctx, "parallel_replay", o);
    const settled = (await witness(p.org.host)).settlements.slice(before);
    const oks = all.filter((o) => o.type === "ok").length;
    if (oks > 1 || settled.length > 1)
      ctx.violations.push(
        `(5) ${n} concurrent copies of one credential: ${oks} answered ok, ${settled.length} settled`,
      );
  },
  async replay(ctx: Ctx) {
    const p = await obtain(ctx, "replay", shopOrDesk(ctx));
    if (!p?.challenge) return;
    const params = { ...p.params, _meta: mppMeta(p.challenge) };
    const first = seen(ctx, "replay/first", await sdkCall(p.client!, params));
    if (first.type !== "ok") return;
    const replayer = ctx.rng.chance(0.5) ? p.client! : await ctx.sessions.get(p.org, p.agent, "plain", true);
    await hostile(ctx, p.org, "replay", () => sdkCall(replayer, params));
  },
  async other_tool(ctx: Ctx) {
    const org = ctx.world.shop;
    const p = await obtain(ctx, "other_tool", org, {
      params: { name: "generate_image", arguments: { prompt: "x" } },
    });
    if (!p?.challenge) return;
    await hostile(ctx, org, "other_tool", () =>
      sdkCall(p.client!, {
        name: "paid_echo",
        arguments: { text: "x", price: "0.50" },
        _meta: mppMeta(p.challenge!),
      }),
    );
    await genuine(ctx, "other_tool", p);
  },
  async forged_id(ctx: Ctx) {
    const p = await obtain(ctx, "forged_id", shopOrDesk(ctx));
    if (!p?.challenge) return;
    const forged = { ...p.challenge, id: `forged-${ctx.rng.int(0, 1e9)}` };
    await hostile(ctx, p.org, "forged_id", () => sdkCall(p.client!, { ...p.params, _meta: mppMeta(forged) }));
    await genuine(ctx, "forged_id", p);
  },
  async tampered_challenge(ctx: Ctx) {
    const p = await obtain(ctx, "tampered", shopOrDesk(ctx));
    if (!p?.challenge) return;
    const request = { ...p.challenge.request };
    const how = ctx.rng.pick(["amount", "recipient", "currency"] as const);
    if (how === "amount") request.amount = "1";
    if (how === "recipient") request.recipient = "0x000000000000000000000000000000000000dEaD";
    if (how === "currency") request.currency = "0x20c0000000000000000000000000000000000001";
    const tampered = { ...p.challenge, request };
    await hostile(ctx, p.org, `tampered(${how})`, () =>
      sdkCall(p.client!, { ...p.params, _meta: mppMeta(tampered) }),
    );
    await genuine(ctx, "tampered", p);
  },
  async two_credentials(ctx: Ctx) {
    const p = await obtain(ctx, "two_credentials", shopOrDesk(ctx));
    if (!p?.challenge) return;
    const x402 = x402Payment({
      x402Version: 2,
      accepts: [{ scheme: "exact", network: "eip155:84532", amount: "1", payTo: "0x1", asset: "0x2" }],
    });
    await hostile(ctx, p.org, "two_credentials", () =>
      sdkCall(p.client!, { ...p.params, _meta: { ...mppMeta(p.challenge!), [X402_PAYMENT_META_KEY]: x402 } }),
    );
    await genuine(ctx, "two_credentials", p);
  },
  async x402_tampered(ctx: Ctx) {
    const org = ctx.world.weather;
    const p = await obtain(ctx, "x402_tampered", org, {
      params: { name: "x402_weather", arguments: { city: "Rome" } },
    });
    if (!p?.required) return;
    const payment = x402Payment(p.required);
    const auth = payment.payload.authorization;
    const how = ctx.rng.pick(["value", "to", "accepted"] as const);
    if (how === "value") auth.value = String(BigInt(String(auth.value)) * 100n);
    if (how === "to") auth.to = "0x000000000000000000000000000000000000dEaD";
    if (how === "accepted") payment.accepted = { ...payment.accepted, amount: "1" };
    await hostile(ctx, org, `x402_tampered(${how})`, () =>
      sdkCall(p.client!, { ...p.params, _meta: { [X402_PAYMENT_META_KEY]: payment } }),
    );
    await genuine(ctx, "x402_tampered", p);
  },
  async notification_call(ctx: Ctx) {
    const org = shopOrDesk(ctx);
    const p = await obtain(ctx, "notification", org, { client: null });
    if (!p?.challenge) return;
    await hostile(ctx, org, "notification", () =>
      rawRpc(
        org,
        "tools/call",
        { ...p.params, _meta: mppMeta(p.challenge!) },
        { notification: true, agent: p.agent },
      ),
    );
    await genuine(ctx, "notification", p);
  },
  async credential_on_other_method(ctx: Ctx) {
    const org = shopOrDesk(ctx);
    const p = await obtain(ctx, "other_method", org, { client: null });
    if (!p?.challenge) return;
    const method = ctx.rng.pick(["resources/read", "prompts/get"] as const);
    const params =
      method === "resources/read"
        ? { uri: "file:///secret", _meta: mppMeta(p.challenge) }
        : { name: "summary", arguments: {}, _meta: mppMeta(p.challenge) };
    await hostile(ctx, org, `credential_on_${method}`, () => rawRpc(org, method, params, { agent: p.agent }));
    await genuine(ctx, "other_method", p);
  },
  async cross_session(ctx: Ctx) {
    const org = shopOrDesk(ctx);
    const agent = agentOf(ctx.rng, org);
    const a = await ctx.sessions.get(org, agent, "plain", true);
    const p = await obtain(ctx, "cross_session", org, { agent, client: a });
    if (!p?.challenge) return;
    const b = await ctx.sessions.get(org, agent, "plain", true);
    await hostile(ctx, org, "cross_session", () => sdkCall(b, { ...p.params, _meta: mppMeta(p.challenge!) }));
    await genuine(ctx, "cross_session", p);
  },
  async other_agent(ctx: Ctx) {
    const org = ctx.world.shop;
    const p = await obtain(ctx, "other_agent", org, { agent: "alpha" });
    if (!p?.challenge) return;
    const thief = await ctx.sessions.get(org, "beta", "plain", false);
    await hostile(ctx, org, "other_agent", () =>
      sdkCall(thief, { ...p.params, _meta: mppMeta(p.challenge!) }),
    );
    await genuine(ctx, "other_agent", p);
  },

  // --- faults --------------------------------------------------------------------------------
  async evict(ctx: Ctx) {
    const name = ctx.rng.pick(["shop", "desk", "weather", "stall"] as OrgName[]);
    await evictLedger(ctx.world[name], true);
    ctx.note(`evicted ${name} ledger`);
    count(ctx, "evict");
  },
  async d1_outage(ctx: Ctx) {
    if (ctx.d1DownSteps > 0) return;
    await env.DB.exec("ALTER TABLE transactions RENAME TO transactions_offline");
    ctx.d1DownSteps = ctx.rng.int(1, 4);
    ctx.note(`D1 transactions table down for ${ctx.d1DownSteps} steps`);
    count(ctx, "d1_outage");
  },
  async clock_jump(ctx: Ctx) {
    const moved = ctx.clock.advance(ctx.rng.int(3 * 60, 26 * 60) * 60_000);
    ctx.note(`clock jumped ${(moved / 3_600_000).toFixed(1)} h`);
    count(ctx, "clock_jump");
  },
} satisfies Record<string, (ctx: Ctx) => Promise<void>>;

export type ActionName = keyof typeof ACTIONS;

export const WEIGHTS: Record<ActionName, number> = {
  honest_payer: 18,
  honest_manual: 10,
  abandon: 5,
  late_pay: 5,
  free_call: 3,
  x402_pay: 6,
  parallel: 5,
  image_burst: 2,
  charge_then_fail: 3,
  server_error: 3,
  broken_upstream: 2,
  stalled_paid_retry: 1,
  bad_token: 2,
  parallel_replay: 2,
  swapped_args: 3,
  replay: 3,
  other_tool: 2,
  forged_id: 2,
  tampered_challenge: 3,
  two_credentials: 2,
  x402_tampered: 3,
  notification_call: 2,
  credential_on_other_method: 2,
  cross_session: 2,
  other_agent: 2,
  evict: 4,
  d1_outage: 2,
  clock_jump: 2,
};

export async function restoreD1(): Promise<void> {
  const t = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'transactions_offline'",
  ).first();
  if (t) await env.DB.exec("ALTER TABLE transactions_offline RENAME TO transactions");
}
