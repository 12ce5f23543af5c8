// An upstream answers with more than the gateway will buffer: one huge JSON body, one huge SSE event, or
// a stream of events that never ends. The gateway stops reading at its caps and answers the agent a
// clear -32002 for its request id instead of running out of memory.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readSse } from "../../src/protocol/sse";
import { MAX_UPSTREAM_MESSAGE_BYTES, MAX_UPSTREAM_STREAM_BYTES } from "../../src/upstream/forward";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

type RpcReply = { id: number | null; result?: unknown; error?: { code: number; message: string } };

/** The final JSON-RPC answer, whether the gateway replied with JSON or SSE. */
async function finalAnswer(res: Response): Promise<RpcReply> {
  if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) return res.json();
  let last: RpcReply | null = null;
  for await (const e of readSse(res.body!)) last = JSON.parse(e.data) as RpcReply;
  if (!last) throw new Error("empty stream");
  return last;
}

async function callThrough(path: string) {
  const host = witnessHost();
  const org = await seedOrg({ upstreams: [{ namespace: "big", url: `https://${host}${path}` }] });
  const res = await exports.default.fetch(org.url(org.agentKeys.main!), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"anything","arguments":{}}}',
  });
  return { host, reply: await finalAnswer(res) };
}

describe("oversized upstream replies", () => {
  it("refuses a JSON body over the per-message cap with -32002", async () => {
    const { host, reply } = await callThrough(`/big/mcp?bytes=${MAX_UPSTREAM_MESSAGE_BYTES + 1}`);
    expect(reply.id).toBe(3);
    expect(reply.error?.code).toBe(-32002);
    expect(reply.error?.message).toContain("exceeds");
    expect((await witness(host)).requests).toHaveLength(1);
  });

  it("refuses one SSE event over the per-message cap with -32002", async () => {
    const { reply } = await callThrough(`/big/mcp?sse=1&bytes=${MAX_UPSTREAM_MESSAGE_BYTES + 1}`);
    expect(reply).toMatchObject({ id: 3, error: { code: -32002 } });
    expect(reply.error?.message).toContain("exceeds");
  });

  it("refuses an SSE stream over the total cap with -32002", async () => {
    const each = 1024 * 1024;
    const events = Math.ceil(MAX_UPSTREAM_STREAM_BYTES / each) + 1;
    const { reply } = await callThrough(`/big/mcp?sse=1&bytes=${each}&events=${events}`);
    expect(reply).toMatchObject({ id: 3, error: { code: -32002 } });
    expect(reply.error?.message).toContain(`exceeds ${MAX_UPSTREAM_STREAM_BYTES} bytes`);
  });

  it("still relays answers under the caps", async () => {
    const { reply } = await callThrough("/big/mcp?bytes=100000");
    expect(reply.id).toBe(3);
    expect(reply.error).toBeUndefined();
  });
});
