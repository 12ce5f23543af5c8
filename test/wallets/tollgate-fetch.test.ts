// tollgate_fetch end to end: a plain MCP SDK client (no payment wrapper) asks Tollgate for an HTTP
// request; the demo upstream's paid HTTP API answers 402 (MPP, x402 v2, x402 v1) and Tollgate pays with
// the org wallet. The hostile-agent cases come first: what a prompt-injected agent would send.
// Each test asserts what the upstream saw and settled (witness) and what the ledger holds.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { generatePrivateKey } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { attackOrg, connect, denialOf, transactions } from "../adversarial/helpers";
import { witness } from "../helpers/witness";
import { payerOrg } from "./payer-org";

type FetchArgs = { method?: string; url: string; headers?: Record<string, string>; body?: string };
type Fetched = {
  content: Array<{ type: string; text?: string; resource?: { blob: string; mimeType: string } }>;
  structuredContent: {
    status: number;
    headers: Record<string, string>;
    bytes: number;
    truncated: boolean;
    binary: boolean;
    redirect: string | null;
    payment: { paidBy: string; status: string; transactionId: string; amount: { amount: string } } | null;
  };
  _meta?: Record<string, unknown>;
};

async function tfetch(client: Client, args: FetchArgs): Promise<Fetched> {
  return (await client.callTool({ name: "tollgate_fetch", arguments: args })) as unknown as Fetched;
}

const mppPayer = (opts: Parameters<typeof payerOrg>[0] | object = {}) =>
  payerOrg({ secrets: [{ kind: "mpp-test" }], ...opts });

/** Requests to the paid HTTP API (the client's MCP session also reaches the same host). */
const httpRequests = (w: Awaited<ReturnType<typeof witness>>) =>
  w.requests.filter((r) => r.path.startsWith("/http/"));

/** Requests the upstream saw with a payment header. */
const paidRequests = (w: Awaited<ReturnType<typeof witness>>) =>
  w.requests.filter((r) => r.paymentHeaders.length > 0).length;

describe("tollgate_fetch: what a hostile agent sends", () => {
  it("a denied vendor is refused before any request leaves (trailing dot and capitals included)", async () => {
    const org = await mppPayer({ mandate: { vendorDeny: ["blocked.example"] } });
    const client = await connect(org.url(org.agentKeys.main!));
    // The mandate names the witness host's parent domain, so its subdomains are denied too.
    const host = org.host.replace(/\.example$/, ".blocked.example");
    for (const url of [`https://${host}/http/mpp/report`, `https://${host.toUpperCase()}./http/mpp/report`]) {
      const denied = await denialOf(tfetch(client, { url }));
      expect(denied.reason).toBe("vendor_denied");
    }
    expect(httpRequests(await witness(host))).toEqual([]);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.reason_code === "vendor_denied")).toHaveLength(2);
  });

  it("the agent's own payment headers are refused and nothing is sent", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const url = `https://${org.host}/http/mpp/report`;
    const smuggled: Record<string, string>[] = [
      { Authorization: "Payment eyJmYWtlIjp0cnVlfQ" },
      { authorization: "Bearer abc, Payment eyJmYWtlIjp0cnVlfQ" },
      { "X-PAYMENT": "eyJmYWtlIjp0cnVlfQ==" },
      { "payment-signature": "eyJmYWtlIjp0cnVlfQ==" },
      { "Payment-Authorization": "Payment eyJmYWtlIjp0cnVlfQ" },
    ];
    for (const headers of smuggled) {
      const denied = await denialOf(tfetch(client, { url, headers }));
      expect(denied.reason).toBe("credential_not_allowed");
    }
    const steering: Record<string, string>[] = [
      { Host: "169.254.169.254" },
      { "X-Forwarded-For": "10.0.0.1" },
      { a: "x\r\nb: y" },
    ];
    for (const headers of steering) {
      const denied = await denialOf(tfetch(client, { url, headers }));
      expect(denied.reason).toBe("header_refused");
    }
    expect(httpRequests(await witness(org.host))).toEqual([]);
  });

  it("a credential in _meta is refused: Tollgate is this agent's only payer", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await denialOf(
      client.callTool({
        name: "tollgate_fetch",
        arguments: { url: `https://${org.host}/http/mpp/report` },
        _meta: { "x402/payment": { x402Version: 2, payload: {} } },
      }),
    );
    expect(denied.reason).toBe("credential_not_allowed");
    expect(httpRequests(await witness(org.host))).toEqual([]);
  });

  it("private, loopback, metadata and plain-http URLs are refused", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    for (const url of [
      "https://127.0.0.1/http/echo",
      "https://localhost/http/echo",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]/",
      "https://10.1.2.3/",
      "https://metadata.google.internal/",
      `http://${org.host}/http/echo`,
      `https://user:pass@${org.host}/http/echo`,
      "file:///etc/passwd",
    ]) {
      const denied = await denialOf(tfetch(client, { url }));
      expect(denied.reason, url).toBe("url_refused");
    }
    expect(httpRequests(await witness(org.host))).toEqual([]);
  });

  it("a redirect is returned, not followed (never with a credential)", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const r = await tfetch(client, { url: `https://${org.host}/http/redirect` });
    expect(r.structuredContent).toMatchObject({
      status: 302,
      redirect: `https://${org.host}/http/mpp/report`,
      payment: null,
    });
    const w = await witness(org.host);
    expect(httpRequests(w).map((q) => q.path)).toEqual(["/http/redirect"]);
    expect(w.settlements).toEqual([]);
  });

  it("an oversized response is cut at the cap", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const r = await tfetch(client, { url: `https://${org.host}/http/big?bytes=3000000` });
    expect(r.structuredContent).toMatchObject({ status: 200, truncated: true, bytes: 1024 * 1024 });
    expect(r.content[0]?.text).toContain("exceeds");
  });

  it("a 402 nobody can read is refused as price_unknown and nothing is paid", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const denied = await denialOf(tfetch(client, { url: `https://${org.host}/http/402-unknown` }));
    expect(denied.reason).toBe("price_unknown");
    const w = await witness(org.host);
    expect(httpRequests(w)).toHaveLength(1);
    expect(paidRequests(w)).toBe(0);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.status === "committed" || r.status === "reserved")).toEqual([]);
  });

  it("stops at the wallet's cap before any credential is made", async () => {
    const org = await mppPayer({ caps: { currency: "pathUSD", daily: "0.50" } });
    const client = await connect(org.url(org.agentKeys.main!));
    const url = `https://${org.host}/http/mpp/report`;
    const first = await tfetch(client, { url });
    expect(first.structuredContent.payment?.status).toBe("committed");
    const denied = await denialOf(tfetch(client, { url, headers: { "x-try": "2" } }));
    expect(denied.reason).toBe("budget_exceeded");
    const w = await witness(org.host);
    expect(w.settlements).toHaveLength(1);
    expect(paidRequests(w)).toBe(1);
  });

  it("in agent-pays mode a 402 is held and shown as the agent's challenge; nothing is paid", async () => {
    const org = await attackOrg({});
    const client = await connect(org.url(org.agentKeys.main!));
    const err = (await tfetch(client, { url: `https://${org.host}/http/mpp/report` }).catch(
      (e: unknown) => e,
    )) as { code: number };
    expect(err.code).toBe(-32042);
    const w = await witness(org.host);
    expect(paidRequests(w)).toBe(0);
    expect(w.settlements).toEqual([]);
    const rows = await transactions(org.orgId);
    expect(rows.filter((r) => r.kind === "payment")).toMatchObject([{ status: "reserved" }]);
  });
});

