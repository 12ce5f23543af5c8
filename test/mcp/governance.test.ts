import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
async function connect(url: string) {
  const c = await connectMcp(url);
  clients.push(c);
  return c;
}

const MANDATE = { budgetDaily: "10000000", perTransactionLimit: "5000000", currency: "PATHUSD", decimals: 6 };

type Structured = Record<string, unknown>;
async function call(client: Pick<Client, "callTool">, name: string, args: Record<string, unknown> = {}) {
  const r = await client.callTool({ name, arguments: args });
  return {
    text: (r.content as { text: string }[])[0]?.text ?? "",
    data: r.structuredContent as Structured,
    isError: r.isError === true,
  };
}

describe("governance tools", () => {
  it("are listed next to the upstream tools; list_agents only for org keys", async () => {
    const org = await seedOrg({
      agents: [{ name: "main", isDefault: true, mandate: MANDATE }, { name: "other" }],
    });
    const agentTools = (await (await connect(org.url(org.agentKeys.main!))).listTools()).tools.map(
      (t) => t.name,
    );
    expect(agentTools).toEqual(
      expect.arrayContaining(["echo", "tollgate_check_budget", "tollgate_can_spend", "tollgate_reserve"]),
    );
    expect(agentTools).not.toContain("tollgate_list_agents");
    const orgClient = await connect(org.url(org.orgKey));
    const orgTools = (await orgClient.listTools()).tools;
    const listAgents = orgTools.find((t) => t.name === "tollgate_list_agents");
    expect(listAgents?.description).toContain("agents");
    const { data } = await call(orgClient, "tollgate_list_agents");
    expect((data.agents as { name: string }[]).map((a) => a.name).sort()).toEqual(["main", "other"]);
  });

  it("list_agents answers a page at a time and follows its cursor to the last agent", async () => {
    const names = ["main", "a1", "a2", "a3", "a4"];
    const org = await seedOrg({
      agents: names.map((name, i) => ({
        name,
        isDefault: i === 0,
        ...(i === 2 ? { mandate: MANDATE } : {}),
      })),
    });
    const client = await connect(org.url(org.orgKey));
    const listed: { name: string; mandate: unknown; budgets: unknown[] }[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const page = await call(client, "tollgate_list_agents", { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.isError).toBe(false);
      const agents = page.data.agents as typeof listed;
      sizes.push(agents.length);
      listed.push(...agents);
      cursor = page.data.nextCursor as string | null;
      if (cursor) expect(page.text).toContain(`cursor "${cursor}"`);
    } while (cursor !== null && sizes.length < 10);
    expect(sizes).toEqual([2, 2, 1]);
    expect(listed.map((a) => a.name).sort()).toEqual([...names].sort());
    // The other agents' mandates and budgets come with the page, as before.
    const a2 = listed.find((a) => a.name === "a2");
    expect(a2?.mandate).toMatchObject({ perTransactionLimit: "5.000000 PATHUSD" });
    expect(a2?.budgets).not.toEqual([]);
    // Without arguments: the first page (the default size holds all five), no next cursor.
    const all = await call(client, "tollgate_list_agents");
    expect((all.data.agents as unknown[]).length).toBe(5);
    expect(all.data.nextCursor).toBeNull();
    await expect(
      client.callTool({ name: "tollgate_list_agents", arguments: { cursor: "nope" } }),
    ).rejects.toThrow(/-32602.*cursor/);
  });

  it("check_budget reports spend after a paid call, with the next reset", async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true, mandate: MANDATE }] });
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    await client.callTool({ name: "paid_echo", arguments: { text: "x", price: "2.00" } });
    const { data, text } = await call(client, "tollgate_check_budget");
    const daily = (
      data.budgets as { window: string; spent: string; remaining: string; nextReset: string }[]
    ).find((b) => b.window === "day");
    expect(daily).toMatchObject({ spent: "2000000", remaining: "8000000" });
    expect(Date.parse(daily!.nextReset)).toBeGreaterThan(Date.now());
    expect(text).toContain("8.000000 / 10.000000 PATHUSD left");
    expect(data.perTransactionLimit).toBe("5.000000 PATHUSD");
  });

  it("evaluate and can_spend answer without reserving anything", async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true, mandate: MANDATE }] });
    const client = await connect(org.url(org.agentKeys.main!));
    const yes = await call(client, "tollgate_evaluate", { amount: "4.00", currency: "PATHUSD" });
    expect(yes.data).toMatchObject({ approved: true, action: "allow" });
    const no = await call(client, "tollgate_evaluate", { amount: "6.00", currency: "PATHUSD" });
    expect(no.data).toMatchObject({ approved: false, action: "deny" });
    expect((no.data.rules as { passed: boolean }[]).some((r) => !r.passed)).toBe(true);
    const plain = await call(client, "tollgate_can_spend", {
      amount: "6.00",
      currency: "PATHUSD",
      vendor: "acme",
    });
    expect(plain.text).toMatch(/^No, I cannot spend 6\.000000 PATHUSD/);
    const budget = await call(client, "tollgate_check_budget");
    expect((budget.data.budgets as { reserved: string; spent: string }[])[0]).toMatchObject({
      reserved: "0",
      spent: "0",
    });
  });

  it("reserve, commit and release cooperate with the same ledger, and one agent cannot settle another's", async () => {
    const org = await seedOrg({
      agents: [
        { name: "main", isDefault: true, mandate: MANDATE },
        { name: "other", mandate: MANDATE },
      ],
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const r = await call(client, "tollgate_reserve", {
      amount: "3.00",
      currency: "PATHUSD",
      purpose: "books",
    });
    expect(r.data.reserved).toBe(true);
    const id = r.data.reservationId as string;
    const other = await connect(org.url(org.agentKeys.other!));
    expect((await call(other, "tollgate_commit", { reservationId: id })).isError).toBe(true);
    expect(
      (await call(client, "tollgate_commit", { reservationId: id, actualAmount: "2.50" })).data,
    ).toMatchObject({ committed: true });
    const second = await call(client, "tollgate_reserve", { amount: "4.00", currency: "PATHUSD" });
    expect(
      (await call(client, "tollgate_release", { reservationId: second.data.reservationId })).data,
    ).toMatchObject({ released: true });
    const tooMuch = await call(client, "tollgate_reserve", { amount: "8.00", currency: "PATHUSD" });
    expect(tooMuch.isError).toBe(true);
    const budget = await call(client, "tollgate_check_budget");
    const daily = (budget.data.budgets as { window: string; spent: string; reserved: string }[]).find(
      (b) => b.window === "day",
    );
    expect(daily).toMatchObject({ spent: "2500000", reserved: "0" });
  });

  it("validates arguments and lists the agent's own transactions", async () => {
    const org = await seedOrg({ agents: [{ name: "main", isDefault: true, mandate: MANDATE }] });
    const client = withPayer(await connect(org.url(org.agentKeys.main!)));
    const bad = (await client
      .callTool({ name: "tollgate_evaluate", arguments: { amount: "-1", currency: "USD" } })
      .catch((e: Error) => e)) as Error;
    expect(bad.message).toContain("Invalid arguments");
    await client.callTool({ name: "paid_echo", arguments: { text: "x", price: "1.00" } });
    const { ledgerFor } = await import("../../src/ledger/client");
    const { env } = await import("cloudflare:workers");
    await ledgerFor(env, org.orgId).flush();
    const txs = await call(client, "tollgate_transactions", {});
    expect((txs.data.transactions as { status: string }[]).map((t) => t.status)).toContain("committed");
  });
});
