// End to end with OTEL_EXPORTER_OTLP_ENDPOINT set: a free call and a paid call (the real MPP upstream,
// paid by the test payer) reach the fake collector as one trace per request, all under the agent's
// span: the gateway's SERVER span, an INTERNAL span per policy decision, a CLIENT span per ledger call
// and the upstream forward's CLIENT span, whose id is the parent the upstream was sent. A collector
// that answers 500 or hangs changes nothing about the call's answer.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { parseTraceparent } from "../../src/trace/context";
import { connectMcp, withPayer } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const AGENT_SPAN = "00f067aa0ba902b7";

type OtlpAttr = { key: string; value: Record<string, unknown> };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttr[];
  status: { code: number };
  links?: { traceId: string; spanId: string }[];
};
type Body = { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A gateway whose env names `collector` as its OTLP endpoint; every request's waitUntil is kept. */
function tracedGateway(collector: string, extra: Record<string, string> = {}) {
  const tracedEnv = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: collector, ...extra } as Env;
  const pending: ExecutionContext[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const ctx = createExecutionContext();
    pending.push(ctx);
    const req = new Request(input, init) as Parameters<typeof worker.fetch>[0];
    return worker.fetch(req, tracedEnv, ctx);
  };
  const settled = () => Promise.all(pending.splice(0).map((c) => waitOnExecutionContext(c)));
  return { fetch, settled };
}

async function connect(url: string, fetch: typeof globalThis.fetch, headers: Record<string, string> = {}) {
  const c = await connectMcp(url, { fetch, headers });
  clients.push(c);
  return c;
}

function spansOf(traces: unknown[] | undefined): OtlpSpan[] {
  return (traces ?? []).flatMap((b) =>
    (b as Body).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
  );
}

function attr(s: OtlpSpan, key: string): unknown {
  const v = s.attributes.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if ("arrayValue" in v)
    return (v.arrayValue as { values: { stringValue: string }[] }).values.map((x) => x.stringValue);
  return Object.values(v)[0];
}

/** The spans of the request whose SERVER span is `server`: its children by parentSpanId. */
function childrenOf(all: OtlpSpan[], server: OtlpSpan): OtlpSpan[] {
  return all.filter((s) => s.parentSpanId === server.spanId);
}

