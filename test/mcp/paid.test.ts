import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { connectMcp, payCredential, type WireChallenge, withPayer } from "../helpers/mcp-client";
import { ECHO_AND_GLOBAL_BUDGET } from "../helpers/policies";
import { seedOrg } from "../helpers/seed";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
async function connect(url: string) {
  const c = await connectMcp(url);
  clients.push(c);
  return c;
}

type TxRow = {
  id: string;
  status: string;
  tool: string;
  amount: string | null;
  reason_code: string | null;
  unconfirmed: number;
  agent_id: string;
};

async function transactions(orgId: string): Promise<TxRow[]> {
  await ledgerFor(env, orgId).flush();
  const rows = await env.DB.prepare("SELECT * FROM transactions WHERE org_id = ? ORDER BY created_at, id")
    .bind(orgId)
    .all<TxRow>();
  return rows.results;
}

async function denialOf(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpError);
  const e = err as McpError;
  expect(e.code).toBe(-32010);
  return (
    e.data as {
      tollgate: {
        reason: string;
        rule: string | null;
        price: { amount: string } | null;
        scope: { remaining: string } | null;
      };
    }
  ).tollgate;
}

async function challengeFor(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<WireChallenge> {
  const err = (await client.callTool({ name, arguments: args }).catch((e: unknown) => e)) as McpError;
  expect(err.code).toBe(-32042);
  return (err.data as { challenges: WireChallenge[] }).challenges[0]!;
}

describe("paid tools through the gateway", () => {
  it("passes an allowed challenge, and the paid retry commits with a receipt", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET });
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    const result = await client.callTool({ name: "paid_echo", arguments: { text: "hi", price: "2.00" } });
    expect(result.content).toEqual([{ type: "text", text: "hi" }]);
    expect(result.receipt?.status).toBe("success");
    const rows = await transactions(org.orgId);
    const paid = rows.filter((r) => r.status === "committed");
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ tool: "paid_echo", amount: "2000000", unconfirmed: 0 });
  });

  it("denies a price above the per-call cap before the agent can pay", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET });
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    const denial = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "hi", price: "5.01" } }),
    );
    expect(denial.reason).toBe("per_call_limit");
    expect(denial.rule).toBe("echo budget");
    expect(denial.price?.amount).toBe("5010000");
    const rows = await transactions(org.orgId);
    expect(rows.map((r) => r.status)).toEqual(["denied"]);
  });

  it("exhausts the daily budget across calls, then denies with the remaining budget", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET });
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    await client.callTool({ name: "paid_echo", arguments: { text: "1", price: "4.00" } });
    await client.callTool({ name: "paid_echo", arguments: { text: "2", price: "4.00" } });
    const denial = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "3", price: "4.00" } }),
    );
    expect(denial.reason).toBe("budget_exceeded");
    expect(denial.scope?.remaining).toBe("2000000");
    await client.callTool({ name: "paid_echo", arguments: { text: "4", price: "2.00" } });
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed")).toHaveLength(3);
  });

  it("enforces a global '*' budget across two tools and two agents", async () => {
    const org = await seedOrg({
      policy: ECHO_AND_GLOBAL_BUDGET,
      agents: [{ name: "alpha", isDefault: true }, { name: "beta" }],
    });
    const alpha = withPayer(await connect(org.url(org.agentKeys.alpha!)));
    const beta = withPayer(await connect(org.url(org.agentKeys.beta!)));
    await alpha.callTool({ name: "paid_echo", arguments: { text: "a", price: "5.00" } });
    await beta.callTool({ name: "paid_echo", arguments: { text: "b", price: "5.00" } });
    await beta.callTool({ name: "generate_image", arguments: { prompt: "cat" } }); // 0.50
    const denial = await denialOf(alpha.callTool({ name: "research_report", arguments: { topic: "x" } })); // 2.00
    expect(denial.reason).toBe("budget_exceeded");
    expect(denial.rule).toContain("global daily budget");
  });

  it("releases when the upstream refuses the credential, and commits unconfirmed when it charged without a receipt", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET });
    const client = await connect(org.url(org.agentKeys.main!));
    const challenge = await challengeFor(client, "paid_echo", { text: "x", price: "1.00" });
    await client
      .callTool({
        name: "paid_echo",
        arguments: { text: "x", price: "1.00" },
        _meta: { "org.paymentauth/credential": payCredential(challenge, "bad") },
      })
      .catch(() => undefined);
    const payer = withPayer(client);
    await payer.callTool({ name: "charge_then_fail", arguments: {} }).catch(() => undefined);
    const rows = await transactions(org.orgId);
    const byTool = Object.fromEntries(
      rows.filter((r) => r.status !== "denied").map((r) => [`${r.tool}:${r.status}`, r]),
    );
    expect(byTool["paid_echo:released"]).toBeDefined();
    expect(byTool["charge_then_fail:committed"]?.unconfirmed).toBe(1);
  });

  it("refuses a replayed credential and a credential for an unknown challenge before the upstream sees them", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET });
    const client = await connect(org.url(org.agentKeys.main!));
    const challenge = await challengeFor(client, "paid_echo", { text: "once", price: "1.00" });
    const meta = { "org.paymentauth/credential": payCredential(challenge) };
    const first = await client.callTool({
      name: "paid_echo",
      arguments: { text: "once", price: "1.00" },
      _meta: meta,
    });
    expect(first.content).toEqual([{ type: "text", text: "once" }]);
    const replay = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "once", price: "1.00" }, _meta: meta }),
    );
    expect(replay.reason).toBe("challenge_used");
    const forged = await denialOf(
      client.callTool({
        name: "paid_echo",
        arguments: { text: "x", price: "1.00" },
        _meta: { "org.paymentauth/credential": payCredential({ ...challenge, id: "never-issued" }) },
      }),
    );
    expect(forged.reason).toBe("unknown_challenge");
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed")).toHaveLength(1);
  });

  it("refuses a credential presented for a different tool", async () => {
    const org = await seedOrg({ policy: ECHO_AND_GLOBAL_BUDGET });
    const client = await connect(org.url(org.agentKeys.main!));
    const challenge = await challengeFor(client, "generate_image", { prompt: "p" });
    const denial = await denialOf(
      client.callTool({
        name: "paid_echo",
        arguments: { text: "x", price: "0.50" },
        _meta: { "org.paymentauth/credential": payCredential(challenge) },
      }),
    );
    expect(denial.reason).toBe("tool_mismatch");
  });

  it("fails closed on a challenge whose currency it cannot price (x402 to an unknown asset is priced; elicitation is not a payment)", async () => {
    const org = await seedOrg({ upstreams: [{ namespace: "e", url: "https://paid.example/elicit/mcp" }] });
    const client = await connect(org.url(org.agentKeys.main!));
    const err = (await client
      .callTool({ name: "needs_login", arguments: {} })
      .catch((e: unknown) => e)) as McpError;
    // URL elicitation passes through untouched: it is not a payment.
    expect(err.code).toBe(-32042);
    expect((err.data as { elicitations?: unknown[] }).elicitations).toBeDefined();
  });
});

