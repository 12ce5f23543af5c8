// Attack: the agent's own MCP client declares elicitation and answers "accept" to every question, or
// posts an answer to an approval question nobody asked (id tg-elicit-<approvalId>). With default
// settings inline approval is off: the call waits for an operator, the approval stays pending, and
// nothing runs or is paid. Turning it on for the agent (it trusts the person at the client) lets the
// client answer.
import { env, exports } from "cloudflare:workers";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";
import { connect, denialOf } from "./helpers";

const ADMIN = { authorization: "Bearer test-admin-token-0123456789", "content-type": "application/json" };

const POLICY = `version: "1"
tools:
  research_report:
    rules:
      - name: "expensive needs approval"
        action: "require_approval"
        conditions:
          - path: "spend.amount"
            op: "gt"
            value: 10000000
`;
const DEEP = { name: "research_report", arguments: { topic: "tolls", depth: "deep" } }; // 15.00

/** A client that says yes to every question it is asked, and counts them. */
async function yesClient(url: string) {
  const raw = await connect(url, { capabilities: { elicitation: {} } });
  const asked: string[] = [];
  raw.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params.message);
    return { action: "accept", content: { approve: true } };
  });
  return { raw, asked, client: withPayer(raw) };
}

async function approvalStatus(id: string) {
  const row = await env.DB.prepare("SELECT status FROM approvals WHERE id = ?")
    .bind(id)
    .first<{ status: string }>();
  return row?.status;
}

/** Ledger rows that hold or spent money for this org. */
async function spent(orgId: string) {
  await ledgerFor(env, orgId).flush();
  const rows = await env.DB.prepare(
    "SELECT status FROM transactions WHERE org_id = ? AND status IN ('reserved', 'committed')",
  )
    .bind(orgId)
    .all();
  return rows.results;
}

describe("an approval answered by the agent's own client", () => {
  it("is not asked nor accepted by default: the call waits, the approval stays pending, nothing is paid", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      policy: POLICY,
      upstreams: [{ namespace: "paid", url: `https://${host}/mcp` }],
    });
    const { raw, asked, client } = await yesClient(org.url(org.agentKeys.main!));

    const denied = await denialOf(client.callTool(DEEP));
    expect(denied.reason).toBe("approval_required");
    expect(asked).toEqual([]);
    expect(await approvalStatus(denied.approvalId!)).toBe("pending");

    // The client answers the question on its own, as if it had been asked.
    const transport = raw.transport as StreamableHTTPClientTransport;
    const forged = await exports.default.fetch(org.url(org.agentKeys.main!), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": transport.sessionId!,
        "mcp-protocol-version": transport.protocolVersion ?? LATEST_PROTOCOL_VERSION,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: `tg-elicit-${denied.approvalId}`,
        result: { action: "accept", content: { approve: true } },
      }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("No approval question is open for this client");
    expect(await approvalStatus(denied.approvalId!)).toBe("pending");

    // Retrying does not help: still the same pending approval.
    const again = await denialOf(client.callTool(DEEP));
    expect(again).toMatchObject({ reason: "approval_required", approvalId: denied.approvalId });
    expect(asked).toEqual([]);

    const seen = await witness(host);
    expect(seen.runs).toEqual([]);
    expect(seen.settlements).toEqual([]);
    expect(await spent(org.orgId)).toEqual([]);
  });

  it("is asked and accepted once the agent turns inline approvals on (the cache follows the write)", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      policy: POLICY,
      upstreams: [{ namespace: "paid", url: `https://${host}/mcp` }],
    });
    const patch = await exports.default.fetch(
      `https://gw.test/api/v1/orgs/${org.orgId}/agents/${org.agentIds.main}`,
      { method: "PATCH", headers: ADMIN, body: JSON.stringify({ inlineApprovals: true }) },
    );
    expect(patch.status).toBe(200);
    const { asked, client } = await yesClient(org.url(org.agentKeys.main!));

    const paid = await client.callTool(DEEP);
    expect(paid.receipt?.status).toBe("success");
    expect(asked).toHaveLength(1);
    expect((await witness(host)).runs).toEqual([{ tool: "research_report", args: DEEP.arguments }]);
  });
});
