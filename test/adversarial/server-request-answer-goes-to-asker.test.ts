// Attack surface: client responses to server-initiated requests (elicitation, sampling). The old
// gateway broadcast them to every upstream. Relayed server requests now carry an id naming the
// upstream that asked, and an answer goes to that upstream only, with its own id restored.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { gatewayRequestId, relayFrom, upstreamRequestId } from "../../src/mcp/server-requests";
import type { SseEvent } from "../../src/protocol/sse";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

describe("answers to server requests", () => {
  it("renames a relayed server request's id, and maps it back exactly", () => {
    const seen: SseEvent[] = [];
    relayFrom("ups_a", (e) => seen.push(e))({
      event: "message",
      id: null,
      data: JSON.stringify({ jsonrpc: "2.0", id: 5, method: "elicitation/create", params: {} }),
    });
    relayFrom("ups_a", (e) => seen.push(e))({
      event: "message",
      id: null,
      data: JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: {} }),
    });
    const renamed = JSON.parse(seen[0]!.data) as { id: string };
    expect(renamed.id).toBe(gatewayRequestId("ups_a", 5));
    expect(upstreamRequestId(renamed.id)).toEqual({ upstreamId: "ups_a", id: 5 });
    expect(upstreamRequestId(gatewayRequestId("ups_b", "s-1"))).toEqual({ upstreamId: "ups_b", id: "s-1" });
    expect(JSON.parse(seen[1]!.data)).not.toHaveProperty("id");
  });

  it("reach only the upstream that asked", async () => {
    const [a, b] = [witnessHost(), witnessHost()];
    const org = await seedOrg({
      upstreams: [
        { namespace: "a", url: `https://${a}/json/mcp` },
        { namespace: "b", url: `https://${b}/json/mcp` },
      ],
    });
    const row = await env.DB.prepare("SELECT id FROM upstreams WHERE org_id = ? AND namespace = 'a'")
      .bind(org.orgId)
      .first<{ id: string }>();
    const res = await exports.default.fetch(org.url(org.agentKeys.main!), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: gatewayRequestId(row!.id, 9),
        result: { action: "decline" },
      }),
    });
    expect(res.status).toBe(202);
    expect((await witness(a)).requests).toMatchObject([{ rpcMethod: null, hasId: true }]);
    expect((await witness(b)).requests).toEqual([]);
  });
});
