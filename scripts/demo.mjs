// `npm run demo`: a scripted agent against the running gateway (start it with `npm start`). It uses the
// real MCP SDK client wrapped by mppx's MCP client with a test payer, and tells the story: a free call,
// a cheap paid call (allowed and committed), an expensive one (denied with the reason), then calls
// until the daily budget is exhausted. Each run uses a fresh agent so the story repeats. Last, a plain MCP
// SDK client (no payment wrapper, no wallet) as demo-payer calls a paid tool that Tollgate pays for.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Credential, Method } from "mppx";
import { McpClient } from "mppx/mcp/client";
import { testCharge } from "../demo/paid-upstream/method.ts";
import { api, GATEWAY, readState } from "./lib.mjs";

const state = readState();
if (!state) {
  console.error("No demo org yet: run `npm start` first (in another terminal), then `npm run demo`.");
  process.exit(1);
}
const { orgId, adminKey } = state;
const say = (line) => console.log(line);
const money = (base) =>
  `${(BigInt(base) / 1_000_000n).toString()}.${(BigInt(base) % 1_000_000n).toString().padStart(6, "0").slice(0, 2)}`;

const name = `demo-run-${Date.now().toString(36)}`;
const agent = await api("POST", `/orgs/${orgId}/agents`, adminKey, {
  name,
  description: "A scripted demo agent.",
});
await api("PUT", `/orgs/${orgId}/agents/${agent.id}/mandate`, adminKey, {
  currency: "PATHUSD",
  timeZone: "UTC",
  budgets: { daily: "25.00" },
  perTransactionLimit: "20.00",
});
const key = await api("POST", `/orgs/${orgId}/keys`, adminKey, { scope: "agent", agentId: agent.id, name });
say(
  `Agent "${name}": daily budget 25.00 pathUSD, at most 20.00 per call; research over 10.00 needs a human.\n`,
);

const payer = Method.toClient(testCharge, {
  async createCredential({ challenge }) {
    return Credential.serialize({ challenge, payload: { token: "ok" } });
  },
});
const client = new Client({ name: "tollgate-demo-agent", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(`${GATEWAY}/${key.secret}/mcp`)));
const agentClient = McpClient.wrap(client, {
  methods: [payer],
  onPaymentRequired: (challenge) => {
    say(
      `   challenge: ${money(challenge.request.amount)} pathUSD to ${challenge.request.recipient.slice(0, 10)}… -> paying`,
    );
    return true;
  },
});

async function step(title, tool, args, onDenied) {
  say(`> ${title}: ${tool}(${JSON.stringify(args)})`);
  try {
    const r = await agentClient.callTool({ name: tool, arguments: args });
    const text = r.content?.[0]?.text ?? "";
    say(`   ok: "${String(text).slice(0, 60)}"${r.receipt ? ` (receipt ${r.receipt.reference})` : ""}`);
    return true;
  } catch (err) {
    const t = err?.data?.tollgate;
    say(t ? `   DENIED (${t.reason}): ${t.message}` : `   error: ${err.message}`);
    if (t && onDenied) return onDenied(t);
    return false;
  }
}

const { tools } = await client.listTools();
say(`The agent sees ${tools.length} tools: ${tools.map((t) => t.name).join(", ")}\n`);
await step("1. A free call", "echo", { text: "hello through Tollgate" });
await step("2. A cheap paid call (allowed, committed)", "generate_image", { prompt: "a lighthouse at dusk" });
await step("3. An expensive paid call (over the 20.00 per-call limit)", "paid_echo", {
  text: "pricey",
  price: "21.00",
});
const research = { topic: "toll roads", depth: "deep" };
await step(
  "4. A 15.00 research report (the policy wants a human above 10.00)",
  "research_report",
  research,
  async (t) => {
    if (t.reason !== "approval_required") return false;
    say(`   operator approves ${t.approvalId} through the admin API (or the dashboard)`);
    await api("POST", `/orgs/${orgId}/approvals/${t.approvalId}/approve`, adminKey, {
      note: "ok for the demo",
    });
    return step("   the agent retries the same call", "research_report", research);
  },
);
const can = await client.callTool({
  name: "tollgate_can_spend",
  arguments: { amount: "5.00", currency: "PATHUSD" },
});
say(`> 5. The agent asks tollgate_can_spend(5.00): "${can.content[0].text}"`);
say("6. Paid calls of 3.00 until the daily budget runs out:");
for (let i = 1; i <= 5; i++) {
  if (!(await step(`   call ${i}`, "paid_echo", { text: `call ${i}`, price: "3.00" }))) break;
}
const budgets = await api("GET", `/orgs/${orgId}/budgets?agentId=${agent.id}`, adminKey);
say("\nBalances after the run:");
for (const b of budgets.balances) {
  say(
    `   ${b.label}: spent ${money(b.committed)}, reserved ${money(b.reserved)}, remaining ${money(b.remaining)} pathUSD`,
  );
}
await client.close();

// 7. Tollgate pays: demo-payer is in tollgate-pays mode, so a client with no wallet gets paid results.
say("\n7. Tollgate pays: a plain MCP client (no payment wrapper) as demo-payer");
if (!state.payerKey) {
  say("   demo-payer is not seeded yet: restart `npm start` once, then run the demo again.");
} else {
  const plain = new Client({ name: "tollgate-demo-plain-client", version: "1.0.0" });
  await plain.connect(new StreamableHTTPClientTransport(new URL(`${GATEWAY}/${state.payerKey}/mcp`)));
  const args = { prompt: "a toll booth on the moon" };
  say(`> generate_image(${JSON.stringify(args)})`);
  try {
    const r = await plain.callTool({ name: "generate_image", arguments: args });
    say(`   result: "${String(r.content?.[0]?.text ?? "").slice(0, 80)}"`);
    say(`   _meta["tollgate/payment"]: ${JSON.stringify(r._meta?.["tollgate/payment"] ?? null)}`);
  } catch (err) {
    const t = err?.data?.tollgate;
    say(t ? `   DENIED (${t.reason}): ${t.message}` : `   error: ${err.message}`);
  }
  await plain.close();
}
