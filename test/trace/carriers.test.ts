// The pure parts of trace context: tracestate as W3C allows it, which carrier wins, the trace a
// request gets with and without an exporter, and spans that cut what the agent chose.
import { describe, expect, it } from "vitest";
import { serverSpan } from "../../src/mcp/trace-spans";
import { incomingTrace, parseTracestate, withTraceMeta } from "../../src/trace/context";
import { otlpBody } from "../../src/trace/otlp";
import { childSpan, startTrace } from "../../src/trace/request-trace";

const A = "4bf92f3577b34da6a3ce929d0e0e4736";
const B = "0af7651916cd43dd8448eb211c80319c";
const P = "00f067aa0ba902b7";

describe("tracestate", () => {
  it("keeps valid lists, with optional whitespace and empty members", () => {
    expect(parseTracestate("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")).toBe(
      "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
    );
    expect(parseTracestate("a=1,,\tb=2 ")).toBe("a=1,b=2");
    expect(parseTracestate("tenant@sys=x")).toBe("tenant@sys=x");
  });

  it("drops a list with any bad member, a duplicate key, or more than 32 members", () => {
    for (const bad of ["", " ", "=v", "k", "K=v", "k=v,k=w", "k=a,b", "k=v\u0000", "k=é", 7, null])
      expect(parseTracestate(bad), String(bad)).toBeNull();
    expect(parseTracestate(Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","))).toBeNull();
    expect(parseTracestate(Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(","))).not.toBeNull();
    expect(parseTracestate(`k=${"v".repeat(9_000)}`)).toBeNull();
  });

  it("cuts to 512 characters: members over 128 first, then from the end", () => {
    const long = `big=${"x".repeat(200)}`;
    // 9 members of 63 characters: 575 with commas, 511 without the last.
    const short = Array.from({ length: 9 }, (_, i) => `s${i}=${"y".repeat(60)}`);
    const cut = parseTracestate([short[0], long, ...short.slice(1)].join(","))!;
    expect(cut.length).toBeLessThanOrEqual(512);
    expect(cut).toBe(short.slice(0, 8).join(","));
  });
});

describe("which carrier", () => {
  const headers = (tp: string | null, ts: string | null = null) => {
    const h = new Headers();
    if (tp) h.set("traceparent", tp);
    if (ts) h.set("tracestate", ts);
    return h;
  };

  it("_meta first; a header naming another span becomes a link; each tracestate with its own parent", () => {
    const both = incomingTrace(headers(`00-${B}-${P}-01`, "h=1"), {
      traceparent: `00-${A}-${P}-00`,
      tracestate: "m=1",
    });
    expect(both.parent).toEqual({ traceId: A, parentId: P, flags: "00", state: "m=1" });
    expect(both.link).toEqual({ traceId: B, parentId: P, flags: "01", state: "h=1" });
    const same = incomingTrace(headers(`00-${A}-${P}-01`), { traceparent: `00-${A}-${P}-01` });
    expect(same.link).toBeNull();
    const headerOnly = incomingTrace(headers(`00-${B}-${P}-01`, "h=1"), {
      traceparent: "garbage",
      tracestate: "m=1",
    });
    expect(headerOnly.parent).toEqual({ traceId: B, parentId: P, flags: "01", state: "h=1" });
    // Two traceparent headers arrive joined: invalid, so absent.
    expect(incomingTrace(headers(`00-${A}-${P}-01, 00-${B}-${P}-01`), undefined).parent).toBeNull();
  });

  it("starts no trace without a parent or an exporter; an exported one is sampled", () => {
    expect(startTrace({ parent: null, link: null }, false, 0)).toBeNull();
    const root = startTrace({ parent: null, link: null }, true, 0)!;
    expect(root).toMatchObject({ parentId: null, flags: "01", spans: [] });
    const unsampled = { traceId: A, parentId: P, flags: "00", state: null };
    expect(startTrace({ parent: unsampled, link: null }, true, 0)!.flags).toBe("01");
    const quiet = startTrace({ parent: unsampled, link: null }, false, 0)!;
    expect(quiet).toMatchObject({ traceId: A, parentId: P, flags: "00", spans: null });
    expect(childSpan(quiet)).toMatchObject({ traceId: A, parentId: quiet.spanId });
  });

  it("rewrites the body's trace keys to the gateway's span, or removes them", () => {
    const ctx = { traceId: A, spanId: "1111111111111111", parentId: P, flags: "01", state: null };
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { _meta: { traceparent: "x", tracestate: "y", k: 1 } },
    });
    expect(JSON.parse(withTraceMeta(body, ctx)).params._meta).toEqual({
      k: 1,
      traceparent: `00-${A}-1111111111111111-01`,
    });
    expect(JSON.parse(withTraceMeta(body, null)).params._meta).toEqual({ k: 1 });
    const plain = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    expect(withTraceMeta(plain, ctx)).toBe(plain);
  });
});

describe("spans", () => {
  it("cut agent-chosen strings and carry the link", () => {
    const t = startTrace(
      { parent: null, link: { traceId: B, parentId: P, flags: "01", state: "h=1" } },
      true,
      1_000,
    )!;
    const span = serverSpan(
      t,
      {
        method: "tools/call",
        tool: "t".repeat(10_000),
        requestId: "9".repeat(10_000),
        protocolVersion: "2025-06-18",
        sessionId: null,
        orgId: "org_1",
        agentId: "agt_1",
      },
      2_000,
      200,
    );
    expect(span.name.length).toBeLessThanOrEqual(11 + 128);
    expect((span.attributes["jsonrpc.request.id"] as string).length).toBe(128);
    const s = otlpBody([span]).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(s).toMatchObject({ kind: 2, links: [{ traceId: B, spanId: P, traceState: "h=1" }] });
    expect(s.parentSpanId).toBeUndefined();
  });
});
