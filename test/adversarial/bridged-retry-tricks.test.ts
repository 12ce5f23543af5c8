// A 2025-era upstream's question relayed to a 2026-07-28 client as MRTR (ADR 0037), attacked by the
// agent on its retry: other arguments or another tool under the same state, a forged or replayed
// state, a retry from another agent, two retries at once, and a paid call whose client never answers
// after the payment (it stays paid). Asserts what the upstream received, not only the answers.
import { describe, expect, it } from "vitest";
import { payCredential, type WireChallenge } from "../helpers/mcp-client";
import { modernCall, type RpcAnswer } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { type Witness, witness, witnessHost } from "../helpers/witness";
import { transactions } from "./helpers";

const CAPS = { elicitation: {} };
const ADA = { upstream_request: { action: "accept", content: { name: "Ada" } } };

async function org() {
  const host = witnessHost();
  const seeded = await seedOrg({
    agents: [{ name: "main", isDefault: true }, { name: "other" }],
    upstreams: [{ namespace: "asking", url: `https://${host}/asking/mcp` }],
  });
  return {
    ...seeded,
    host,
    mcp: seeded.url(seeded.agentKeys.main!),
    other: seeded.url(seeded.agentKeys.other!),
  };
}

function call(mcp: string, params: Record<string, unknown>, meta?: Record<string, unknown>) {
  return modernCall(
    mcp,
    "tools/call",
    { name: "ask_name", arguments: {}, ...params },
    { capabilities: CAPS, ...(meta ? { meta } : {}) },
  );
}

async function stateOf(a: Promise<RpcAnswer>): Promise<string> {
  const r = (await a).body.result as { resultType: string; requestState: string };
  expect(r.resultType).toBe("input_required");
  return r.requestState;
}

/** Responses the upstream received (the client's answers, relayed to it). */
const answersSeen = (w: Witness) => w.requests.filter((r) => r.rpcMethod === null && r.hasId).length;

function refused(a: RpcAnswer) {
  expect(a.body.error?.code).toBe(-32602);
}

