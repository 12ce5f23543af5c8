// Attack: an agent-pays agent pays tollgate_fetch's 402 itself and then tries to reuse, stretch or
// redirect that payment: another URL on the retry, the same credential twice, a credential paying
// more or someone else, two credentials at once. The honest path comes last: the SDK client gets the
// MCP challenge, pays it (mppx `test` payload, a real EIP-3009 signature for x402) and gets the report.
// Each test asserts what the paid HTTP API saw and settled (witness) and what the ledger holds.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { randomNonce, signAuthorization } from "../../src/wallets/eip3009";
import { payCredential, type WireChallenge, type X402PaymentRequired } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { attackOrg, connect, denialOf, transactions } from "./helpers";

const MPP_META = "org.paymentauth/credential";
const X402_META = "x402/payment";

type Fetched = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent: Record<string, unknown> & { status?: number; payment?: Record<string, unknown> | null };
  _meta?: Record<string, unknown>;
};

async function setup() {
  const org = await attackOrg({});
  const client = await connect(org.url(org.agentKeys.main!));
  const call = (url: string, meta?: Record<string, unknown>) =>
    client.callTool({
      name: "tollgate_fetch",
      arguments: { url },
      ...(meta ? { _meta: meta } : {}),
    }) as Promise<unknown> as Promise<Fetched>;
  return { org, client, call, url: (path: string) => `https://${org.host}${path}` };
}

async function mppChallengeOf(client: Client, url: string): Promise<WireChallenge> {
  const err = (await client
    .callTool({ name: "tollgate_fetch", arguments: { url } })
    .catch((e: unknown) => e)) as McpError;
  expect(err.code).toBe(-32042);
  const data = err.data as { httpStatus: number; challenges: WireChallenge[] };
  expect(data.httpStatus).toBe(402);
  return data.challenges[0]!;
}

/** A signed x402 PaymentPayload (v1 or v2) for the first requirement, as an x402 MCP client makes it. */
async function x402Pay(required: X402PaymentRequired, key: Hex, edit: { to?: string; value?: string } = {}) {
  const accepted = required.accepts[0]!;
  const nowS = Math.floor(Date.now() / 1000);
  const v1 = required.x402Version === 1;
  const signed = await signAuthorization(
    key,
    { name: "USDC", version: "2", chainId: 84532, verifyingContract: accepted.asset as string },
    {
      to: edit.to ?? (accepted.payTo as string),
      value: edit.value ?? ((v1 ? accepted.maxAmountRequired : accepted.amount) as string),
      validAfter: String(nowS - 600),
      validBefore: String(nowS + (accepted.maxTimeoutSeconds as number)),
      nonce: randomNonce(),
    },
  );
  const payload = { signature: signed.signature, authorization: signed.authorization };
  return v1
    ? { x402Version: 1, scheme: accepted.scheme, network: accepted.network, payload }
    : { x402Version: 2, resource: required.resource, accepted, payload };
}

const httpRequests = (w: Awaited<ReturnType<typeof witness>>) =>
  w.requests.filter((r) => r.path.startsWith("/http/"));
const paidRequests = (w: Awaited<ReturnType<typeof witness>>) =>
  httpRequests(w).filter((r) => r.paymentHeaders.length > 0);
const payments = async (orgId: string) => (await transactions(orgId)).filter((t) => t.kind === "payment");

