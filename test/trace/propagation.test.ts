// W3C trace context from the agent's `_meta` reaches the upstream as headers, with the gateway's
// own span as the parent (same trace id and flags, a new span id); a malformed one is not passed on.

import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { forwardSpan } from "../../src/mcp/trace-spans";
import { childOf, parseTraceparent } from "../../src/trace/context";
import { exportSpans } from "../../src/trace/otlp";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("trace context", () => {
  it("passes the agent's trace on to the upstream under the gateway's span", async () => {
    const host = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "paid", url: `https://${host}/json/mcp` }] });
    const client = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(client);
    await client.callTool({
      name: "echo",
      arguments: { text: "traced" },
      _meta: { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: "vendor=abc" },
    });
    await client.callTool({
      name: "echo",
      arguments: { text: "bad" },
      _meta: { traceparent: `00-${"0".repeat(32)}-${PARENT}-01` },
    });
    const calls = (await witness(host)).requests.filter((r) => r.rpcMethod === "tools/call");
    expect(calls).toHaveLength(2);
    const seen = parseTraceparent(calls[0]!.traceparent);
    expect(seen).toMatchObject({ traceId: TRACE, flags: "01" });
    expect(seen?.parentId).not.toBe(PARENT);
    expect(calls[0]!.tracestate).toBe("vendor=abc");
    expect(calls[1]!.traceparent).toBeNull();
  });

  it("reads only valid version-00 traceparents", () => {
    expect(childOf(`00-${TRACE}-${PARENT}-01`, "a=b")).toMatchObject({ traceId: TRACE, state: "a=b" });
    for (const bad of [`01-${TRACE}-${PARENT}-01`, `00-${TRACE}-${"0".repeat(16)}-01`, "00-xyz", 7, null])
      expect(childOf(bad, null)).toBeNull();
    expect(childOf(`00-${TRACE}-${PARENT}-01`, "bad\nstate")?.state).toBeNull();
  });
});

describe("OTLP export", () => {
  it("posts the forward span to the collector with the GenAI MCP attributes", async () => {
    const host = witnessHost();
    const ctx = childOf(`00-${TRACE}-${PARENT}-01`, null)!;
    const target = {
      call: { txId: "tx_1", method: "tools/call", tool: "echo", upstreamId: "ups_1", args: {}, argsHash: "" },
      upstream: { id: "ups_1", namespace: "paid", url: "https://paid.example/mcp", headers: {} },
    } as unknown as Parameters<typeof forwardSpan>[0];
    const span = forwardSpan(target, ctx, 1_000, { ok: true, response: new Response("{}", { status: 200 }) });
    await exportSpans(`https://${host}/`, [span]);
    const [body] = ((await witness(host)) as { traces?: unknown[] }).traces ?? [];
    const s = (body as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] })
      .resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(s).toMatchObject({
      traceId: TRACE,
      spanId: ctx.spanId,
      parentSpanId: PARENT,
      name: "tools/call echo",
      kind: 3,
      startTimeUnixNano: "1000000000",
      status: { code: 1 },
    });
    expect(s.attributes).toEqual(
      expect.arrayContaining([
        { key: "mcp.method.name", value: { stringValue: "tools/call" } },
        { key: "gen_ai.tool.name", value: { stringValue: "echo" } },
        { key: "server.address", value: { stringValue: "paid.example" } },
        { key: "http.response.status_code", value: { intValue: "200" } },
      ]),
    );
  });
});
