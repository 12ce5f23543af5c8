import { describe, expect, it } from "vitest";
import { api, newOrg } from "./helpers";

describe("smoke", () => {
  it("creates an org and lists agents through /orgs/:orgId and /org", async () => {
    const { orgId, adminKey } = await newOrg();
    const a = await api("GET", `/orgs/${orgId}/agents`, { token: adminKey });
    expect(a).toEqual({ status: 200, body: { data: [] } });
    const b = await api("GET", "/org/agents", { token: adminKey });
    expect(b.status).toBe(200);
  });
});
