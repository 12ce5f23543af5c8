// Heap of a `wrangler dev` Worker through its inspector (Chrome DevTools Protocol over WebSocket).
// wrangler's inspector proxy lists one target, the Worker's isolate; in local dev that isolate also
// runs the Worker's Durable Objects (the tenant ledgers among them), so the figures cover all of them.
// The proxy takes one client at a time and answers the upgrade only once it reaches the runtime
// (seconds after the server is up), so one connection is opened early and kept for the whole run.

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 100) / 100;

function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Connects to the inspector on `port`. Answers { targets: [title], heap(gc), close() }; heap answers
 * { used, total } in MB (Runtime.getHeapUsage) and, with `gc`, { used_after_gc, total_after_gc } after
 * HeapProfiler.collectGarbage. V8 runs that GC as a task on the isolate's foreground runner, which
 * workerd only pumps while the isolate handles something, so `poke()` (a request to the Worker) is
 * called every 250 ms until the GC answers.
 */
export async function openInspector(port, poke, timeoutMs = 60_000) {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(timeoutMs) });
  const targets = await res.json();
  if (!targets[0]) throw new Error(`no inspector target on port ${port}`);
  // The proxy refuses a WebSocket without an allowed Origin (Node's WebSocket sends none by default).
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl, { headers: { origin: "http://127.0.0.1" } });
  let next = 0;
  const pending = new Map();
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(String(e.data));
    const done = pending.get(m.id);
    if (!done) return; // an event, or the proxy's own traffic
    pending.delete(m.id);
    if (m.error) done.reject(new Error(`${m.error.message} (${m.error.code})`));
    else done.resolve(m.result);
  });
  const opened = new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("close", (e) => {
      const err = new Error(`inspector WebSocket closed (${e.code} ${e.reason})`);
      reject(err);
      for (const done of pending.values()) done.reject(err);
      pending.clear();
    });
  });
  try {
    await within(opened, timeoutMs, "inspector WebSocket");
  } catch (err) {
    ws.close();
    throw err;
  }
  const send = (method, params = {}) =>
    within(
      new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
      timeoutMs,
      method,
    );
  return {
    targets: targets.map((t) => t.title),
    async heap(gc = false) {
      const before = await send("Runtime.getHeapUsage");
      const out = { used: mb(before.usedSize), total: mb(before.totalSize) };
      if (!gc) return out;
      const gcDone = send("HeapProfiler.collectGarbage");
      let answered = false;
      gcDone.finally(() => (answered = true)).catch(() => {});
      while (!answered) {
        await Promise.race([gcDone.catch(() => {}), new Promise((r) => setTimeout(r, 250))]);
        if (!answered) await poke().catch(() => {});
      }
      await gcDone;
      const after = await send("Runtime.getHeapUsage");
      return { ...out, used_after_gc: mb(after.usedSize), total_after_gc: mb(after.totalSize) };
    },
    close: () => ws.close(),
  };
}
