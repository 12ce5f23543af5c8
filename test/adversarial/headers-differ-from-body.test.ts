// An agent whose HTTP headers say one thing and whose body says another (an intermediary may route,
// rate-limit or log by the header while the gateway executes the body). 2026-07-28 requires the
// gateway to refuse: HTTP 400 with HeaderMismatch (-32020), and the upstream sees nothing.
import { describe, expect, it } from "vitest";
import { MODERN, modernRequest, send } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";
import { postRaw } from "./helpers";

async function org() {
  const host = witnessHost();
  const seeded = await seedOrg({ upstreams: [{ namespace: "demo", url: `https://${host}/json/mcp` }] });
  return { host, mcp: seeded.url(seeded.agentKeys.main!) };
}

const CALL = { name: "paid_echo", arguments: { text: "x", price: "1.00" } };

async function refusedAsMismatch(mcp: string, headers: Record<string, string>, body: unknown) {
  const { status, body: answer } = await send(mcp, headers, body);
  expect(status).toBe(400);
  expect(answer.error?.code).toBe(-32020);
  return answer.error!.message;
}

describe("headers that differ from the body are refused before any upstream", () => {
  it("Mcp-Name names a free tool while the body calls a paid one", async () => {
    const o = await org();
    const { headers, body } = modernRequest("tools/call", CALL, { headers: { "mcp-name": "echo" } });
    expect(await refusedAsMismatch(o.mcp, headers, body)).toContain("Mcp-Name");
    expect((await witness(o.host)).requests).toEqual([]);
  });

  it("a tools/call smuggled under Mcp-Method: tools/list", async () => {
    const o = await org();
    const { headers, body } = modernRequest("tools/call", CALL, { headers: { "mcp-method": "tools/list" } });
    expect(await refusedAsMismatch(o.mcp, headers, body)).toContain("Mcp-Method");
    expect((await witness(o.host)).requests).toEqual([]);
  });

  it("the standard headers or the body's version left out", async () => {
    const o = await org();
    for (const drop of ["mcp-method", "mcp-name"]) {
      const { headers, body } = modernRequest("tools/call", CALL, { headers: { [drop]: null } });
      await refusedAsMismatch(o.mcp, headers, body);
    }
    const { headers, body } = modernRequest("tools/call", CALL);
    const params = body.params as { _meta: Record<string, unknown> };
    delete params._meta["io.modelcontextprotocol/protocolVersion"];
    await refusedAsMismatch(o.mcp, headers, body);
    expect((await witness(o.host)).requests).toEqual([]);
  });

  it("a legacy header over a modern body, and a modern header over another version's body", async () => {
    const o = await org();
    const legacyHeader = modernRequest("tools/call", CALL, {
      headers: { "mcp-protocol-version": "2025-11-25" },
    });
    await refusedAsMismatch(o.mcp, legacyHeader.headers, legacyHeader.body);
    const other = modernRequest("tools/call", CALL, {
      meta: { "io.modelcontextprotocol/protocolVersion": "2025-11-25" },
    });
    await refusedAsMismatch(o.mcp, other.headers, other.body);
    expect((await witness(o.host)).requests).toEqual([]);
  });

  it("a legacy request with an Mcp-Method that is not its method", async () => {
    const o = await org();
    const res = await postRaw(
      o.mcp,
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: CALL },
      { "mcp-protocol-version": "2025-11-25", "mcp-method": "tools/list" },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32020);
    expect((await witness(o.host)).requests).toEqual([]);
  });

  it("a malformed or lying base64 Mcp-Name; an honest one passes", async () => {
    const o = await org();
    const b64 = (s: string) => `=?base64?${btoa(s)}?=`;
    for (const name of ["=?base64?%%%?=", b64("echo"), "caf\u00e9"]) {
      const { headers, body } = modernRequest("tools/call", CALL, { headers: { "mcp-name": name } });
      await refusedAsMismatch(o.mcp, headers, body).catch(() => {
        // fetch refuses a non-ASCII header value itself: also never reaches the upstream.
      });
    }
    expect((await witness(o.host)).requests).toEqual([]);
    const honest = modernRequest(
      "tools/call",
      { name: "echo", arguments: { text: "ok" } },
      { headers: { "mcp-name": b64("echo") } },
    );
    const ok = await send(o.mcp, honest.headers, honest.body);
    expect(ok.status).toBe(200);
    expect(ok.body.result?.content).toEqual([{ type: "text", text: "ok" }]);
  });

  it("an unsupported version: 400 with UnsupportedProtocolVersionError listing the supported ones", async () => {
    const o = await org();
    const { headers, body } = modernRequest("tools/call", CALL, {
      headers: { "mcp-protocol-version": "2099-01-01" },
    });
    const { status, body: answer } = await send(o.mcp, headers, body);
    expect(status).toBe(400);
    expect(answer.error?.code).toBe(-32022);
    expect(answer.error?.data).toMatchObject({
      requested: "2099-01-01",
      supported: expect.arrayContaining([MODERN]),
    });
    expect((await witness(o.host)).requests).toEqual([]);
  });
});
