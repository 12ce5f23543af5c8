import { describe, expect, it } from "vitest";
import { answer, sseResponse } from "../../src/mcp/respond";
import { readSse } from "../../src/protocol/sse";

async function messages(res: Response) {
  const out: unknown[] = [];
  for await (const e of readSse(res.body!)) out.push(JSON.parse(e.data));
  return out;
}

describe("sseResponse", () => {
  it("ends the stream with a JSON-RPC error for the request when the work fails", async () => {
    const res = sseResponse(
      async (emit) => {
        emit({ event: "message", data: '{"jsonrpc":"2.0","method":"notifications/progress"}', id: null });
        throw new Error("ledger exploded");
      },
      undefined,
      42,
    );
    expect(await messages(res)).toEqual([
      { jsonrpc: "2.0", method: "notifications/progress" },
      { jsonrpc: "2.0", id: 42, error: { code: -32603, message: expect.stringContaining("Internal error") } },
    ]);
  });

  it("uses a null id when the caller gives none (the old two-argument call)", async () => {
    const res = await answer(true, async () => {
      throw new Error("x");
    });
    expect(await messages(res)).toMatchObject([{ id: null, error: { code: -32603 } }]);
  });
});
