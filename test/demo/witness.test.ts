import { describe, expect, it } from "vitest";
import { witness, witnessHost } from "../helpers/witness";
import { callTool, rpc } from "./wire";

describe("the demo upstream's witness log", () => {
  it("records requests, runs and settlements per host, and nothing for another host", async () => {
    const host = witnessHost();
    const url = `https://${host}/json/mcp`;
    await rpc(url, { id: 1, method: "tools/call", params: { name: "echo", arguments: { text: "hi" } } });
    const w = await witness(host);
    expect(w.requests.map((r) => r.rpcMethod)).toEqual(["tools/call"]);
    expect(w.runs).toEqual([{ tool: "echo", args: { text: "hi" } }]);
    expect(w.settlements).toEqual([]);
    expect((await witness(witnessHost())).requests).toEqual([]);
  });
});

describe("the demo upstream's witness log of payments", () => {
  it("records an MPP settlement with its challenge id and amount", async () => {
    const host = witnessHost();
    const url = `https://${host}/json/mcp`;
    const first = await callTool(url, "paid_echo", { text: "x", price: "1.25" });
    expect(first.error?.code).toBe(-32042);
    const challenge = (first.error!.data as { challenges: { id: string }[] }).challenges[0]!;
    const paid = await callTool(
      url,
      "paid_echo",
      { text: "x", price: "1.25" },
      { "org.paymentauth/credential": { challenge, payload: { token: "ok" } } },
    );
    expect(paid.result?.isError).not.toBe(true);
    const w = await witness(host);
    expect(w.runs).toEqual([{ tool: "paid_echo", args: { text: "x", price: "1.25" } }]);
    expect(w.settlements).toMatchObject([{ protocol: "mpp", challengeId: challenge.id, amount: "1250000" }]);
  });
});
