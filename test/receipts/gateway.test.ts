// Receipt ids reach the agent: `_meta["tollgate/receipt"]` on results (free and paid) and
// `receiptId` in the denial contract, each naming a receipt the org's export holds and verifies.
import { env, exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import type { JSONWebKeySet } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { ensureSigningKey } from "../../src/receipts/signing-keys";
import { verifyExport } from "../../src/receipts/verify-export";
import { createKey } from "../../src/services/keys";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "echo cap"
        spend:
          per_call: 5.00
`;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function exportOf(
  orgId: string,
  adminKey: string,
): Promise<{ lines: string[]; rows: { id: string; status: string }[] }> {
  await ledgerFor(env, orgId).flush();
  const now = Date.now();
  const res = await exports.default.fetch(
    `https://gw.test/api/v1/org/audit/export?from=${now - 3_600_000}&to=${now + 3_600_000}`,
    { headers: { authorization: `Bearer ${adminKey}` } },
  );
  const lines = new TextDecoder()
    .decode(await res.arrayBuffer())
    .split("\n")
    .filter(Boolean);
  return { lines, rows: lines.map((l) => JSON.parse(l)) };
}

describe("receipt ids on the MCP path", () => {
  it("put the receipt id in result _meta and in the denial contract, and the export verifies", async () => {
    const org = await seedOrg({ policy: POLICY });
    // seedOrg writes D1 directly (no createOrg): the key is made as on first flush, here up front.
    await ensureSigningKey(env, org.orgId, Date.now());
    const admin = (await createKey(env, org.orgId, { scope: "admin", name: "auditor" }, Date.now())).secret;
    const raw = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(raw);
    const client = withPayer(raw);

    const free = await client.callTool({ name: "echo", arguments: { text: "hi" } });
    const freeReceipt = free._meta?.["tollgate/receipt"];
    expect(freeReceipt).toMatch(/^rcpt_tx_/);

    const paid = await client.callTool({ name: "paid_echo", arguments: { text: "x", price: "2.00" } });
    const paidReceipt = paid._meta?.["tollgate/receipt"];
    expect(paidReceipt).toMatch(/^rcpt_/);

    const err = (await client
      .callTool({ name: "paid_echo", arguments: { text: "y", price: "9.00" } })
      .catch((e: unknown) => e)) as McpError;
    const denial = (err.data as { tollgate: { reason: string; receiptId: string; transactionId: string } })
      .tollgate;
    expect(denial.reason).toBe("per_call_limit");
    expect(denial.receiptId).toBe(`rcpt_${denial.transactionId}`);

    // The free call's row is written after its answer (waitUntil); poll the export until it lands.
    let found = await exportOf(org.orgId, admin);
    for (let i = 0; i < 50 && found.rows.length < 3; i++) found = await exportOf(org.orgId, admin);
    const byId = new Map(found.rows.map((r) => [r.id, r.status]));
    expect(byId.get(String(freeReceipt))).toBe("allowed");
    expect(byId.get(String(paidReceipt))).toBe("committed");
    expect(byId.get(denial.receiptId)).toBe("denied");
    const jwks = await (
      await exports.default.fetch(`https://gw.test/.well-known/jwks/${org.orgId}.json`)
    ).json<JSONWebKeySet>();
    expect(await verifyExport(found.lines, jwks)).toMatchObject({ ok: true });
  });
});
