// Inline approval for a 2026-07-28 client (MRTR): the question comes back as an InputRequiredResult
// with a signed requestState; the agent is the adversary and tries to forge the state, replay it,
// move it to another call or agent, or answer a question that was never asked. Every attempt is
// refused before the upstream runs anything, and the approval is decided at most once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { payCredential, type WireChallenge } from "../helpers/mcp-client";
import { modernCall, type RpcAnswer } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const POLICY = `version: "1"
tools:
  echo:
    rules:
      - name: "a human reads every echo"
        action: "require_approval"
        on_deny: "echo needs a human"
`;
const ELICITS = { elicitation: {} };
const YES = { tollgate_approval: { action: "accept", content: { approve: true } } };
type Call = { name: string; arguments: Record<string, unknown> };
const CALL: Call = { name: "echo", arguments: { text: "hi" } };

async function org(inlineApprovals = true) {
  const host = witnessHost();
  const seeded = await seedOrg({
    policy: POLICY,
    inlineApprovals,
    agents: [{ name: "main", isDefault: true }, { name: "other" }],
    upstreams: [{ namespace: "demo", url: `https://${host}/json/mcp` }],
  });
  return { ...seeded, host, mcp: seeded.url(seeded.agentKeys.main!) };
}

async function ask(mcp: string, call: Call = CALL): Promise<string> {
  const first = await modernCall(mcp, "tools/call", call, { capabilities: ELICITS });
  expect(first.body.result).toMatchObject({
    resultType: "input_required",
    inputRequests: { tollgate_approval: { method: "elicitation/create", params: { mode: "form" } } },
  });
  return first.body.result!.requestState as string;
}

function retry(mcp: string, extra: Record<string, unknown>, call: Call = CALL) {
  return modernCall(mcp, "tools/call", { ...call, ...extra }, { capabilities: ELICITS });
}

function refused(a: RpcAnswer) {
  expect(a.body.error?.code).toBe(-32602);
}

async function approvalStatuses(orgId: string) {
  const rows = await env.DB.prepare("SELECT status FROM approvals WHERE org_id = ?")
    .bind(orgId)
    .all<{ status: string }>();
  return rows.results.map((r) => r.status);
}

describe("MRTR inline approval, attacked by its own agent", () => {
  it("round trip: asked as input_required, the retry with the answer runs the tool once", async () => {
    const o = await org();
    const state = await ask(o.mcp);
    expect((await witness(o.host)).runs).toEqual([]);
    const done = await retry(o.mcp, { requestState: state, inputResponses: YES });
    expect(done.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "hi" }],
    });
    expect((await witness(o.host)).runs).toHaveLength(1);
    // The approval was decided by the answer and consumed by this one call.
    expect(await approvalStatuses(o.orgId)).toEqual(["consumed"]);
  });

  it("a replayed requestState is refused, and the tool does not run again", async () => {
    const o = await org();
    const state = await ask(o.mcp);
    await retry(o.mcp, { requestState: state, inputResponses: YES });
    refused(await retry(o.mcp, { requestState: state, inputResponses: YES }));
    expect((await witness(o.host)).runs).toHaveLength(1);
  });

  it("a forged or altered requestState is refused", async () => {
    const o = await org();
    const state = await ask(o.mcp);
    const [head, body, sig] = [state.slice(0, 6), ...state.slice(6).split(".")] as [string, string, string];
    const payload = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const rewritten = btoa(JSON.stringify({ ...payload, x: Date.now() + 86_400_000 }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    for (const forged of [`${head}${rewritten}.${sig}`, `${state}x`, "tgrs1.e30.AAAA", "anything"]) {
      refused(await retry(o.mcp, { requestState: forged, inputResponses: YES }));
    }
    expect((await witness(o.host)).runs).toEqual([]);
    expect(await approvalStatuses(o.orgId)).toEqual(["pending"]);
  });

  it("inputResponses for a question never asked (no requestState) approve nothing", async () => {
    const o = await org();
    await ask(o.mcp);
    refused(await retry(o.mcp, { inputResponses: YES }));
    expect((await witness(o.host)).runs).toEqual([]);
    expect(await approvalStatuses(o.orgId)).toEqual(["pending"]);
  });

  it("a state moved to other arguments, another agent, or a method that takes none", async () => {
    const o = await org();
    const state = await ask(o.mcp);
    const swapped = { name: "echo", arguments: { text: "something else" } };
    refused(await retry(o.mcp, { requestState: state, inputResponses: YES }, swapped));
    const other = o.url(o.agentKeys.other!);
    refused(await retry(other, { requestState: state, inputResponses: YES }));
    refused(await modernCall(o.mcp, "tools/list", { requestState: state, inputResponses: YES }));
    expect((await witness(o.host)).runs).toEqual([]);
    expect(await approvalStatuses(o.orgId)).toEqual(["pending"]);
  });

  it("declining denies with this era's contract", async () => {
    const o = await org();
    const state = await ask(o.mcp);
    const no = await retry(o.mcp, {
      requestState: state,
      inputResponses: { tollgate_approval: { action: "decline" } },
    });
    expect(no.body.error?.code).toBe(-31010);
    expect(no.body.error?.data?.tollgate).toMatchObject({ reason: "approval_rejected" });
    expect((await witness(o.host)).runs).toEqual([]);
  });

  it("a client that did not declare elicitation, or an org without inline approval, gets the denial", async () => {
    for (const [inline, caps] of [
      [true, {}],
      [false, ELICITS],
    ] as const) {
      const o = await org(inline);
      const a = await modernCall(o.mcp, "tools/call", CALL, { capabilities: caps });
      expect(a.body.error?.code).toBe(-31010);
      expect(a.body.error?.data?.tollgate).toMatchObject({ reason: "approval_required" });
    }
  });

  it("a priced approval: asked instead of the challenge, then the approved price is challenged, paid and settled", async () => {
    const host = witnessHost();
    const seeded = await seedOrg({
      inlineApprovals: true,
      policy: `version: "1"
tools:
  research_report:
    rules:
      - name: "over 10 needs a human"
        action: "require_approval"
        conditions:
          - path: "spend.amount"
            op: "gt"
            value: 10000000
`,
      upstreams: [{ namespace: "demo", url: `https://${host}/json/mcp` }],
    });
    const mcp = seeded.url(seeded.agentKeys.main!);
    const deep = { name: "research_report", arguments: { topic: "tolls", depth: "deep" } };
    const state = await ask(mcp, deep);
    const challenged = await retry(mcp, { requestState: state, inputResponses: YES }, deep);
    const meta = challenged.body.result?._meta as Record<string, { challenges: WireChallenge[] }>;
    const challenge = meta["org.paymentauth/payment-required"]!.challenges[0]!;
    const paid = await modernCall(mcp, "tools/call", deep, {
      capabilities: ELICITS,
      meta: { "org.paymentauth/credential": payCredential(challenge) },
    });
    expect(paid.body.result?.resultType).toBe("complete");
    expect(paid.body.result?.isError).not.toBe(true);
    const w = await witness(host);
    expect(w.settlements).toHaveLength(1);
    expect(await approvalStatuses(seeded.orgId)).toEqual(["consumed"]);
  });
});
