// A CPU profile of the tenant ledger object, taken by workerd's own V8 profiler over its inspector
// (node --cpu-prof cannot see inside workerd). Prints self and inclusive time per function and writes
// the .cpuprofile for Chrome DevTools. Node 22 (global WebSocket):
//   npx node bench/ledger-cpuprofile.mjs [/pairs | /loop-pairs] [mode=cpu]
import { writeFileSync } from "node:fs";
import { startLedgerWorker } from "./ledger-harness.mjs";

const path = process.argv[2] ?? "/pairs";
const mode = process.argv[3] ? `&${process.argv[3]}` : "";
const N = Number(process.env.N ?? 4000);
const PORT = Number(process.env.INSPECTOR_PORT ?? 9239);
const OUT = process.env.OUT ?? "/tmp/ledger.cpuprofile";

const { mf } = await startLedgerWorker("ledger-cpuprofile", { inspectorPort: PORT });
try {
  await mf.dispatchFetch("http://bench.local/pairs?n=300&c=16&org=bench-org&run=warm");
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/core:user:ledger-cpuprofile`);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  let next = 0;
  const pending = new Map();
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(e.data);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 50 });
  await send("Profiler.start");
  const t = performance.now();
  const res = await mf.dispatchFetch(
    `http://bench.local${path}?n=${N}&c=16&org=bench-org&run=p${Date.now()}${mode}`,
  );
  await res.text();
  const ms = performance.now() - t;
  const { result } = await send("Profiler.stop");
  ws.close();
  writeFileSync(OUT, JSON.stringify(result.profile));
  console.log(
    `${path}${mode}: ${N} in ${ms.toFixed(0)} ms (${((ms * 1000) / N).toFixed(1)} us each, profiler on); ${OUT}`,
  );
  report(result.profile);
} finally {
  await mf.dispose();
}

function report(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const spent = new Map();
  let total = 0;
  p.samples.forEach((id, i) => {
    spent.set(id, (spent.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
    total += p.timeDeltas[i] ?? 0;
  });
  const name = (n) => n.callFrame.functionName || "(anonymous)";
  const self = new Map();
  const incl = new Map();
  for (const [id, d] of spent) {
    const k = name(byId.get(id));
    self.set(k, (self.get(k) ?? 0) + d);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = name(byId.get(cur));
      if (!seen.has(f)) incl.set(f, (incl.get(f) ?? 0) + d);
      seen.add(f);
    }
  }
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  console.log(`self time:\n${top(self, 25)}\n\ninclusive time:\n${top(incl, 40)}`);
}
