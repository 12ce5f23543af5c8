// `npm start`: migrate the local D1, start the demo paid upstream and the gateway, seed the demo
// once, and print what to paste into an MCP client. Ctrl-C stops both.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ensureDevVars, GATEWAY, GATEWAY_PORT, ROOT, UPSTREAM_PORT, waitFor, wrangler } from "./lib.mjs";
import { seedDemo } from "./seed-demo.mjs";

process.env.WRANGLER_SEND_METRICS ??= "false";
const vars = ensureDevVars();
console.log("Applying local D1 migrations…");
await wrangler(["d1", "migrations", "apply", "tollgate", "--local"], { quiet: true });

const bin = join(ROOT, "node_modules/.bin/wrangler");
const children = [
  spawn(
    bin,
    ["dev", "-c", "demo/wrangler.jsonc", "--port", String(UPSTREAM_PORT), "--inspector-port", "9230"],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    },
  ),
  spawn(bin, ["dev", "--port", String(GATEWAY_PORT), "--inspector-port", "9229"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  }),
];
const stop = (code = 0) => {
  for (const c of children) c.kill("SIGINT");
  process.exit(code);
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
// Never leave the servers running behind a failed start.
process.on("uncaughtException", (err) => {
  console.error(err);
  stop(1);
});
process.on("unhandledRejection", (err) => {
  console.error(err);
  stop(1);
});
for (const c of children)
  c.on("exit", (code) => code && code !== 0 && console.error(`a server exited with ${code}`));

await waitFor(`http://127.0.0.1:${UPSTREAM_PORT}/`);
await waitFor(`${GATEWAY}/healthz`);
const s = await seedDemo(vars.ADMIN_TOKEN);
const mcpUrl = `${GATEWAY}/${s.agentKey}/mcp`;
const payerUrl = `${GATEWAY}/${s.payerKey}/mcp`;
console.log(`
Tollgate is running.

  MCP URL (paste into your MCP client):  ${mcpUrl}
  Tollgate pays (demo-payer):            ${payerUrl}
      paste this into Claude Code: no wallet needed (Tollgate pays from demo-wallet, 5.00 pathUSD a day)
  Org key, multi-agent routing:          ${GATEWAY}/${s.orgKey}/agents/demo-agent/mcp
  Admin API:                             ${GATEWAY}/api/v1   (Authorization: Bearer ${s.adminKey})
  Dashboard:                             ${GATEWAY}/dashboard  (sign in with the admin key)
  Demo paid upstream:                    http://127.0.0.1:${UPSTREAM_PORT}/mcp

.mcp.json for Claude Code / Cursor (tollgate: the client pays; tollgate-pays: Tollgate pays for it):
${JSON.stringify(
  {
    mcpServers: {
      tollgate: { type: "http", url: mcpUrl },
      "tollgate-pays": { type: "http", url: payerUrl },
    },
  },
  null,
  2,
)}

Try it: in another terminal run  npm run demo
Local state persists in .wrangler/ (delete it and .tollgate-demo.json to start over). Ctrl-C stops.
`);
