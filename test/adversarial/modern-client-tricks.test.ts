// A 2026-07-28 agent trying what the era leaves open: a paid credential moved to other arguments, a
// JSON-RPC response posted as if answering something, a URL elicitation dressed as a payment (and the
// reverse). Money still goes price -> policy -> reserve -> claim -> settle; nothing unasked is forwarded.
import { describe, expect, it } from "vitest";
import { payCredential, type WireChallenge } from "../helpers/mcp-client";
import { MODERN, modernCall, send } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

async function org(path: string) {
  const host = witnessHost();
  const seeded = await seedOrg({ upstreams: [{ namespace: "demo", url: `https://${host}${path}` }] });
  return { ...seeded, host, mcp: seeded.url(seeded.agentKeys.main!) };
}

describe("a hostile 2026-07-28 agent", () => {
  it("a credential for one call's challenge, retried with swapped arguments, is refused before the upstream", async () => {
    const o = await org("/json/mcp");
    const first = await modernCall(o.mcp, "tools/call", {
      name: "paid_echo",
      arguments: { text: "cheap", price: "0.10" },
    });
    const meta = first.body.result?._meta as Record<string, { challenges: WireChallenge[] }>;
    const challenge = meta["org.paymentauth/payment-required"]!.challenges[0]!;
    const swapped = await modernCall(
      o.mcp,
      "tools/call",
      { name: "paid_echo", arguments: { text: "other", price: "0.10" } },
      { meta: { "org.paymentauth/credential": payCredential(challenge) } },
    );
    expect(swapped.body.error?.code).toBe(-31010);
    expect(swapped.body.error?.data?.tollgate).toMatchObject({ reason: "arguments_mismatch" });
    const w = await witness(o.host);
    expect(w.settlements).toEqual([]);
    expect(w.runs).toEqual([]);
  });

  it("a JSON-RPC response from a 2026 client answers nothing and is refused", async () => {
    const o = await org("/json/mcp");
    const { status } = await send(
      o.mcp,
      { "content-type": "application/json", accept: "application/json", "mcp-protocol-version": MODERN },
      { jsonrpc: "2.0", id: "tgu.ups_x.MQ", result: { action: "accept" } },
    );
    expect(status).toBe(400);
    expect((await witness(o.host)).requests).toEqual([]);
  });

  it("an upstream's URL elicitation becomes an MRTR question (not a payment, not -32042)", async () => {
    const o = await org("/elicit/mcp");
    const caps = { capabilities: { elicitation: { url: {} } } };
    const asked = await modernCall(o.mcp, "tools/call", { name: "needs_login", arguments: {} }, caps);
    expect(asked.body.error).toBeUndefined();
    expect(asked.body.result).toMatchObject({
      resultType: "input_required",
      inputRequests: {
        tollgate_url_0: {
          method: "elicitation/create",
          params: { mode: "url", url: "https://login.example/authorize?state=demo" },
        },
      },
    });
    const params = (asked.body.result!.inputRequests as Record<string, { params: Record<string, unknown> }>)
      .tollgate_url_0!.params;
    expect(params.elicitationId).toBeUndefined();
    // Without the url capability the client is told which capability it lacks.
    const without = await modernCall(o.mcp, "tools/call", { name: "needs_login", arguments: {} });
    expect(without.body.error?.code).toBe(-32021);
    // The retry after the user signed in carries the gateway's state: accepted and sent on.
    const retry = await modernCall(
      o.mcp,
      "tools/call",
      {
        name: "needs_login",
        arguments: {},
        requestState: asked.body.result!.requestState,
        inputResponses: { tollgate_url_0: { action: "accept" } },
      },
      caps,
    );
    expect(retry.body.result?.resultType).toBe("input_required");
  });
});
