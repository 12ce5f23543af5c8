import { exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
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

function post(url: string, body: string, headers: Record<string, string> = {}) {
  return exports.default.fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
}

describe("gateway identity", () => {
  it("refuses unknown, malformed and revoked-looking keys with 401 and no hint", async () => {
    const fake = `tg_agt_${"A".repeat(32)}`;
    for (const key of [fake, "nonsense", `tg_org_${"b".repeat(32)}`]) {
      const res = await post(`https://gw.test/${key}/mcp`, '{"jsonrpc":"2.0","id":1,"method":"ping"}');
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: "UNAUTHORIZED", message: "Invalid or revoked API key" },
      });
    }
  });

  it("accepts the key as a bearer token on /mcp", async () => {
    const org = await seedOrg();
    const res = await post("https://gw.test/mcp", '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      authorization: `Bearer ${org.agentKeys.main}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jsonrpc: "2.0", id: 1, result: {} });
  });

  it("refuses foreign browser origins", async () => {
    const org = await seedOrg();
    const res = await post(org.url(org.agentKeys.main!), '{"jsonrpc":"2.0","id":1,"method":"ping"}', {
      origin: "https://evil.example",
    });
    expect(res.status).toBe(403);
  });

  it("routes an org key to a named agent and keeps tenants apart", async () => {
    const a = await seedOrg({ agents: [{ name: "alpha", isDefault: true }, { name: "beta" }] });
    const b = await seedOrg({ agents: [{ name: "gamma", isDefault: true }] });
    const ok = await post(a.url(a.orgKey, "beta"), '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    expect(ok.status).toBe(200);
    // Org A's key cannot reach org B's agent, and an agent key cannot pick another agent.
    const foreign = await post(a.url(a.orgKey, "gamma"), '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    expect(foreign.status).toBe(404);
    const sideways = await post(
      a.url(a.agentKeys.alpha!, "beta"),
      '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    );
    expect(sideways.status).toBe(404);
    const crossKey = await post(b.url(b.agentKeys.gamma!), '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    expect(crossKey.status).toBe(200);
  });
});

describe("gateway input handling", () => {
  it("answers malformed JSON, invalid envelopes and batches with JSON-RPC errors", async () => {
    const org = await seedOrg();
    const url = org.url(org.agentKeys.main!);
    const parse = await post(url, "{not json");
    expect(parse.status).toBe(400);
    expect(((await parse.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const invalid = await post(url, '{"jsonrpc":"1.0","id":1,"method":"x"}');
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: number } }).error.code).toBe(-32600);
    const batch = await post(url, '[{"jsonrpc":"2.0","id":1,"method":"ping"}]');
    expect(((await batch.json()) as { error: { code: number } }).error.code).toBe(-32600);
  });

  it("refuses oversized bodies with 413", async () => {
    const org = await seedOrg();
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "echo", arguments: { text: "x".repeat(2_000_000) } },
    });
    const res = await post(org.url(org.agentKeys.main!), big);
    expect(res.status).toBe(413);
  });

  it("refuses other content types, and GET streams without a session", async () => {
    const org = await seedOrg();
    const url = org.url(org.agentKeys.main!);
    expect((await post(url, "x", { "content-type": "text/plain" })).status).toBe(415);
    // The GET stream belongs to a session (ADR 0035): without one it is a bad request.
    expect((await exports.default.fetch(url, { method: "GET" })).status).toBe(400);
  });

  it("turns upstream garbage, HTTP errors and unreachable hosts into JSON-RPC errors", async () => {
    for (const path of ["garbage", "error500"]) {
      const org = await seedOrg({
        upstreams: [{ namespace: "bad", url: `https://bad.example/${path}/mcp` }],
      });
      const res = await post(
        org.url(org.agentKeys.main!),
        '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x","arguments":{}}}',
      );
      const body = (await res.json()) as { id: number; error: { code: number; message: string } };
      expect(body.id).toBe(7);
      expect(body.error.code).toBe(-32002);
    }
  });

  it("refuses upstreams on private addresses unless the deployment allows them", async () => {
    const org = await seedOrg({ upstreams: [{ namespace: "lan", url: "https://192.168.1.10/mcp" }] });
    const res = await post(
      org.url(org.agentKeys.main!),
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}',
    );
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32002);
    expect(body.error.message).toContain("private");
  });
});

describe("gateway pass-through with the real MCP client", () => {
  it("initializes, lists the upstream's tools unchanged and makes a free call (SSE and JSON upstreams)", async () => {
    for (const url of ["https://paid.example/mcp", "https://paid.example/json/mcp"]) {
      const org = await seedOrg({ upstreams: [{ namespace: "demo", url }] });
      const client = await connect(org.url(org.agentKeys.main!));
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(
        expect.arrayContaining(["echo", "generate_image", "paid_echo"]),
      );
      const result = await client.callTool({ name: "echo", arguments: { text: "hello" } });
      expect(result.content).toEqual([{ type: "text", text: "hello" }]);
    }
  });

  it("namespaces tools of several upstreams and routes calls by prefix", async () => {
    const org = await seedOrg({
      upstreams: [
        { namespace: "one", url: "https://paid.example/mcp" },
        { namespace: "two", url: "https://paid.example/json/mcp" },
      ],
    });
    const client = await connect(org.url(org.agentKeys.main!));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["one__echo", "two__echo", "two__paid_echo"]));
    expect(names).not.toContain("echo");
    const r = await client.callTool({ name: "two__echo", arguments: { text: "routed" } });
    expect(r.content).toEqual([{ type: "text", text: "routed" }]);
    const unknown = (await client
      .callTool({ name: "three__echo", arguments: {} })
      .catch((e: Error) => e)) as Error;
    expect(unknown.message).toContain("Unknown tool");
  });

  it("hides tools the policy hides, in tools/list and on call", async () => {
    const org = await seedOrg({ policy: 'version: "1"\nhide: ["generate_image"]\ntools: {}\n' });
    const client = await connect(org.url(org.agentKeys.main!));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain("generate_image");
    const err = (await client
      .callTool({ name: "generate_image", arguments: { prompt: "x" } })
      .catch((e: Error) => e)) as Error;
    expect(err.message).toContain("[Tollgate]");
  });
});