describe("OTLP export of a request's spans", () => {
  it("a free and a paid call: one trace, server > decision, ledger and forward spans, attributes set", async () => {
    const upstream = witnessHost();
    const collector = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "paid", url: `https://${upstream}/mcp` }] });
    const gw = tracedGateway(`https://${collector}`);
    // The agent's span rides on every HTTP request of the session (headers), so all are one trace.
    const headers = { traceparent: `00-${TRACE}-${AGENT_SPAN}-01`, tracestate: "agent=1" };
    const client = withPayer(await connect(org.url(org.agentKeys.main!), gw.fetch, headers));
    // The free call also names a span in _meta: it is the parent, the header's span a link.
    const metaSpan = "b7ad6b7169203331";
    const free = await client.callTool({
      name: "echo",
      arguments: { text: "free" },
      _meta: { traceparent: `00-${TRACE}-${metaSpan}-01` },
    });
    expect(free.content).toEqual([{ type: "text", text: "free" }]);
    const paid = await client.callTool({ name: "paid_echo", arguments: { text: "paid", price: "2.00" } });
    expect(paid.content).toEqual([{ type: "text", text: "paid" }]);
    await gw.settled();

    const all = spansOf((await witness(collector)).traces);
    expect(new Set(all.map((s) => s.traceId))).toEqual(new Set([TRACE]));
    const servers = all.filter((s) => s.kind === 2 && s.name.startsWith("tools/call"));
    // The free call, the paid call's first request (the challenge) and its paid retry.
    expect(servers.map((s) => s.name)).toEqual([
      "tools/call echo",
      "tools/call paid_echo",
      "tools/call paid_echo",
    ]);
    expect(servers.map((s) => s.parentSpanId)).toEqual([metaSpan, AGENT_SPAN, AGENT_SPAN]);
    expect(servers[0]!.links).toEqual([{ traceId: TRACE, spanId: AGENT_SPAN, traceState: "agent=1" }]);
    for (const s of servers) {
      expect(attr(s, "mcp.method.name")).toBe("tools/call");
      expect(attr(s, "gen_ai.operation.name")).toBe("execute_tool");
      expect(attr(s, "jsonrpc.request.id")).toEqual(expect.any(String));
      expect(attr(s, "mcp.session.id")).toEqual(expect.any(String));
      expect(attr(s, "tollgate.agent")).toBe(org.agentIds.main);
      expect(s.status.code).toBe(1);
    }

    // The free call: decided, forwarded, its row recorded after the answer.
    const freeKids = childrenOf(all, servers[0]!);
    const decided = freeKids.find((s) => s.name === "tollgate.decide")!;
    expect(decided.kind).toBe(1);
    expect(attr(decided, "tollgate.decision")).toBe("allow");
    expect(attr(decided, "tollgate.price.amount")).toBeUndefined();
    const forward = freeKids.find((s) => s.kind === 3 && s.name === "tools/call echo")!;
    expect(attr(forward, "server.address")).toBe(upstream);
    expect(freeKids.map((s) => s.name)).toContain("TenantLedger/record");

    // The challenge: decided at the real price, reserved; the retry: claimed, forwarded, committed.
    const challengeKids = childrenOf(all, servers[1]!);
    const priced = challengeKids.filter((s) => s.name === "tollgate.decide").at(-1)!;
    expect(attr(priced, "tollgate.price.amount")).toBe("2000000");
    expect(attr(priced, "tollgate.price.currency")).toEqual(expect.any(String));
    expect(attr(priced, "tollgate.price.decimals")).toBe("6");
    const reserve = challengeKids.find(
      (s) => s.name === "TenantLedger/reserve" && attr(s, "tollgate.ledger.outcome") === "ok",
    )!;
    expect(reserve.kind).toBe(3);
    const txId = attr(reserve, "tollgate.transaction.id");
    expect(txId).toMatch(/^tx_/);
    const retryKids = childrenOf(all, servers[2]!);
    const ops = retryKids.filter((s) => s.name.startsWith("TenantLedger/")).map((s) => s.name);
    expect(ops).toEqual(expect.arrayContaining(["TenantLedger/claim", "TenantLedger/commit"]));
    for (const s of retryKids.filter((x) => x.name.startsWith("TenantLedger/")))
      expect(attr(s, "tollgate.transaction.id")).toBe(txId);

    // The upstream saw each forward span as its parent, under the agent's trace.
    const seen = (await witness(upstream)).requests
      .filter((r) => r.rpcMethod === "tools/call")
      .map((r) => parseTraceparent(r.traceparent));
    const forwards = all.filter((s) => s.kind === 3 && s.name.startsWith("tools/call"));
    expect(seen.map((p) => p?.parentId)).toEqual(forwards.map((f) => f.spanId));
    expect(seen.every((p) => p?.traceId === TRACE)).toBe(true);
  });

  it("a refusal: the decision names the rule that fired, the ledger span the budget that refused", async () => {
    const upstream = witnessHost();
    const collector = witnessHost();
    const policy = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "echo budget"
        spend:
          per_call: 5.00
          daily: 3.00
`;
    const org = await seedOrg({
      policy,
      upstreams: [{ namespace: "paid", url: `https://${upstream}/json/mcp` }],
    });
    const gw = tracedGateway(`https://${collector}`);
    const client = withPayer(await connect(org.url(org.agentKeys.main!), gw.fetch));
    await expect(
      client.callTool({ name: "paid_echo", arguments: { text: "a", price: "5.01" } }),
    ).rejects.toThrow();
    await client.callTool({ name: "paid_echo", arguments: { text: "b", price: "2.00" } });
    await expect(
      client.callTool({ name: "paid_echo", arguments: { text: "c", price: "2.00" } }),
    ).rejects.toThrow();
    await gw.settled();
    const all = spansOf((await witness(collector)).traces);
    const denied = all.find((s) => s.name === "tollgate.decide" && attr(s, "tollgate.decision") === "deny")!;
    expect(attr(denied, "tollgate.rule")).toEqual(["echo budget"]);
    expect(attr(denied, "tollgate.reason")).toBe("per_call_limit");
    expect(attr(denied, "tollgate.price.amount")).toBe("5010000");
    const refused = all.find(
      (s) => s.name === "TenantLedger/reserve" && attr(s, "tollgate.ledger.outcome") === "budget_exceeded",
    )!;
    // A budget refusal is a decision, not a fault.
    expect(refused.status.code).toBe(1);
    expect(attr(refused, "tollgate.transaction.id")).toMatch(/^tx_/);
  });

  it("without a caller's context the gateway starts the trace; the spans name no arguments", async () => {
    const upstream = witnessHost();
    const collector = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "paid", url: `https://${upstream}/json/mcp` }] });
    const gw = tracedGateway(`https://${collector}/`);
    const client = await connect(org.url(org.agentKeys.main!), gw.fetch);
    await client.callTool({ name: "echo", arguments: { text: "secret-argument-value" } });
    await gw.settled();
    const traces = (await witness(collector)).traces ?? [];
    expect(JSON.stringify(traces)).not.toContain("secret-argument-value");
    expect(JSON.stringify(traces)).not.toContain(org.agentKeys.main!);
    const all = spansOf(traces);
    const server = all.find((s) => s.kind === 2 && s.name === "tools/call echo")!;
    expect(server.parentSpanId).toBeUndefined();
    const kids = childrenOf(all, server);
    expect(kids.map((s) => s.traceId)).toEqual(kids.map(() => server.traceId));
    expect(kids.map((s) => s.name)).toEqual(expect.arrayContaining(["tollgate.decide", "tools/call echo"]));
  });

  it("a collector answering 500 fails nothing; a hanging one does not hold the answer", async () => {
    for (const mode of ["fail", "hang"]) {
      const upstream = witnessHost();
      const collector = witnessHost();
      const org = await seedOrg({ upstreams: [{ namespace: "paid", url: `https://${upstream}/json/mcp` }] });
      const gw = tracedGateway(`https://${collector}/${mode}`);
      const client = await connect(org.url(org.agentKeys.main!), gw.fetch);
      const r = await client.callTool({ name: "echo", arguments: { text: mode } });
      expect(r.content).toEqual([{ type: "text", text: mode }]);
      // The export of the call starts after its answer; the hanging collector has not answered it.
      let exports = (await witness(collector)).exports ?? [];
      for (let i = 0; i < 200 && exports.length < 3; i++) exports = (await witness(collector)).exports ?? [];
      if (mode === "hang") expect(exports.at(-1)).toMatchObject({ path: "/hang/v1/traces", answered: false });
      await gw.settled();
      // The failing collector kept nothing; the hanging one got the spans, late.
      const kept = (await witness(collector)).traces ?? [];
      expect(kept.length > 0).toBe(mode === "hang");
    }
  });

  it("an export is abandoned at OTEL_EXPORTER_OTLP_TIMEOUT", async () => {
    const collector = witnessHost();
    const upstream = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "paid", url: `https://${upstream}/json/mcp` }] });
    const gw = tracedGateway(`https://${collector}/hang`, { OTEL_EXPORTER_OTLP_TIMEOUT: "100" });
    const client = await connect(org.url(org.agentKeys.main!), gw.fetch);
    await client.callTool({ name: "echo", arguments: { text: "t" } });
    await gw.settled();
    // Every export gave up before the collector answered (it answers after 2 s).
    const exports = (await witness(collector)).exports ?? [];
    expect(exports.length).toBeGreaterThan(0);
    expect(exports.every((e) => !e.answered)).toBe(true);
  });
});
