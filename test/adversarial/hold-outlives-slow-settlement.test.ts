// Attack: send the paid retry late in the challenge window to an upstream that settles slowly. The
// hold used to expire mid-call, the commit was refused, and the spend was never counted. Claiming
// extends the hold past the upstream timeout; a claimed hold that nothing settles commits
// unconfirmed (the credential left, money may have moved); and the settlement survives the client
// disconnecting mid-call.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { mppOffers } from "../../src/payments/offers";
import { offerTerms } from "../../src/payments/terms";
import { payCredential } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { line, newLedger, T0, tx, uid } from "../ledger/helpers";
import { attackOrg, connect, mppChallenge, transactions } from "./helpers";

const challenge = {
  id: "late-1",
  realm: "tests",
  method: "test",
  intent: "charge",
  request: { amount: "300", currency: "0x20c0000000000000000000000000000000000000", recipient: "0x1" },
  expires: "2099-01-01T00:00:00Z",
};
const ARGS = "b".repeat(64);

async function reservedAndClaimed(claimAt: number) {
  const { orgId, stub } = newLedger();
  const t = tx(orgId, uid("tx"), { status: "reserved", amount: "300" });
  const offer = mppOffers([challenge]).offers[0]!;
  const r = await stub.reserve({
    idempotencyKey: t.id,
    lines: [line({ key: "day", limit: "1000", amount: "300", unit: "USD/6" })],
    ttlMs: 10_000,
    now: T0,
    tx: t,
    bind: {
      offers: [{ key: "late-1", terms: offerTerms(offer) }],
      tool: "search",
      agentId: "agent-1",
      argsHash: ARGS,
      sessionId: null,
    },
  });
  if (!r.ok) throw new Error("reserve refused");
  const claimed = await stub.claim({
    offerKey: "late-1",
    tool: "search",
    agentId: "agent-1",
    argsHash: ARGS,
    sessionId: null,
    credential: { protocol: "mpp", challengeId: "late-1", challenge },
    holdMs: 64_000,
    now: claimAt,
  });
  return { orgId, stub, id: r.reservationId, claimed, tx: t };
}

describe("a paid retry late in the challenge window", () => {
  it("extends the hold at claim, so a slow settlement still commits", async () => {
    const { stub, id, claimed } = await reservedAndClaimed(T0 + 9_900);
    expect(claimed).toMatchObject({ ok: true, expiresAt: T0 + 9_900 + 64_000 });
    // The upstream answers 40 s later: long after the challenge window the reservation was made for.
    expect(await stub.commit({ reservationId: id, now: T0 + 50_000, receiptRef: "r" })).toMatchObject({
      ok: true,
      status: "committed",
    });
    expect(await stub.verify()).toEqual({ ok: true });
  });

  it("commits a claimed hold that nothing settled as unconfirmed, never releases it", async () => {
    const { stub, id, tx: t, orgId } = await reservedAndClaimed(T0 + 1_000);
    await stub.sweep({ now: T0 + 1_000 + 64_001 });
    const view = await stub.getReservation({ reservationId: id });
    expect(view).toMatchObject({ status: "committed" });
    await stub.flush();
    const row = await env.DB.prepare(
      "SELECT status, unconfirmed, committed_amount FROM transactions WHERE id = ?",
    )
      .bind(t.id)
      .first();
    expect(row).toEqual({ status: "committed", unconfirmed: 1, committed_amount: "300" });
    expect(await stub.verify()).toEqual({ ok: true });
    expect(orgId).toBeTruthy();
  });

  it("an unclaimed hold still expires and releases", async () => {
    const { orgId, stub } = newLedger();
    const t = tx(orgId, uid("tx"), { status: "reserved" });
    const r = await stub.reserve({
      idempotencyKey: t.id,
      lines: [line({ key: "day", limit: "1000", amount: "300" })],
      ttlMs: 10_000,
      now: T0,
      tx: t,
    });
    await stub.sweep({ now: T0 + 10_001 });
    expect(r.ok && (await stub.getReservation({ reservationId: r.reservationId }))).toMatchObject({
      status: "expired",
    });
  });
});

describe("a client that disconnects mid paid retry", () => {
  it("does not lose the settlement: the upstream's receipt is still committed", async () => {
    const org = await attackOrg({ path: "/slow/mcp?delay=400" });
    const client = await connect(org.url(org.agentKeys.main!));
    const args = { text: "bye", price: "1.00" };
    const ch = await mppChallenge(client, "paid_echo", args);
    const abort = new AbortController();
    const session = (client.transport as unknown as { sessionId?: string }).sessionId ?? "";
    const sent = exports.default
      .fetch(org.url(org.agentKeys.main!), {
        method: "POST",
        signal: abort.signal,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-session-id": session,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 99,
          method: "tools/call",
          params: {
            name: "paid_echo",
            arguments: args,
            _meta: { "org.paymentauth/credential": payCredential(ch) },
          },
        }),
      })
      .catch(() => null);
    setTimeout(() => abort.abort(), 100);
    await sent;
    // Poll (bounded) for the detached settlement; the upstream takes ~400 ms.
    let committed = 0;
    for (let i = 0; i < 50 && committed === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      committed = (await transactions(org.orgId)).filter((r) => r.status === "committed").length;
    }
    expect((await witness(org.host)).settlements).toHaveLength(1);
    expect(committed).toBe(1);
    expect(await ledgerFor(env, org.orgId).verify()).toEqual({ ok: true });
  });
});
