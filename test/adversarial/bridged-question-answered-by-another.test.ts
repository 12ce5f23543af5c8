// A 2026-07-28 upstream's question relayed to a 2025-era client (ADR 0037), attacked by the agent:
// answers to ids it was never asked, answers from another session or agent, the same answer twice, a
// client that never answers (on a priced call: no hold may leak), and MRTR fields it forges itself.
// Each is refused before the upstream sees it; the upstream's requestState never reaches the client.

import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { rawAnswer, rawCall, rawInitialize, rawPost } from "../helpers/legacy-raw";
import { withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";
import { connect, transactions } from "./helpers";

const CAPS = { elicitation: {}, sampling: {} };
const NAME = { action: "accept", content: { name: "Ada" } };
const LINE = {
  role: "assistant",
  content: { type: "text", text: "a line" },
  model: "m",
  stopReason: "endTurn",
};

async function org(prices = false) {
  const host = witnessHost();
  const seeded = await seedOrg({
    agents: [{ name: "main", isDefault: true }, { name: "other" }],
    upstreams: [
      {
        namespace: "modern",
        url: `https://${host}/modern/mcp`,
        ...(prices
          ? { toolPrices: { modern_survey: { amount: "250000", currency: "pathUSD", decimals: 6 } } }
          : {}),
      },
    ],
  });
  return {
    ...seeded,
    host,
    mcp: seeded.url(seeded.agentKeys.main!),
    other: seeded.url(seeded.agentKeys.other!),
  };
}

/** Starts modern_survey and reads the two relayed questions (elicitation, sampling). */
async function questions(mcp: string) {
  const s = await rawInitialize(mcp, CAPS);
  const call = await rawCall(s, "modern_survey", {});
  const asked = [await call.next(), await call.next()];
  const byMethod = Object.fromEntries(asked.map((m) => [m!.method as string, m!]));
  return { s, call, elicit: byMethod["elicitation/create"]!, sample: byMethod["sampling/createMessage"]! };
}

describe("a bridged upstream question, attacked by the agent", () => {
  it("the client sees the questions, never the upstream's requestState", async () => {
    const o = await org();
    const q = await questions(o.mcp);
    expect(JSON.stringify([q.elicit, q.sample])).not.toContain("survey-");
    expect(await rawAnswer(q.s, q.elicit.id, NAME)).toBe(202);
    expect(await rawAnswer(q.s, q.sample.id, LINE)).toBe(202);
    const final = await q.call.next();
    expect(final).toMatchObject({ result: { content: [{ type: "text", text: "Ada: a line" }] } });
    expect(JSON.stringify(final)).not.toContain("survey-");
  });

  it("an answer to an id it was never asked is refused", async () => {
    const o = await org();
    const s = await rawInitialize(o.mcp, CAPS);
    expect(await rawAnswer(s, `tg-input-${crypto.randomUUID()}`, NAME)).toBe(400);
    expect(await rawAnswer(s, "tg-input-", NAME)).toBe(400);
    expect((await witness(o.host)).requests.filter((r) => r.rpcMethod === null)).toEqual([]);
  });

  it("an answer from another session or another agent is refused; the asked session's still counts", async () => {
    const o = await org();
    const q = await questions(o.mcp);
    const sameAgent = await rawInitialize(o.mcp, CAPS);
    const otherAgent = await rawInitialize(o.other, CAPS);
    const forged = { action: "accept", content: { name: "Mallory" } };
    expect(await rawAnswer(sameAgent, q.elicit.id, forged)).toBe(400);
    expect(await rawAnswer(otherAgent, q.elicit.id, forged)).toBe(400);
    expect(await rawAnswer(q.s, q.elicit.id, NAME)).toBe(202);
    expect(await rawAnswer(q.s, q.sample.id, LINE)).toBe(202);
    expect(await q.call.next()).toMatchObject({
      result: { content: [{ type: "text", text: "Ada: a line" }] },
    });
  });

  it("an answer from another org, to the same id, is refused", async () => {
    const o = await org();
    const q = await questions(o.mcp);
    const stranger = await org();
    const s = await rawInitialize(stranger.mcp, CAPS);
    expect(await rawAnswer(s, q.elicit.id, { action: "accept", content: { name: "Mallory" } })).toBe(400);
    expect(await rawAnswer(q.s, q.elicit.id, NAME)).toBe(202);
    expect(await rawAnswer(q.s, q.sample.id, LINE)).toBe(202);
    expect(await q.call.next()).toMatchObject({
      result: { content: [{ type: "text", text: "Ada: a line" }] },
    });
  });

  it("the same answer sent twice is taken once", async () => {
    const o = await org();
    const q = await questions(o.mcp);
    expect(await rawAnswer(q.s, q.elicit.id, NAME)).toBe(202);
    expect(await rawAnswer(q.s, q.elicit.id, { action: "accept", content: { name: "Eve" } })).toBe(400);
    expect(await rawAnswer(q.s, q.sample.id, LINE)).toBe(202);
    expect(await q.call.next()).toMatchObject({
      result: { content: [{ type: "text", text: "Ada: a line" }] },
    });
    expect((await witness(o.host)).runs).toHaveLength(1);
  });

  it("a client that never answers: the call ends with a clear error, a late answer is refused, no hold leaks", async () => {
    const o = await org(true);
    const q = await questions(o.mcp);
    const final = await q.call.next();
    expect(final).toMatchObject({ result: { isError: true } });
    expect(JSON.stringify(final)).toContain("did not answer");
    expect(await rawAnswer(q.s, q.elicit.id, NAME)).toBe(400);
    expect((await witness(o.host)).runs).toEqual([]);
    const rows = await transactions(o.orgId);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status === "reserved")).toEqual([]);
    expect(rows.filter((r) => r.committed_amount !== null && r.committed_amount !== "0")).toEqual([]);
  });

  it("requestState or inputResponses sent by a 2025-era client are refused before the upstream", async () => {
    const o = await org();
    const s = await rawInitialize(o.mcp, CAPS);
    const res = await rawPost(s, {
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: {
        name: "modern_survey",
        arguments: {},
        requestState: "survey-1-guessed",
        inputResponses: { name: NAME, line: LINE },
      },
    });
    const text = await res.text();
    expect(text).toContain("-32602");
    expect((await witness(o.host)).requests.filter((r) => r.rpcMethod === "tools/call")).toEqual([]);
  });

  it("a client that never answers after paying: the payment is still counted (committed unconfirmed)", async () => {
    const o = await org();
    const client = await connect(o.mcp, { capabilities: { elicitation: {} } });
    // Asked "Deliver where?" after the payment, the client never answers.
    client.setRequestHandler(ElicitRequestSchema, () => new Promise(() => undefined));
    const result = await withPayer(client).callTool({ name: "modern_paid_ask", arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("did not answer");
    expect((await witness(o.host)).settlements).toHaveLength(1);
    const committed = (await transactions(o.orgId)).filter((r) => r.status === "committed");
    expect(committed.map((r) => [r.committed_amount, r.unconfirmed])).toEqual([["500000", 1]]);
  });
});
