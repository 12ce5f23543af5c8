// A 2026-07-28 client (raw HTTP, per-request _meta, no initialize) in front of the 2025-era demo
// upstreams: the gateway answers server/discover, runs the upstream's initialize itself, and the
// paid path (price -> policy -> reserve -> claim -> settle) works in this era's shapes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { payCredential, type WireChallenge } from "../helpers/mcp-client";
import { modernCall } from "../helpers/modern-client";
import { ECHO_BUDGET } from "../helpers/policies";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

async function org(path = "/json/mcp") {
  const host = witnessHost();
  const seeded = await seedOrg({
    policy: ECHO_BUDGET,
    upstreams: [{ namespace: "demo", url: `https://${host}${path}` }],
  });
  return { ...seeded, host, mcp: seeded.url(seeded.agentKeys.main!) };
}

async function statuses(orgId: string) {
  await ledgerFor(env, orgId).flush();
  const rows = await env.DB.prepare(
    "SELECT status, amount FROM transactions WHERE org_id = ? ORDER BY created_at, id",
  )
    .bind(orgId)
    .all<{ status: string; amount: string | null }>();
  return rows.results;
}

describe("a 2026-07-28 client in front of 2025-era upstreams", () => {
  it("server/discover is answered by the gateway with the upstreams' merged capabilities", async () => {
    const o = await org();
    const { status, body } = await modernCall(o.mcp, "server/discover");
    expect(status).toBe(200);
    expect(body.result).toMatchObject({
      resultType: "complete",
      supportedVersions: expect.arrayContaining(["2026-07-28", "2025-11-25"]),
      capabilities: { tools: {}, experimental: { payment: expect.anything() } },
      ttlMs: expect.any(Number),
      cacheScope: "private",
    });
    // The upstream saw the gateway's own handshake, never server/discover.
    const seen = (await witness(o.host)).requests.map((r) => r.rpcMethod);
    expect(seen).toEqual(["initialize", "notifications/initialized"]);
  });

  it("tools/list and a free tools/call carry resultType; one upstream session serves the agent", async () => {
    const o = await org();
    const list = await modernCall(o.mcp, "tools/list");
    expect(list.body.result?.resultType).toBe("complete");
    expect(list.body.result).toMatchObject({ ttlMs: expect.any(Number), cacheScope: "private" });
    expect((list.body.result!.tools as { name: string }[]).map((t) => t.name)).toContain("echo");
    const call = await modernCall(
      o.mcp,
      "tools/call",
      { name: "echo", arguments: { text: "hi" } },
      {
        meta: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "tg=1" },
      },
    );
    expect(call.status).toBe(200);
    expect(call.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "hi" }],
    });
    const w = await witness(o.host);
    expect(w.runs).toEqual([{ tool: "echo", args: { text: "hi" } }]);
    expect(w.requests.filter((r) => r.rpcMethod === "initialize")).toHaveLength(1);
    const forwarded = w.requests.find((r) => r.rpcMethod === "tools/call")!;
    // Trace context passes through; the modern reserved keys are the gateway's, not the upstream's.
    expect(forwarded.metaKeys.sort()).toEqual(["traceparent", "tracestate"]);
  });

  it("a paid call: the challenge comes as result metadata (no -32042), the credential retry settles", async () => {
    const o = await org();
    const args = { text: "paid", price: "2.00" };
    const first = await modernCall(o.mcp, "tools/call", { name: "paid_echo", arguments: args });
    expect(first.body.error).toBeUndefined();
    expect(first.body.result).toMatchObject({ resultType: "complete", isError: true });
    const meta = first.body.result?._meta as Record<string, { challenges: WireChallenge[] }>;
    const challenge = meta["org.paymentauth/payment-required"]!.challenges[0]!;
    const paid = await modernCall(
      o.mcp,
      "tools/call",
      { name: "paid_echo", arguments: args },
      { meta: { "org.paymentauth/credential": payCredential(challenge) } },
    );
    expect(paid.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "paid" }],
    });
    expect((paid.body.result!._meta as Record<string, unknown>)["org.paymentauth/receipt"]).toBeTruthy();
    const w = await witness(o.host);
    expect(w.settlements).toHaveLength(1);
    expect((await statuses(o.orgId)).filter((r) => r.status === "committed")).toEqual([
      { status: "committed", amount: "2000000" },
    ]);
  });

  it("a denial uses this era's contract: -31010 with the same tollgate object, nothing paid", async () => {
    const o = await org();
    const { status, body } = await modernCall(o.mcp, "tools/call", {
      name: "paid_echo",
      arguments: { text: "dear", price: "5.01" },
    });
    expect(status).toBe(200);
    expect(body.error?.code).toBe(-31010);
    expect(body.error?.data?.tollgate).toMatchObject({
      denied: true,
      reason: "per_call_limit",
      rule: "echo budget",
    });
    expect((await witness(o.host)).settlements).toEqual([]);
    expect((await statuses(o.orgId)).map((r) => r.status)).toEqual(["denied"]);
  });

  it("an unreachable upstream is -31002 with a tollgate object, never -32002", async () => {
    const seeded = await seedOrg({
      upstreams: [{ namespace: "down", url: "https://w-x.example/error500/mcp" }],
    });
    const { body } = await modernCall(seeded.url(seeded.agentKeys.main!), "tools/list");
    expect(body.error?.code).toBe(-31002);
    expect(body.error?.data?.tollgate).toMatchObject({ reason: "upstream_error", upstream: "down" });
  });

  it("SSE answers are translated event by event", async () => {
    const o = await org("/mcp");
    const call = await modernCall(o.mcp, "tools/call", { name: "echo", arguments: { text: "sse" } });
    expect(call.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "sse" }],
    });
  });
});
