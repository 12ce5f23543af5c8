// Gateway decisions reach webhooks: approved, rejected, committed, and budget warnings once per window.

import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifyWebhook } from "../../src/events";
import { dispatcher, futureNow, received, seedEndpoint, verifyWithLibrary } from "../events/helpers";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function deliveredTypes(orgId: string, name: string, count: number): Promise<string[]> {
  // Events are queued after the answer (waitUntil): wait for them, then deliver.
  await vi.waitFor(
    async () => {
      const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE org_id = ?")
        .bind(orgId)
        .first<{ n: number }>();
      expect(n?.n).toBeGreaterThanOrEqual(count);
    },
    { timeout: 5_000, interval: 50 },
  );
  await dispatcher(orgId).deliverDue({ now: futureNow() });
  return (await received(name)).map((r) => (JSON.parse(r.body) as { type: string }).type);
}

describe("webhook events from the gateway", () => {
  it("signs transaction events and fires the 80% warning once per window", async () => {
    const org = await seedOrg({
      agents: [
        {
          name: "main",
          isDefault: true,
          mandate: { currency: "PATHUSD", decimals: 6, budgetDaily: "10000000" },
        },
      ],
    });
    const hook = await seedEndpoint({ orgId: org.orgId });
    const client = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(client);
    const payer = withPayer(client);
    await payer.callTool({ name: "paid_echo", arguments: { text: "a", price: "8.50" } }); // 85%: warning
    await payer.callTool({ name: "paid_echo", arguments: { text: "b", price: "0.50" } }); // 90%: no second warning
    await payer
      .callTool({ name: "paid_echo", arguments: { text: "c", price: "5.00" } })
      .catch(() => undefined); // denied
    const types = await deliveredTypes(org.orgId, hook.name, 6);
    expect(types.filter((t) => t === "mandate.budget.warning")).toHaveLength(1);
    expect(types.filter((t) => t === "transaction.approved")).toHaveLength(2);
    expect(types.filter((t) => t === "transaction.committed")).toHaveLength(2);
    expect(types).toContain("transaction.rejected");
    const sample = (await received(hook.name))[0]!;
    const t = Number(sample.headers["webhook-timestamp"]);
    expect(verifyWithLibrary(hook.secret, sample.body, sample.headers, t * 1000)).toBeDefined();
    expect(await verifyWebhook(hook.secret, sample.headers, sample.body, t)).toMatchObject({ ok: true });
    expect(await verifyWebhook(hook.secret, sample.headers, `${sample.body} `, t)).toMatchObject({
      ok: false,
    });
  });
});
