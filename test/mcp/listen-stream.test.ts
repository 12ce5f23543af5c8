// The client's listen stream itself (listen.ts listenStream), over hand-made upstream shares: the
// acknowledgment first, keep-alive comments in quiet periods, every notification tagged, the
// graceful end when every share ends, and the client's cancel stopping every share and cleaning up.
import { describe, expect, it } from "vitest";
import { listenStream } from "../../src/mcp/listen";
import type { Forwarded, ListenPart } from "../../src/mcp/listen-part";

const SUB = "io.modelcontextprotocol/subscriptionId";

function fakePart(script: (emit: (n: Forwarded) => void, stop: AbortSignal) => Promise<void>) {
  const seen = { cleaned: 0, stopped: false };
  const part: ListenPart = {
    upstreamId: "u1",
    honoured: { flags: ["toolsListChanged"], clientUris: [] },
    pump: async (emit, stop) => {
      stop.addEventListener("abort", () => {
        seen.stopped = true;
      });
      await script(emit, stop);
    },
    cleanup: async () => {
      seen.cleaned++;
    },
  };
  return { part, seen };
}

function harness(parts: ListenPart[], keepAliveMs: number) {
  const later: Promise<unknown>[] = [];
  const slot = { released: 0, release: () => slot.released++ };
  const abort = new AbortController();
  const g = { exec: { waitUntil: (p: Promise<unknown>) => later.push(p) } } as never;
  const stream = listenStream(g, 7, { toolsListChanged: true }, parts, abort, slot, keepAliveMs);
  return { reader: stream.getReader(), slot, abort, later };
}

const untilStopped = (stop: AbortSignal) =>
  new Promise<void>((r) => stop.addEventListener("abort", () => r(), { once: true }));

describe("the listen stream", () => {
  it("sends the acknowledgment first, then keep-alive comments while nothing happens", async () => {
    const { part } = fakePart((_emit, stop) => untilStopped(stop));
    const { reader } = harness([part], 10);
    const first = (await reader.read()).value ?? "";
    expect(JSON.parse(first.replace(/^event: message\ndata: /, ""))).toMatchObject({
      method: "notifications/subscriptions/acknowledged",
      params: { _meta: { [SUB]: 7 }, notifications: { toolsListChanged: true } },
    });
    expect((await reader.read()).value).toBe(":\n\n");
    await reader.cancel();
  });

  it("tags every notification, and ends with the graceful result when every share ends", async () => {
    const { part, seen } = fakePart(async (emit) => {
      emit({ method: "notifications/tools/list_changed", params: {} });
    });
    const { reader, slot, later } = harness([part], 60_000);
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const messages = text
      .split("\n\n")
      .filter((e) => e.startsWith("event: message"))
      .map((e) => JSON.parse(e.replace(/^event: message\ndata: /, "")));
    expect(messages.map((m) => m.method ?? "result")).toEqual([
      "notifications/subscriptions/acknowledged",
      "notifications/tools/list_changed",
      "result",
    ]);
    expect(messages.map((m) => m.params?._meta?.[SUB] ?? m.result?._meta?.[SUB])).toEqual([7, 7, 7]);
    expect(messages[2]).toMatchObject({ id: 7, result: { resultType: "complete" } });
    await Promise.all(later);
    expect(seen.cleaned).toBe(1);
    expect(slot.released).toBe(1);
  });

  it("the client's cancel stops every share, releases the slot once and cleans up", async () => {
    const a = fakePart((_emit, stop) => untilStopped(stop));
    const b = fakePart((_emit, stop) => untilStopped(stop));
    const { reader, slot, abort, later } = harness([a.part, b.part], 60_000);
    await reader.read();
    await reader.cancel();
    await Promise.all(later);
    expect(abort.signal.aborted).toBe(true);
    expect([a.seen.stopped, b.seen.stopped]).toEqual([true, true]);
    expect([a.seen.cleaned, b.seen.cleaned]).toEqual([1, 1]);
    expect(slot.released).toBe(1);
  });
});
