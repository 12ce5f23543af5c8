// Every list of the admin API answers a bounded page and a cursor: walking the pages gives each row
// once, in order, ties on createdAt included; an oversized limit or a foreign cursor is a 400.
import { describe, expect, it } from "vitest";
import { api, expectError, insertApproval, newAgent, newOrg } from "./helpers";

type Row = { id: string; createdAt: number };

/** Follows nextCursor from the first page to the last, `limit` rows a page. */
async function walk(path: string, token: string, limit: number): Promise<Row[][]> {
  const pages: Row[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const q: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const r = await api("GET", q, { token });
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeLessThanOrEqual(limit);
    pages.push(r.body.data);
    cursor = r.body.nextCursor;
  } while (cursor !== null && pages.length < 20);
  return pages;
}

function expectEachOnce(pages: Row[][], ids: string[], order: "asc" | "desc") {
  const seen = pages.flat();
  expect(seen.map((r) => r.id).sort()).toEqual([...ids].sort());
  const times = seen.map((r) => r.createdAt);
  const sorted = [...times].sort((a, b) => (order === "asc" ? a - b : b - a));
  expect(times).toEqual(sorted);
}

describe("admin lists are paginated", () => {
  it("agents, oldest first", async () => {
    const { adminKey } = await newOrg();
    const ids = [];
    for (const name of ["a1", "a2", "a3", "a4", "a5"]) ids.push(await newAgent(adminKey, name));
    const pages = await walk("/org/agents", adminKey, 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expectEachOnce(pages, ids, "asc");
    // The default page holds them all; the answer says there is no next page.
    const all = await api("GET", "/org/agents", { token: adminKey });
    expect(all.body).toMatchObject({ nextCursor: null });
    expect(all.body.data).toHaveLength(5);
  });

  it("keys, newest first", async () => {
    const { adminKey } = await newOrg();
    for (const scope of ["org", "admin", "org"]) {
      expect((await api("POST", "/org/keys", { token: adminKey, body: { scope } })).status).toBe(201);
    }
    const all = (await api("GET", "/org/keys", { token: adminKey })).body.data as Row[];
    expect(all).toHaveLength(4);
    expectEachOnce(
      await walk("/org/keys", adminKey, 3),
      all.map((k) => k.id),
      "desc",
    );
  });

  it("wallets, oldest first", async () => {
    const { adminKey } = await newOrg();
    const ids: string[] = [];
    for (const name of ["w1", "w2", "w3"]) {
      const r = await api("POST", "/org/wallets", {
        token: adminKey,
        body: { name, caps: { currency: "USD", daily: "10" } },
      });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    expectEachOnce(await walk("/org/wallets", adminKey, 2), ids, "asc");
  });

  it("approvals, newest first, by status or all", async () => {
    const { orgId, adminKey } = await newOrg();
    const agentId = await newAgent(adminKey, "asker");
    const pending: string[] = [];
    for (let i = 0; i < 4; i++)
      pending.push(await insertApproval(orgId, agentId, { createdAt: 1_000 + (i % 2) }));
    const done = await insertApproval(orgId, agentId, { status: "rejected", createdAt: 5_000 });
    expectEachOnce(await walk("/org/approvals", adminKey, 3), pending, "desc");
    expectEachOnce(await walk("/org/approvals?status=all", adminKey, 2), [...pending, done], "desc");
  });

  it("refuses a page above the bound and a cursor it did not issue", async () => {
    const { adminKey } = await newOrg();
    for (const path of ["/org/agents", "/org/keys", "/org/wallets", "/org/approvals", "/org/transactions"]) {
      expectError(await api("GET", `${path}?limit=201`, { token: adminKey }), 400, "VALIDATION_FAILED");
      expectError(await api("GET", `${path}?cursor=nope`, { token: adminKey }), 400, "VALIDATION_FAILED");
    }
  });
});
