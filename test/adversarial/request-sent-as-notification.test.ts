// Attack: send tools/call (or any request method) as a JSON-RPC notification, without an id. There
// is no answer to meter, and the old gateway broadcast it to every upstream with a 202. It is refused
// with HTTP 400 and never forwarded; real notifications still pass.
import { describe, expect, it } from "vitest";
import { witness } from "../helpers/witness";
import { attackOrg, postRaw as post } from "./helpers";

describe("a request method sent as a notification", () => {
  it("is refused with 400 and never reaches the upstream", async () => {
    const org = await attackOrg();
    const url = org.url(org.agentKeys.main!);
    for (const method of ["tools/call", "resources/read", "prompts/get", "sampling/createMessage"]) {
      const res = await post(url, {
        jsonrpc: "2.0",
        method,
        params: { name: "paid_echo", arguments: { text: "x", price: "1.00" }, uri: "demo://reports/paid" },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32600);
    }
    expect((await witness(org.host)).requests).toEqual([]);
    const ok = await post(url, { jsonrpc: "2.0", method: "notifications/initialized" });
    expect(ok.status).toBe(202);
    expect((await witness(org.host)).requests.map((r) => r.rpcMethod)).toEqual(["notifications/initialized"]);
  });
});

describe("a client response to a request no upstream made", () => {
  it("is refused with 400 instead of being broadcast to every upstream", async () => {
    const org = await attackOrg();
    const url = org.url(org.agentKeys.main!);
    for (const id of [7, "tgu.ups_unknown.Nw", "tg-elicit-apr_123"]) {
      const res = await post(url, {
        jsonrpc: "2.0",
        id,
        result: { action: "accept", content: { approve: true } },
      });
      expect(res.status).toBe(400);
    }
    expect((await witness(org.host)).requests).toEqual([]);
  });
});
