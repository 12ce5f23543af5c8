// Dashboard pages over an org with more agents than a page: the overview and the agents list show a
// page and a link to the next, and the rows shown still name agents past the first pages.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { insertApproval, insertTransaction, newOrg } from "../admin/helpers";
import { request, signIn } from "./helpers";

const AGENTS = 260;
let orgId: string;
let cookie: string;

const cards = (html: string) => [...html.matchAll(/data-agent="([^"]+)"/g)].map((m) => m[1]);
const next = (html: string) => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, "&");

beforeAll(async () => {
  const org = await newOrg("Many Agents");
  orgId = org.orgId;
  cookie = await signIn(org.adminKey);
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO agents (id, org_id, name, created_at)
     SELECT printf('agt_many_%03d', i), ?, printf('many-%03d', i), 1700000000000 + i FROM n`,
  )
    .bind(AGENTS, orgId)
    .run();
  await insertTransaction(orgId, { agentId: "agt_many_250", status: "denied", tool: "late_tool" });
  await insertApproval(orgId, "agt_many_255", { tool: "late_approval" });
});

describe("dashboard pages over many agents", () => {
  it("the overview shows 24 agents a page and links the next page", async () => {
    const first = await request("GET", "/dashboard", { cookie });
    expect(first.status).toBe(200);
    expect(cards(first.html)).toEqual(
      Array.from({ length: 24 }, (_, i) => `many-${String(i + 1).padStart(3, "0")}`),
    );
    const href = next(first.html);
    expect(href).toMatch(/^\/dashboard\?cursor=/);
    const second = await request("GET", href!, { cookie });
    expect(cards(second.html)[0]).toBe("many-025");
    // A denial by an agent of a later page is still named.
    expect(first.html).toContain("many-250");
  });

  it("the agents list shows 50 a page, to the last one", async () => {
    let href: string | undefined = "/dashboard/agents";
    let pages = 0;
    const seen: string[] = [];
    while (href && pages < 10) {
      const r = await request("GET", href, { cookie });
      expect(r.status).toBe(200);
      seen.push(...[...r.html.matchAll(/>(many-\d{3})</g)].map((m) => m[1]!));
      href = next(r.html);
      pages++;
    }
    expect(pages).toBe(6);
    expect(new Set(seen).size).toBe(AGENTS);
  });

  it("transactions and approvals name agents past the first 200", async () => {
    const tx = await request("GET", "/dashboard/transactions", { cookie });
    expect(tx.html).toContain("late_tool");
    expect(tx.html).toMatch(/<td>many-250<\/td>/);
    const apr = await request("GET", "/dashboard/approvals", { cookie });
    expect(apr.html).toContain("late_approval");
    expect(apr.html).toContain("many-255");
  });
});
