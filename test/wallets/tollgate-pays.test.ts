// tollgate-pays end to end: a plain MCP SDK client with no payment wrapper calls paid tools through
// Tollgate, which pays with the org wallet (MPP test method, x402 EIP-3009 on EVM) inside the mandate
// and the wallet's caps. Each test asserts what the upstream saw and settled, and what D1 holds.
import { env, exports } from "cloudflare:workers";
import { generatePrivateKey } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { api } from "../admin/helpers";
import {
  attackOrg,
  connect,
  credentialsSeen,
  denialOf,
  mppChallenge,
  transactions,
} from "../adversarial/helpers";
import { payCredential } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { payerOrg } from "./payer-org";

describe("tollgate-pays", () => {
  it("pays an MPP tool for a client with no wallet: the result comes back, one settlement, committed", async () => {
    const org = await payerOrg({ secrets: [{ kind: "mpp-test" }] });
    const client = await connect(org.url(org.agentKeys.main!));
    const result = await client.callTool({ name: "paid_echo", arguments: { text: "hello", price: "1.25" } });
    expect(result.content).toEqual([{ type: "text", text: "hello" }]);
    const payment = (result._meta as Record<string, { paidBy: string; status: string; amount: unknown }>)[
      "tollgate/payment"
    ]!;
    expect(payment).toMatchObject({ paidBy: "tollgate", status: "committed" });
    expect(result._meta).toHaveProperty(["org.paymentauth/receipt"]);
    const seen = await witness(org.host);
    expect(seen.settlements).toHaveLength(1);
    expect(credentialsSeen(seen)).toBe(1);
    const rows = await transactions(org.orgId);
    const paid = rows.filter((r) => r.kind === "payment");
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ status: "committed", committed_amount: "1250000" });
    expect((paid[0] as unknown as { wallet_id: string }).wallet_id).toBe(org.walletId);
  });

  it("stops at the wallet's daily cap before any credential is made", async () => {
    const org = await payerOrg({
      secrets: [{ kind: "mpp-test" }],
      caps: { currency: "pathUSD", daily: "1.50" },
    });
    const client = await connect(org.url(org.agentKeys.main!));
    await client.callTool({ name: "paid_echo", arguments: { text: "one", price: "1.00" } });
    const denied = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "two", price: "1.00" } }),
    );
    expect(denied.reason).toBe("budget_exceeded");
    expect(denied.message).toContain("wallet ops: daily cap");
    const seen = await witness(org.host);
    expect(credentialsSeen(seen)).toBe(1);
    expect(seen.settlements).toHaveLength(1);
  });

  it("never pays past the cap under parallel calls on one wallet", async () => {
    const org = await payerOrg({
      secrets: [{ kind: "mpp-test" }],
      caps: { currency: "pathUSD", daily: "3.00" },
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const calls = await Promise.allSettled(
      ["1.00", "1.01", "1.02", "1.03", "1.04"].map((price, i) =>
        client.callTool({ name: "paid_echo", arguments: { text: `p${i}`, price } }),
      ),
    );
    const done = calls.filter((c) => c.status === "fulfilled").length;
    const seen = await witness(org.host);
    expect(seen.settlements).toHaveLength(done);
    expect(done).toBe(2);
    const committed = (await transactions(org.orgId)).filter((r) => r.status === "committed");
    const total = committed.reduce((s, r) => s + BigInt(r.committed_amount ?? "0"), 0n);
    expect(committed).toHaveLength(2);
    expect(total).toBeLessThanOrEqual(3_000_000n);
  });

  it("refuses a credential the agent sends itself: Tollgate is its only payer", async () => {
    const org = await payerOrg({ secrets: [{ kind: "mpp-test" }] });
    // The same upstream reached as an agent-pays org, to obtain a real challenge for the attack.
    const other = await attackOrg({});
    const otherClient = await connect(other.url(other.agentKeys.main!));
    const challenge = await mppChallenge(otherClient, "paid_echo", { text: "x", price: "1.00" });
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await denialOf(
      client.callTool({
        name: "paid_echo",
        arguments: { text: "x", price: "1.00" },
        _meta: { "org.paymentauth/credential": payCredential(challenge) },
      }),
    );
    expect(denied.reason).toBe("credential_not_allowed");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
  });

  it("answers wallet_unavailable for a disabled wallet and pays nothing", async () => {
    const org = await payerOrg({ secrets: [{ kind: "mpp-test" }] });
    const off = await api("PATCH", `/orgs/${org.orgId}/wallets/${org.walletId}`, {
      body: { status: "disabled" },
    });
    expect(off.status).toBe(200);
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "x", price: "1.00" } }),
    );
    expect(denied.reason).toBe("wallet_unavailable");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
  });

  it("refuses when no method can pay the offer (an EVM key in front of an MPP test challenge)", async () => {
    const org = await payerOrg({ secrets: [{ kind: "x402-evm", privateKey: generatePrivateKey() }] });
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "x", price: "1.00" } }),
    );
    expect(denied.reason).toBe("no_payable_offer");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed")).toEqual([]);
  });

  it("pays x402 with an EIP-3009 authorization signed by the wallet's key", async () => {
    const org = await payerOrg({
      path: "/x402/mcp",
      secrets: [{ kind: "x402-evm", privateKey: generatePrivateKey() }],
      caps: { currency: "USDC", daily: "1.00" },
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const result = await client.callTool({ name: "x402_weather", arguments: { city: "Paris" } });
    expect(result.isError).not.toBe(true);
    const seen = await witness(org.host);
    expect(seen.settlements).toHaveLength(1);
    const paid = (await transactions(org.orgId)).filter((r) => r.kind === "payment");
    expect(paid[0]).toMatchObject({ status: "committed", committed_amount: "10000" });
  });

  it("releases when the upstream refuses the wallet's credential, and does not pay again", async () => {
    const org = await payerOrg({ secrets: [{ kind: "mpp-test", token: "not-ok" }] });
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "x", price: "1.00" } }),
    );
    expect(denied.reason).toBe("payment_refused");
    const seen = await witness(org.host);
    expect(credentialsSeen(seen)).toBe(1);
    expect(seen.settlements).toEqual([]);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.kind === "payment").map((r) => r.status)).toEqual(["released"]);
  });

  it("releases when the sealed secret cannot be opened: no credential leaves", async () => {
    const org = await payerOrg({ secrets: [{ kind: "mpp-test" }] });
    await env.DB.prepare("UPDATE wallet_methods SET secret = ? WHERE wallet_id = ?")
      .bind("v1.test.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAA", org.walletId)
      .run();
    await api("PATCH", `/orgs/${org.orgId}/wallets/${org.walletId}`, { body: { name: "ops2" } }); // drops cached config
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await denialOf(
      client.callTool({ name: "paid_echo", arguments: { text: "x", price: "1.00" } }),
    );
    expect(denied.reason).toBe("payment_failed");
    expect(denied.message).not.toContain("v1.test");
    expect(credentialsSeen(await witness(org.host))).toBe(0);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.kind === "payment").map((r) => r.status)).toEqual(["released"]);
  });

  it("commits unconfirmed when the upstream fails after taking the payment", async () => {
    const org = await payerOrg({ secrets: [{ kind: "mpp-test" }] });
    const client = await connect(org.url(org.agentKeys.main!));
    await expect(client.callTool({ name: "server_error", arguments: {} })).rejects.toThrow();
    const seen = await witness(org.host);
    expect(seen.settlements).toHaveLength(1);
    const paid = (await transactions(org.orgId)).filter((r) => r.kind === "payment");
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ status: "committed", unconfirmed: 1 });
  });

  it("keeps wallet secrets write-only: no API answer carries the key", async () => {
    const key = generatePrivateKey();
    const org = await payerOrg({ secrets: [{ kind: "x402-evm", privateKey: key }] });
    const read = await exports.default.fetch(`https://gw.test/api/v1/orgs/${org.orgId}/wallets`, {
      headers: { authorization: "Bearer test-admin-token-0123456789" },
    });
    const text = await read.text();
    expect(read.status).toBe(200);
    expect(text).not.toContain(key.slice(2));
    expect(JSON.parse(text).data[0].methods[0]).toEqual(
      expect.objectContaining({ kind: "x402-evm", address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/) }),
    );
  });
});
