// An upstream streams pretty-printed JSON (one `data:` line per JSON line, valid SSE). The gateway
// relays those events to the client framed the same way, so no line of the JSON is lost or read as
// another SSE field, and the final answer arrives intact.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeEvent, readSse } from "../../src/protocol/sse";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new Response(text).body!;
}

async function eventsOf(text: string) {
  const out = [];
  for await (const e of readSse(streamOf(text))) out.push(e);
  return out;
}

describe("multi-line SSE data", () => {
  it("relays pretty-printed upstream events as one data: line per line, then the answer", async () => {
    const host = witnessHost();
    const org = await seedOrg({ upstreams: [{ namespace: "m", url: `https://${host}/multiline/mcp` }] });
    const res = await exports.default.fetch(org.url(org.agentKeys.main!), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"anything","arguments":{}}}',
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    for (const line of text.split("\n")) expect(line).toMatch(/^(|event: .*|id: .*|data: .*)$/);
    const messages = (await eventsOf(text)).map((e) => JSON.parse(e.data));
    expect(messages).toEqual([
      { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "step 1" } },
      {
        jsonrpc: "2.0",
        id: 5,
        result: {
          content: [{ type: "text", text: "line one\nline two" }],
          _meta: { "tollgate/receipt": expect.stringMatching(/^rcpt_tx_/) },
        },
      },
    ]);
    expect((await witness(host)).requests.map((r) => r.rpcMethod)).toEqual(["tools/call"]);
  });

  it("frames CR, LF and CRLF line breaks, and keeps line breaks out of event and id", async () => {
    const wire = encodeEvent({ event: "message\nid: 9", data: "a\r\nb\rc\nd", id: "1\r\ndata: x" });
    expect(wire).toBe("event: messageid: 9\nid: 1data: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    expect(await eventsOf(wire)).toEqual([{ event: "messageid: 9", id: "1data: x", data: "a\nb\nc\nd" }]);
  });
});
