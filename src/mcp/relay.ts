// Work that must outlive the client's request (a paid retry: its credential has left, and only the
// upstream's answer says whether money moved) runs detached in waitUntil. The response attaches to
// it later; stream events emitted before then are buffered, not lost.

import type { SseEvent } from "../protocol/sse";
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
