// Work that must outlive the client's request (a paid retry: its credential has left, and only the
// upstream's answer says whether money moved) runs detached in waitUntil. The response attaches to
// it later; stream events emitted before then are buffered, not lost.

import { type JsonRpcId, RPC, rpcError } from "../protocol/jsonrpc";
import type { SseEvent } from "../protocol/sse";
import type { GatewayCtx } from "./context";
import type { Emit } from "./respond";

export class Relay {
  private buffer: SseEvent[] = [];
  private sink: Emit | null = null;
  private resolveSse: (sse: boolean) => void = () => undefined;
  /** Whether the answer is a stream: known once the upstream's headers arrived. */
  readonly sse: Promise<boolean> = new Promise((resolve) => {
    this.resolveSse = resolve;
  });

  readonly emit: Emit = (event) => {
    if (this.sink) this.sink(event);
    else this.buffer.push(event);
  };

  streamed(sse: boolean): void {
    this.resolveSse(sse);
  }

  attach(sink: Emit): void {
    for (const event of this.buffer) sink(event);
    this.buffer = [];
    this.sink = sink;
  }
}

/**
 * Runs money work detached from the client (waitUntil) and returns its answer. A fault inside is
 * logged without detail and answered as an internal error; the hold it leaves commits unconfirmed
 * at its expiry, so the call is counted as paid, never lost.
 */
export function detached(
  g: GatewayCtx,
  id: JsonRpcId,
  what: string,
  work: Promise<unknown>,
): Promise<unknown> {
  const run = work.catch((err: unknown) => {
    console.error(`${what} failed`, err instanceof Error ? err.message : "error");
    return rpcError(id, RPC.INTERNAL_ERROR, `The ${what} failed inside the gateway; it is counted as paid.`);
  });
  g.exec.waitUntil(run);
  return run;
}