const price = (i: number) => `1.${String(i).padStart(6, "0")}`;

describe("concurrency", () => {
  it("40 parallel paid calls against a budget that fits 10: exactly 10 challenges and 10 commits", async () => {
    const org = await seedOrg({
      policy:
        // Prices differ by one base unit: mppx derives challenge ids from (request, expires), so two
        // equal prices issued in the same millisecond would share an id and the upstream would refuse
        // the second payment as a replay. Any 10 of these prices fit; no 11 do.
        'version: "1"\ntools:\n  paid_echo:\n    rules:\n      - name: "ten"\n        spend:\n          daily: 10.000345\n',
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        client.callTool({ name: "paid_echo", arguments: { text: `c${i}`, price: price(i) } }).then(
          () => ({ kind: "result" as const }),
          (e: McpError) => ({ kind: e.code === -32042 ? ("challenge" as const) : ("denied" as const), e, i }),
        ),
      ),
    );
    const challenges = attempts.filter((a) => a.kind === "challenge");
    expect(challenges).toHaveLength(10);
    expect(attempts.filter((a) => a.kind === "denied")).toHaveLength(30);
    const paid = await Promise.allSettled(
      challenges.map((a) => {
        const ch = ((a as { e: McpError }).e.data as { challenges: WireChallenge[] }).challenges[0]!;
        const i = (a as { i: number }).i;
        return client.callTool({
          name: "paid_echo",
          arguments: { text: `c${i}`, price: price(i) },
          _meta: { "org.paymentauth/credential": payCredential(ch) },
        });
      }),
    );
    expect(
      paid.map((p) =>
        p.status === "rejected" ? String(p.reason) : p.value.isError ? JSON.stringify(p.value.content) : "ok",
      ),
    ).toEqual(Array(10).fill("ok"));
    const rows = await transactions(org.orgId);
    const paidRows = rows.filter((r) => r.status !== "denied");
    expect(paidRows.map((r) => r.status)).toEqual(Array(10).fill("committed"));
    expect(rows.filter((r) => r.status === "denied")).toHaveLength(30);
  });
});