describe("tollgate_fetch in agent-pays: what a hostile agent sends", () => {
  it("a paid retry with another URL is refused (arguments_mismatch) and nothing is sent", async () => {
    const { org, client, call, url } = await setup();
    const challenge = await mppChallengeOf(client, url("/http/mpp/report"));
    const denied = await denialOf(
      call(url("/http/mpp/report?all=1"), { [MPP_META]: payCredential(challenge) }),
    );
    expect(denied.reason).toBe("arguments_mismatch");
    const w = await witness(org.host);
    expect(httpRequests(w).map((r) => r.path)).toEqual(["/http/mpp/report"]);
    expect(paidRequests(w)).toEqual([]);
    expect(w.settlements).toEqual([]);
    expect((await payments(org.orgId)).filter((t) => t.status === "committed")).toEqual([]);
  });

  it("a replayed credential is refused (challenge_used) and settles nothing more", async () => {
    const { org, client, call, url } = await setup();
    const target = url("/http/mpp/report");
    const credential = { [MPP_META]: payCredential(await mppChallengeOf(client, target)) };
    const first = await call(target, credential);
    expect(first.structuredContent.status).toBe(200);
    const denied = await denialOf(call(target, credential));
    expect(denied.reason).toBe("challenge_used");
    const w = await witness(org.host);
    expect(w.settlements).toHaveLength(1);
    expect(paidRequests(w)).toHaveLength(1);
    expect((await payments(org.orgId)).filter((t) => t.status === "committed")).toHaveLength(1);
  });

  it("an MPP credential echoing a cheaper request is refused before anything is sent", async () => {
    const { org, client, call, url } = await setup();
    const target = url("/http/mpp/report");
    const challenge = await mppChallengeOf(client, target);
    const cheaper = { ...challenge, request: { ...challenge.request, amount: "1" } };
    const denied = await denialOf(call(target, { [MPP_META]: payCredential(cheaper) }));
    expect(denied.reason).toBe("credential_mismatch");
    expect(paidRequests(await witness(org.host))).toEqual([]);
  });

  it("an x402 authorization paying more or someone else is refused (credential_mismatch)", async () => {
    const { org, call, url } = await setup();
    const target = url("/http/x402v2/report");
    const required = (await call(target)).structuredContent as unknown as X402PaymentRequired;
    const key = generatePrivateKey();
    for (const edit of [{ value: "5000000000" }, { to: "0x000000000000000000000000000000000000dEaD" }]) {
      const denied = await denialOf(call(target, { [X402_META]: await x402Pay(required, key, edit) }));
      expect(denied.reason).toBe("credential_mismatch");
    }
    const w = await witness(org.host);
    expect(paidRequests(w)).toEqual([]);
    expect(w.settlements).toEqual([]);
  });

  it("two credentials at once are refused (multiple_credentials) and nothing is sent", async () => {
    const { org, client, call, url } = await setup();
    const target = url("/http/mpp/report");
    const challenge = await mppChallengeOf(client, target);
    const denied = await denialOf(
      call(target, { [MPP_META]: payCredential(challenge), [X402_META]: { x402Version: 2, payload: {} } }),
    );
    expect(denied.reason).toBe("multiple_credentials");
    expect(paidRequests(await witness(org.host))).toEqual([]);
  });

  it("a credential for a hold nobody made is refused (unknown_challenge)", async () => {
    const { org, client, call, url } = await setup();
    const challenge = await mppChallengeOf(client, url("/http/mpp/report"));
    const forged = { ...challenge, id: "forged-challenge-id" };
    const denied = await denialOf(call(url("/http/mpp/report"), { [MPP_META]: payCredential(forged) }));
    expect(denied.reason).toBe("unknown_challenge");
    expect(paidRequests(await witness(org.host))).toEqual([]);
  });
});

describe("tollgate_fetch in agent-pays: the agent pays its own 402", () => {
  it("MPP: -32042 with the MCP-form challenge, paid once, the report returned with the receipt", async () => {
    const { org, client, call, url } = await setup();
    const target = url("/http/mpp/report");
    const challenge = await mppChallengeOf(client, target);
    expect(challenge).toMatchObject({ method: "test", intent: "charge", request: { amount: "400000" } });
    const r = await call(target, { [MPP_META]: payCredential(challenge) });
    expect(r.content[1]?.text).toContain("Quarterly market report");
    expect(r.structuredContent.payment).toMatchObject({ paidBy: "agent", status: "committed" });
    expect(r._meta?.["org.paymentauth/receipt"]).toMatchObject({ status: "success", method: "test" });
    const w = await witness(org.host);
    expect(w.settlements).toMatchObject([{ protocol: "mpp", path: "/http/mpp/report", amount: "400000" }]);
    expect(httpRequests(w).map((q) => q.paymentHeaders)).toEqual([[], ["authorization"]]);
    const paid = await payments(org.orgId);
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({
      status: "committed",
      committed_amount: "400000",
      tool: "tollgate_fetch",
    });
    expect((paid[0] as unknown as { vendor: string }).vendor).toBe(org.host);
  });

  for (const version of [2, 1] as const) {
    it(`x402 v${version}: an isError PaymentRequired, a signed authorization, paid once`, async () => {
      const { org, call, url } = await setup();
      const target = url(`/http/x402v${version}/report`);
      const unpaid = await call(target);
      expect(unpaid.isError).toBe(true);
      const required = unpaid.structuredContent as unknown as X402PaymentRequired;
      expect(required).toMatchObject({ x402Version: version, accepts: [{ scheme: "exact" }] });
      const r = await call(target, { [X402_META]: await x402Pay(required, generatePrivateKey()) });
      expect(r.content[1]?.text).toContain("Quarterly market report");
      expect(r.structuredContent.payment).toMatchObject({ paidBy: "agent", amount: { amount: "20000" } });
      expect(r._meta?.["x402/payment-response"]).toMatchObject({ success: true });
      const w = await witness(org.host);
      expect(w.settlements).toMatchObject([{ protocol: "x402", amount: "20000" }]);
      expect(paidRequests(w).map((q) => q.paymentHeaders)).toEqual([
        [version === 2 ? "payment-signature" : "x-payment"],
      ]);
      const paid = await payments(org.orgId);
      expect(paid).toMatchObject([{ status: "committed", committed_amount: "20000" }]);
    });
  }
});
