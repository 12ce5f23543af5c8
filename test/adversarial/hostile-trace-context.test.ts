// A hostile agent's trace context: a megabyte or a malformed tracestate, an escaped `_meta` key the
// gateway might not see, two carriers that disagree. The call still runs, and the upstream gets
// only what W3C allows (validated, cut to 512 characters) or nothing: never the agent's raw value,
// neither in the headers nor in the body's `_meta`.
import { exports } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import { parseTraceparent } from "../../src/trace/context";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { type Witness, witness, witnessHost } from "../helpers/witness";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const OTHER = "0af7651916cd43dd8448eb211c80319c";
const PARENT = "00f067aa0ba902b7";
const tp = (trace: string) => `00-${trace}-${PARENT}-01`;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function gatewayFor(headers: Record<string, string> = {}) {
  const host = witnessHost();
  const org = await seedOrg({ upstreams: [{ namespace: "paid", url: `https://${host}/json/mcp` }] });
  const client = await connectMcp(org.url(org.agentKeys.main!), { headers });
  clients.push(client);
  return { host, client, url: org.url(org.agentKeys.main!) };
}

async function lastCall(host: string): Promise<Witness["requests"][number]> {
  const calls = (await witness(host)).requests.filter((r) => r.rpcMethod === "tools/call");
  return calls.at(-1)!;
}

describe("hostile trace context", () => {
  it("a megabyte of tracestate in _meta is dropped, not forwarded, and the call runs", async () => {
    const { host, client } = await gatewayFor();
    const huge = `a=${"x".repeat(200)},`.repeat(5_000);
    const r = await client.callTool({
      name: "echo",
      arguments: { text: "ok" },
      _meta: { traceparent: tp(TRACE), tracestate: huge },
    });
    expect(r.content).toEqual([{ type: "text", text: "ok" }]);
    const seen = await lastCall(host);
    expect(parseTraceparent(seen.traceparent)?.traceId).toBe(TRACE);
    expect(seen.tracestate).toBeNull();
    // The body's _meta names the gateway's span, and carries no tracestate.
    expect(seen.metaKeys).toContain("traceparent");
    expect(seen.metaKeys).not.toContain("tracestate");
    expect(seen.headerValues).not.toContain("xxxxxxxxxx");
  });

  it("malformed tracestates are dropped whole; an over-long valid one is cut per W3C", async () => {
    const { host, client } = await gatewayFor();
    const call = (tracestate: string) =>
      client.callTool({
        name: "echo",
        arguments: { text: "s" },
        _meta: { traceparent: tp(TRACE), tracestate },
      });
    for (const bad of [
      "bad\nstate",
      "a=1,a=2",
      "UPPER=1",
      "k=v=w",
      "k=",
      Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","),
    ]) {
      await call(bad);
      expect((await lastCall(host)).tracestate, JSON.stringify(bad)).toBeNull();
    }
    // 12 members of ~60 characters and one of 200: the long one goes first, then from the end.
    const members = Array.from({ length: 12 }, (_, i) => `k${i}=${"v".repeat(56)}`);
    members.splice(1, 0, `long=${"l".repeat(200)}`);
    await call(members.join(","));
    const kept = (await lastCall(host)).tracestate!;
    expect(kept.length).toBeLessThanOrEqual(512);
    expect(kept).not.toContain("long=");
    expect(kept.split(",")).toEqual(
      members.filter((m) => !m.startsWith("long=")).slice(0, kept.split(",").length),
    );
    expect(kept.startsWith("k0=")).toBe(true);
  });

  it("an escaped _meta key is read like any other and never reaches the upstream raw", async () => {
    const { host, url } = await gatewayFor();
    expect(await postEscaped(url)).toBe(200);
    expect((await witness(host)).runs).toEqual([{ tool: "echo", args: { text: "e" } }]);
    const seen = await lastCall(host);
    expect(seen.tracestate).toBeNull();
    expect(seen.metaKeys).not.toContain("tracestate");
  });

  it("_meta wins over headers when they differ; an invalid _meta leaves the header's", async () => {
    const { host, client } = await gatewayFor({ traceparent: tp(OTHER), tracestate: "hdr=1" });
    await client.callTool({
      name: "echo",
      arguments: { text: "m" },
      _meta: { traceparent: tp(TRACE), tracestate: "meta=1" },
    });
    let seen = await lastCall(host);
    expect(parseTraceparent(seen.traceparent)?.traceId).toBe(TRACE);
    expect(seen.tracestate).toBe("meta=1");
    await client.callTool({ name: "echo", arguments: { text: "h" }, _meta: { traceparent: "00-nothex-01" } });
    seen = await lastCall(host);
    expect(parseTraceparent(seen.traceparent)?.traceId).toBe(OTHER);
    expect(seen.tracestate).toBe("hdr=1");
    // The invalid _meta traceparent was replaced by the gateway's span, not passed on.
    expect(seen.metaKeys).toContain("traceparent");
  });
});

/** A tools/call whose `_meta` keys are JSON-escaped (`\u0074racestate`): the SDK would write them plainly. */
async function postEscaped(url: string): Promise<number> {
  const meta = `{"\\u0074raceparent":"${tp(TRACE)}","\\u0074racestate":"evil\\u0000state"}`;
  const body = `{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"echo","arguments":{"text":"e"},"_meta":${meta}}}`;
  const res = await exports.default.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body,
  });
  await res.text();
  return res.status;
}
