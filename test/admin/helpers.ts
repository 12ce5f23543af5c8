// Drives the admin API through the Worker's real fetch handler, plus seeding of rows the API only reads.
import { env, exports } from "cloudflare:workers";
import { db, newId } from "../../src/db/client";
import { approvals, transactions, webhookDeliveries } from "../../src/db/schema";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const BASE = "https://gw.test/api/v1";

// biome-ignore lint/suspicious/noExplicitAny: response JSON is asserted field by field in the tests
export type ApiResult = { status: number; body: any };

export async function api(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; raw?: string } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A fresh org through the API: its id and the first org admin key's secret. */
export async function newOrg(name = "Acme"): Promise<{ orgId: string; adminKey: string }> {
  const r = await api("POST", "/orgs", { body: { name, timeZone: "Europe/Paris" } });
  if (r.status !== 201) throw new Error(`org create failed: ${JSON.stringify(r.body)}`);
  return { orgId: r.body.org.id, adminKey: r.body.key.secret };
}

export async function newAgent(
  token: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await api("POST", "/org/agents", { token, body: { name, ...extra } });
  if (r.status !== 201) throw new Error(`agent create failed: ${JSON.stringify(r.body)}`);
  return r.body.id;
}

export async function newMcpKey(token: string, scope: "org" | "agent", agentId?: string): Promise<string> {
  const r = await api("POST", "/org/keys", {
    token,
    body: { scope, name: `${scope} key`, ...(agentId ? { agentId } : {}) },
  });
  if (r.status !== 201) throw new Error(`key create failed: ${JSON.stringify(r.body)}`);
  return r.body.secret;
}

export function expectError(r: ApiResult, status: number, code: string): void {
  if (r.status !== status || r.body?.error?.code !== code || typeof r.body.error.requestId !== "string") {
    throw new Error(`expected ${status} ${code}, got ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export async function insertTransaction(orgId: string, row: Partial<typeof transactions.$inferInsert> = {}) {
  const id = row.id ?? newId("tx");
  const createdAt = row.createdAt ?? 1_700_000_000_000;
  await db(env)
    .insert(transactions)
    .values({
      id,
      orgId,
      kind: "payment",
      decision: "allow",
      status: "committed",
      amount: "500",
      currency: "USD",
      decimals: 2,
      tool: "paid__search",
      ...row,
      createdAt,
      updatedAt: createdAt,
    })
    .run();
  return id;
}

export async function insertApproval(
  orgId: string,
  agentId: string,
  row: Partial<typeof approvals.$inferInsert> = {},
) {
  const id = row.id ?? newId("apr");
  await db(env)
    .insert(approvals)
    .values({
      id,
      orgId,
      agentId,
      tool: "paid__report",
      argsHash: "h",
      rule: "approval threshold",
      status: "pending",
      amount: "2500",
      currency: "USD",
      decimals: 2,
      expiresAt: Date.now() + 3_600_000,
      ...row,
    })
    .run();
  return id;
}

export async function insertDelivery(orgId: string, endpointId: string) {
  const id = newId("dlv");
  await db(env)
    .insert(webhookDeliveries)
    .values({ id, orgId, endpointId, eventId: newId("evt"), eventType: "budget.warning", payload: "{}" })
    .run();
  return id;
}
