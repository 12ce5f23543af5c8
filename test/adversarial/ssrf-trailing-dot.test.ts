// An operator (or an agent that talked one into it) points an upstream at an internal host spelled with a
// trailing dot or an unusual IPv4/IPv6 form. The gateway refuses it on write and before every forward,
// and the upstream never sees a request.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectError, newOrg } from "../admin/helpers";
import { seedOrg } from "../helpers/seed";
import { witness } from "../helpers/witness";

const unique = () => crypto.randomUUID().slice(0, 8);

function callEcho(url: string) {
  return exports.default.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}',
  });
}

describe("SSRF through trailing-dot and unusual address spellings", () => {
  it("refuses an upstream named with a trailing dot before the upstream sees anything", async () => {
    for (const host of [`w-${unique()}.internal.`, "localhost.", `w-${unique()}.local.`]) {
      const org = await seedOrg({ upstreams: [{ namespace: "x", url: `https://${host}/json/mcp` }] });
      const res = await callEcho(org.url(org.agentKeys.main!));
      const body = (await res.json()) as { id: number; error: { code: number; message: string } };
      expect(body.id).toBe(1);
      expect(body.error.code).toBe(-32002);
      expect(body.error.message).toContain("not a public name");
      expect((await witness(host)).requests).toEqual([]);
    }
  });

  it("refuses such URLs when an operator writes them through the admin API", async () => {
    const { adminKey } = await newOrg();
    for (const url of [
      "https://metadata.google.internal./computeMetadata/v1/",
      "https://localhost./mcp",
      "https://2130706433/mcp",
      "https://0x7f.1/mcp",
      "https://[::ffff:7f00:1]/mcp",
      "https://[64:ff9b::a9fe:a9fe]/mcp",
      "https://[2002:a9fe:a9fe::]/mcp",
    ]) {
      const r = await api("POST", "/org/upstreams", { token: adminKey, body: { namespace: "x", url } });
      expectError(r, 400, "VALIDATION_FAILED");
    }
  });
});