describe("tollgate_fetch: paid fetches in tollgate-pays", () => {
  it("MPP: pays 0.40 pathUSD once, returns the report, commits with the wallet", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const r = await tfetch(client, { url: `https://${org.host}/http/mpp/report` });
    expect(r.content[1]?.text).toContain("Quarterly market report");
    expect(r.structuredContent.status).toBe(200);
    expect(r._meta?.["tollgate/payment"]).toMatchObject({ paidBy: "tollgate", status: "committed" });
    const w = await witness(org.host);
    expect(w.settlements).toMatchObject([{ protocol: "mpp", path: "/http/mpp/report", amount: "400000" }]);
    expect(httpRequests(w).map((q) => q.paymentHeaders)).toEqual([[], ["authorization"]]);
    const paid = (await transactions(org.orgId)).filter((t) => t.kind === "payment");
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({
      status: "committed",
      committed_amount: "400000",
      tool: "tollgate_fetch",
    });
    const row = paid[0] as unknown as { wallet_id: string; vendor: string };
    expect(row.wallet_id).toBe(org.walletId);
    expect(row.vendor).toBe(org.host);
  });

  for (const version of [2, 1] as const) {
    it(`x402 v${version}: pays 0.02 USDC once with an EIP-3009 authorization`, async () => {
      const org = await payerOrg({
        secrets: [{ kind: "x402-evm", privateKey: generatePrivateKey() }],
        caps: { currency: "USDC", daily: "1.00" },
      });
      const client = await connect(org.url(org.agentKeys.main!));
      const r = await tfetch(client, { url: `https://${org.host}/http/x402v${version}/report` });
      expect(r.content[1]?.text).toContain(`x402 v${version}`);
      expect(r.structuredContent.payment).toMatchObject({ status: "committed", amount: { amount: "20000" } });
      const w = await witness(org.host);
      expect(w.settlements).toMatchObject([{ protocol: "x402", amount: "20000" }]);
      expect(httpRequests(w)[1]?.paymentHeaders).toEqual([version === 2 ? "payment-signature" : "x-payment"]);
      const paid = (await transactions(org.orgId)).filter((t) => t.kind === "payment");
      expect(paid).toHaveLength(1);
      expect(paid[0]).toMatchObject({ status: "committed", committed_amount: "20000" });
    });
  }

  it("a free request goes out as asked: method, headers and body, answered as text", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const r = await tfetch(client, {
      method: "POST",
      url: `https://${org.host}/http/echo`,
      headers: { "content-type": "application/json", authorization: "Bearer agent-own-token" },
      body: '{"q":1}',
    });
    const echoed = JSON.parse(r.content[1]!.text!) as {
      method: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed).toMatchObject({ method: "POST", body: '{"q":1}' });
    expect(echoed.headers.authorization).toBe("Bearer agent-own-token");
    expect(r.structuredContent.payment).toBeNull();
    const rows = await transactions(org.orgId);
    expect(rows.filter((t) => t.tool === "tollgate_fetch" && t.status === "allowed")).toHaveLength(1);
  });

  it("a binary answer comes back as a base64 resource", async () => {
    const org = await mppPayer();
    const client = await connect(org.url(org.agentKeys.main!));
    const r = await tfetch(client, { url: `https://${org.host}/http/binary` });
    expect(r.structuredContent.binary).toBe(true);
    expect(r.content[1]).toMatchObject({ type: "resource", resource: { mimeType: "image/png" } });
    expect(atob(r.content[1]!.resource!.blob).charCodeAt(1)).toBe(0x50);
  });
});
