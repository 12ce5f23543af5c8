// Attack: a tool needs approval unconditionally, so the approval is asked before the upstream names a
// price. The agent gets it approved (the operator saw no price), then lets the upstream charge
// anything. Without a ceiling the approval covers the unpriced call only: the policy's per_call cap
// still judges the price. With a ceiling, prices up to it pass; above it, a new approval is asked.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";
import { approveAsOperator, connect, denialOf } from "./helpers";

const POLICY = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "echo cap"
        spend:
          per_call: 5.00
      - name: "echo needs a human"
        action: "require_approval"
`;

async function approve(orgId: string, id: string, maxPrice?: { amount: string; currency: string }) {
  const res = await approveAsOperator(orgId, id, maxPrice ? { maxPrice } : {});
  expect(res.status).toBe(200);
  return (await res.json()) as { price: unknown; maxPrice: { amount: string } | null };
}

async function approvalRow(id: string) {
  return env.DB.prepare("SELECT status, amount FROM approvals WHERE id = ?")
    .bind(id)
    .first<{ status: string; amount: string | null }>();
}

async function setup() {
  const host = witnessHost();
  const org = await seedOrg({
    policy: POLICY,
    upstreams: [{ namespace: "paid", url: `https://${host}/mcp` }],
  });
  const raw = await connect(org.url(org.agentKeys.main!));
  return { host, org, client: withPayer(raw) };
}

/** Committed spend for the org, in base units, per transaction. */
async function committed(orgId: string) {
  await ledgerFor(env, orgId).flush();
  const rows = await env.DB.prepare(
    "SELECT committed_amount AS amount FROM transactions WHERE org_id = ? AND status = 'committed'",
  )
    .bind(orgId)
    .all<{ amount: string }>();
  return rows.results.map((r) => r.amount);
}

const echo = (text: string, price: string) => ({ name: "paid_echo", arguments: { text, price } });

describe("an approval asked before the price was known", () => {
  it("without a ceiling does not lift the per_call cap: the priced call asks again, nothing is paid", async () => {
    const { host, org, client } = await setup();
    const call = echo("no ceiling", "7.00");
    const asked = await denialOf(client.callTool(call));
    expect(asked.reason).toBe("approval_required");
    expect((await approvalRow(asked.approvalId!))?.amount).toBe(null);
    expect((await approve(org.orgId, asked.approvalId!)).maxPrice).toBe(null);

    const retry = await denialOf(client.callTool(call));
    // The first approval covered the unpriced call only; the 7.00 price is over the 5.00 cap, and
    // a human must see that price before it can pass.
    expect(retry.reason).toBe("approval_required");
    expect(retry.approvalId).not.toBe(asked.approvalId);
    expect(await approvalRow(retry.approvalId!)).toEqual({ status: "pending", amount: "7000000" });
    const seen = await witness(host);
    expect(seen.runs).toEqual([]);
    expect(seen.settlements).toEqual([]);
    expect(await committed(org.orgId)).toEqual([]);

    // A price within the cap passes on the same kind of approval (the policy's own caps judge it).
    const cheap = echo("within the cap", "4.00");
    const a = await denialOf(client.callTool(cheap));
    await approve(org.orgId, a.approvalId!);
    expect((await client.callTool(cheap)).receipt?.status).toBe("success");
    expect(await committed(org.orgId)).toEqual(["4000000"]);
  });

  it("with a ceiling above the price, lets that price through (up to the ceiling)", async () => {
    const { host, org, client } = await setup();
    const call = echo("ceiling 8", "7.00");
    const asked = await denialOf(client.callTool(call));
    const view = await approve(org.orgId, asked.approvalId!, { amount: "8.00", currency: "PATHUSD" });
    expect(view.maxPrice?.amount).toBe("8000000");

    const paid = await client.callTool(call);
    expect(paid.receipt?.status).toBe("success");
    expect(await approvalRow(asked.approvalId!)).toMatchObject({ status: "consumed" });
    const seen = await witness(host);
    expect(seen.runs).toEqual([{ tool: "paid_echo", args: call.arguments }]);
    expect(seen.settlements.map((s) => s.amount)).toEqual(["7000000"]);
    expect(await committed(org.orgId)).toEqual(["7000000"]);
  });

  it("with a ceiling below the price, asks for a new approval of the real price; nothing is paid", async () => {
    const { host, org, client } = await setup();
    const call = echo("ceiling 6", "7.00");
    const asked = await denialOf(client.callTool(call));
    await approve(org.orgId, asked.approvalId!, { amount: "6.00", currency: "PATHUSD" });

    const retry = await denialOf(client.callTool(call));
    expect(retry.reason).toBe("approval_required");
    expect(retry.approvalId).not.toBe(asked.approvalId);
    expect(await approvalRow(retry.approvalId!)).toEqual({ status: "pending", amount: "7000000" });
    const seen = await witness(host);
    expect(seen.runs).toEqual([]);
    expect(seen.settlements).toEqual([]);
    expect(await committed(org.orgId)).toEqual([]);
  });
});
