// Attack: pay for a call, then cancel it (and hang up) once the upstream has taken the money, hoping
// the gateway drops the hold or skips the commit. The cancel goes to the paid upstream only; the
// retry runs detached, so the upstream's settlement is still committed at its price, and a cancel
// naming the same id from another session reaches nobody.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { payCredential } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { type Witness, witness, witnessHost } from "../helpers/witness";
import { connect, mppChallenge, transactions } from "./helpers";

function post(url: string, session: string, body: unknown, signal?: AbortSignal) {
  return exports.default.fetch(url, {
    method: "POST",
    ...(signal ? { signal } : {}),
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-11-25",
    },
    body: JSON.stringify(body),
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

const cancels = (w: Witness) => w.requests.filter((r) => r.rpcMethod === "notifications/cancelled");

describe("an agent that cancels after paying", () => {
  it("the payment is still committed; the cancel reaches the paid upstream only", async () => {
    const [paid, other] = [witnessHost(), witnessHost()];
    const org = await seedOrg({
      upstreams: [
        { namespace: "paid", url: `https://${paid}/stall-after-settle/mcp?delay=600`, toolPrefix: null },
        { namespace: "beta", url: `https://${other}/pages/mcp?label=b` },
      ],
    });
    const url = org.url(org.agentKeys.main!);
    const client = await connect(url);
    const session = (client.transport as unknown as { sessionId?: string }).sessionId ?? "";
    const args = { text: "refund me", price: "1.00" };
    const ch = await mppChallenge(client, "paid_echo", args);
    const abort = new AbortController();
    const retry = post(
      url,
      session,
      {
        jsonrpc: "2.0",
        id: 77,
        method: "tools/call",
        params: {
          name: "paid_echo",
          arguments: args,
          _meta: { "org.paymentauth/credential": payCredential(ch) },
        },
      },
      abort.signal,
    ).catch(() => null);
    await until(async () => (await witness(paid)).settlements.length === 1);
    // The money has moved; the agent now cancels and hangs up, from its own session and another.
    const second = await connect(url);
    const otherSession = (second.transport as unknown as { sessionId?: string }).sessionId ?? "";
    expect((await post(url, otherSession, cancel(77))).status).toBe(202);
    expect((await post(url, session, cancel(77))).status).toBe(202);
    abort.abort();
    await retry;
    let rows = await transactions(org.orgId);
    await until(async () => {
      rows = await transactions(org.orgId);
      return rows.some((r) => r.status === "committed");
    });
    const committed = rows.filter((r) => r.status === "committed");
    expect(committed).toHaveLength(1);
    expect(committed[0]).toMatchObject({ tool: "paid_echo", committed_amount: "1000000" });
    expect(rows.filter((r) => r.status === "released")).toEqual([]);
    expect((await witness(paid)).settlements).toHaveLength(1);
    expect(cancels(await witness(paid))).toHaveLength(1);
    expect(cancels(await witness(other))).toHaveLength(0);
    expect(await ledgerFor(env, org.orgId).verify()).toEqual({ ok: true });
  });
});

function cancel(requestId: number) {
  return {
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId, reason: "changed my mind" },
  };
}
