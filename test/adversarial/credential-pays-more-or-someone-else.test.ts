// Attack: a compromised wallet plugin answers the budgeted offer with a credential that pays more,
// pays someone else, stays valid long after the reservation, or echoes a tampered MPP challenge.
// Every credential is checked against the bound offer's terms before it leaves Tollgate.
import { describe, expect, it } from "vitest";
import { payCredential, x402Payment } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import {
  attackOrg,
  connect,
  credentialsSeen,
  denialOf,
  mppChallenge,
  transactions,
  x402Challenge,
} from "./helpers";

const X402_META = "x402/payment";

async function x402Setup(path = "/x402/mcp") {
  const org = await attackOrg({ path });
  const client = await connect(org.url(org.agentKeys.main!));
  const required = await x402Challenge(client, "x402_weather", { city: "Oslo" });
  const retry = (payment: unknown) =>
    client.callTool({ name: "x402_weather", arguments: { city: "Oslo" }, _meta: { [X402_META]: payment } });
  return { org, client, required, retry };
}

type Payment = ReturnType<typeof x402Payment>;
const withAuth = (p: Payment, auth: Partial<Payment["payload"]["authorization"]>): Payment => ({
  ...p,
  payload: { ...p.payload, authorization: { ...p.payload.authorization, ...auth } },
});

describe("an x402 credential whose authorization differs from the reserved offer", () => {
  it("is refused before the upstream when it authorizes 5000 USDC against a 0.01 USDC offer", async () => {
    const { org, required, retry } = await x402Setup();
    const denial = await denialOf(retry(withAuth(x402Payment(required), { value: "5000000000" })));
    expect(denial.reason).toBe("credential_mismatch");
    expect(denial.message).toContain("5000000000");
    const seen = await witness(org.host);
    expect(credentialsSeen(seen)).toBe(0);
    expect(seen.settlements).toEqual([]);
  });

  it("is refused when it pays another recipient", async () => {
    const { org, required, retry } = await x402Setup();
    const denial = await denialOf(
      retry(withAuth(x402Payment(required), { to: "0x000000000000000000000000000000000000dEaD" })),
    );
    expect(denial.reason).toBe("credential_mismatch");
    expect(denial.message).toContain("recipient");
    expect((await witness(org.host)).settlements).toEqual([]);
  });

  it("is refused when the authorization stays valid far beyond the offer's timeout", async () => {
    const { org, required, retry } = await x402Setup();
    const denial = await denialOf(retry(withAuth(x402Payment(required), { validBefore: "4102444800" })));
    expect(denial.reason).toBe("credential_mismatch");
    expect((await witness(org.host)).settlements).toEqual([]);
  });

  it("is refused when the echoed `accepted` requirement is edited (cheaper amount, other asset)", async () => {
    const { org, required, retry } = await x402Setup();
    const honest = x402Payment(required);
    const denial = await denialOf(retry({ ...honest, accepted: { ...honest.accepted, amount: "1" } }));
    expect(denial.reason).toBe("unknown_challenge");
    expect((await witness(org.host)).settlements).toEqual([]);
  });

  it("still lets the honest credential through, once, and commits what was settled", async () => {
    const { org, required, retry } = await x402Setup();
    const result = await retry(x402Payment(required));
    expect(result.isError).toBeFalsy();
    expect((await witness(org.host)).settlements).toMatchObject([{ amount: "10000" }]);
    const committed = (await transactions(org.orgId)).filter((r) => r.status === "committed");
    expect(committed).toMatchObject([{ committed_amount: "10000", unconfirmed: 0 }]);
  });
});

describe("x402 v1 credentials (no accepted echo)", () => {
  it("are claimable and committed when they pay the offer, and refused when they pay more", async () => {
    const { org, required, retry } = await x402Setup("/x402v1/mcp");
    const offer = required.accepts[0]!;
    const v1 = (value: string) => ({
      x402Version: 1,
      scheme: offer.scheme,
      network: offer.network,
      payload: {
        signature: `0x${"00".repeat(65)}`,
        authorization: {
          from: "0x1111111111111111111111111111111111111111",
          to: offer.payTo,
          value,
          validAfter: String(Math.floor(Date.now() / 1000) - 600),
          validBefore: String(Math.floor(Date.now() / 1000) + 60),
          nonce: `0x${"00".repeat(32)}`,
        },
      },
    });
    const inflated = await denialOf(retry(v1("999999")));
    expect(inflated.reason).toBe("credential_mismatch");
    expect((await witness(org.host)).settlements).toEqual([]);
    const ok = await retry(v1(String(offer.maxAmountRequired)));
    expect(ok.isError).toBeFalsy();
    expect((await witness(org.host)).settlements).toMatchObject([{ amount: "10000" }]);
    expect((await transactions(org.orgId)).filter((r) => r.status === "committed")).toHaveLength(1);
  });
});

describe("x402 upto", () => {
  it("reserves the maximum, refuses an authorization above it, and commits what was settled", async () => {
    const { org, required, retry } = await x402Setup("/x402upto/mcp");
    const honest = x402Payment(required);
    const over = await denialOf(retry(withAuth(honest, { value: "50001" })));
    expect(over.reason).toBe("credential_mismatch");
    const result = await retry(honest);
    expect(result.isError).toBeFalsy();
    expect((await witness(org.host)).settlements).toMatchObject([{ amount: "20000" }]);
    const committed = (await transactions(org.orgId)).filter((r) => r.status === "committed");
    expect(committed).toMatchObject([{ amount: "50000", committed_amount: "20000" }]);
  });
});

describe("an MPP credential echoing a tampered challenge", () => {
  it("is refused before the upstream when the echoed request's amount or recipient changed", async () => {
    const org = await attackOrg();
    const client = await connect(org.url(org.agentKeys.main!));
    const args = { text: "t", price: "2.00" };
    const challenge = await mppChallenge(client, "paid_echo", args);
    for (const request of [
      { ...challenge.request, amount: "1" },
      { ...challenge.request, recipient: "0x000000000000000000000000000000000000dEaD" },
    ]) {
      const denial = await denialOf(
        client.callTool({
          name: "paid_echo",
          arguments: args,
          _meta: { "org.paymentauth/credential": payCredential({ ...challenge, request }) },
        }),
      );
      expect(denial.reason).toBe("credential_mismatch");
    }
    const expires = await denialOf(
      client.callTool({
        name: "paid_echo",
        arguments: args,
        _meta: {
          "org.paymentauth/credential": payCredential({ ...challenge, expires: "2099-01-01T00:00:00Z" }),
        },
      }),
    );
    expect(expires.reason).toBe("credential_mismatch");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
    // The hold was never claimed: the honest credential still pays.
    const paid = await client.callTool({
      name: "paid_echo",
      arguments: args,
      _meta: { "org.paymentauth/credential": payCredential(challenge) },
    });
    expect(paid.content).toEqual([{ type: "text", text: "t" }]);
  });
});