describe("a bridged upstream question's retry, attacked by the agent", () => {
  it("other arguments or another tool under the state are refused; the true retry still finishes", async () => {
    const o = await org();
    const state = await stateOf(call(o.mcp, {}));
    refused(await call(o.mcp, { arguments: { extra: 1 }, requestState: state, inputResponses: ADA }));
    refused(await call(o.mcp, { name: "ask_roots", requestState: state, inputResponses: ADA }));
    expect(answersSeen(await witness(o.host))).toBe(0);
    const done = await call(o.mcp, { requestState: state, inputResponses: ADA });
    expect(done.body.result).toMatchObject({ content: [{ type: "text", text: "hello Ada" }] });
    expect(answersSeen(await witness(o.host))).toBe(1);
  });

  it("a forged or altered requestState is refused, and nothing reaches the upstream", async () => {
    const o = await org();
    const state = await stateOf(call(o.mcp, {}));
    const [body, sig] = state.slice(6).split(".") as [string, string];
    const payload = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const other = btoa(JSON.stringify({ ...payload, ap: crypto.randomUUID() }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    for (const forged of [`tgrs1.${other}.${sig}`, `${state}x`, "tgrs1.e30.AAAA", "anything"])
      refused(await call(o.mcp, { requestState: forged, inputResponses: ADA }));
    expect(answersSeen(await witness(o.host))).toBe(0);
    expect((await witness(o.host)).runs).toEqual([]);
  });

  it("a replayed requestState is refused after its answer was delivered", async () => {
    const o = await org();
    const state = await stateOf(call(o.mcp, {}));
    await call(o.mcp, { requestState: state, inputResponses: ADA });
    refused(await call(o.mcp, { requestState: state, inputResponses: ADA }));
    const w = await witness(o.host);
    expect(w.runs).toHaveLength(1);
    expect(answersSeen(w)).toBe(1);
  });

  it("a retry from another agent of the org is refused", async () => {
    const o = await org();
    const state = await stateOf(call(o.mcp, {}));
    const stolen = await call(o.other, { requestState: state, inputResponses: ADA });
    refused(stolen);
    expect(stolen.body.error?.message).toContain("another agent");
    expect(answersSeen(await witness(o.host))).toBe(0);
  });

  it("two retries at once: only one delivers its answer", async () => {
    const o = await org();
    const state = await stateOf(call(o.mcp, {}));
    const eve = { upstream_request: { action: "accept", content: { name: "Eve" } } };
    const both = await Promise.all([
      call(o.mcp, { requestState: state, inputResponses: ADA }),
      call(o.mcp, { requestState: state, inputResponses: eve }),
    ]);
    const done = both.filter((a) => a.body.result?.resultType === "complete");
    expect(done).toHaveLength(1);
    expect(both.filter((a) => a.body.error?.code === -32602)).toHaveLength(1);
    const w = await witness(o.host);
    expect(answersSeen(w)).toBe(1);
    expect(w.runs).toHaveLength(1);
  });

  it("a paid call that asks after the payment: the answering retry's credential is not sent again", async () => {
    const o = await org();
    const first = await modernCall(
      o.mcp,
      "tools/call",
      { name: "paid_ask", arguments: {} },
      { capabilities: CAPS },
    );
    const meta = first.body.result?._meta as Record<string, { challenges: WireChallenge[] }>;
    const credential = {
      "org.paymentauth/credential": payCredential(meta["org.paymentauth/payment-required"]!.challenges[0]!),
    };
    const asked = await call(o.mcp, { name: "paid_ask" }, credential);
    const state = await stateOf(Promise.resolve(asked));
    // The client retries the original request (credential and all) with its answer.
    const done = await call(
      o.mcp,
      { name: "paid_ask", requestState: state, inputResponses: ADA },
      credential,
    );
    expect(done.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "delivered to Ada" }],
    });
    expect((done.body.result!._meta as Record<string, unknown>)["org.paymentauth/receipt"]).toBeTruthy();
    const w = await witness(o.host);
    expect(w.settlements).toHaveLength(1);
    const paidCalls = w.requests.filter((r) => r.metaKeys.includes("org.paymentauth/credential"));
    expect(paidCalls).toHaveLength(1);
    const committed = (await transactions(o.orgId)).filter((r) => r.status === "committed");
    expect(committed.map((r) => r.committed_amount)).toEqual(["500000"]);
  });

  it("a paid call that asks after the payment stays paid when the client never answers", async () => {
    const o = await org();
    const first = await modernCall(
      o.mcp,
      "tools/call",
      { name: "paid_ask", arguments: {} },
      { capabilities: CAPS },
    );
    const meta = first.body.result?._meta as Record<string, { challenges: WireChallenge[] }>;
    const challenge = meta["org.paymentauth/payment-required"]!.challenges[0]!;
    const credential = { "org.paymentauth/credential": payCredential(challenge) };
    const asked = await modernCall(
      o.mcp,
      "tools/call",
      { name: "paid_ask", arguments: {} },
      { capabilities: CAPS, meta: credential },
    );
    const state = (asked.body.result as { requestState: string; resultType: string }).requestState;
    expect(asked.body.result?.resultType).toBe("input_required");
    // The client walks away. The upstream call ends at its timeout; the payment is committed.
    let committed: Awaited<ReturnType<typeof transactions>> = [];
    for (let i = 0; i < 40 && committed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      committed = (await transactions(o.orgId)).filter((r) => r.status === "committed");
    }
    expect(committed).toHaveLength(1);
    expect(committed[0]!.committed_amount).toBe("500000");
    const w = await witness(o.host);
    expect(w.settlements).toHaveLength(1);
    expect(w.runs).toEqual([{ tool: "paid_ask", args: { where: "default" } }]);
    // A late retry finds the continuation gone, and pays nothing more.
    const late = await modernCall(
      o.mcp,
      "tools/call",
      { name: "paid_ask", arguments: {}, requestState: state, inputResponses: ADA },
      { capabilities: CAPS },
    );
    refused(late);
    expect((await witness(o.host)).settlements).toHaveLength(1);
  });
});
