// Attack found while closing issue 10: initialize, notifications and client responses are forwarded
// to upstreams as they are, outside the metered path. A credential tucked into one of them would
// reach an upstream with no reservation behind it. Such messages are refused and never forwarded.
import { describe, expect, it } from "vitest";
import { witness } from "../helpers/witness";
import { attackOrg, postRaw as post } from "./helpers";

const credential = {
  challenge: { id: "x", realm: "r", method: "test", intent: "charge", request: { amount: "1" } },
  payload: { token: "ok" },
};

describe("a payment credential inside a message the gateway does not meter", () => {
  it("is refused with 400 and reaches no upstream", async () => {
    const org = await attackOrg();
    const url = org.url(org.agentKeys.main!);
    const messages = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "x", version: "1" },
          _meta: { "org.paymentauth/credential": credential },
        },
      },
      { jsonrpc: "2.0", method: "notifications/initialized", params: { _meta: { "x402/payment": {} } } },
      { jsonrpc: "2.0", id: "tgu.ups_x.MQ", result: { _meta: { "org.paymentauth/credential": credential } } },
    ];
    for (const m of messages) expect((await post(url, m)).status).toBe(400);
    expect((await witness(org.host)).requests).toEqual([]);
  });
});
