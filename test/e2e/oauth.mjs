// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright Locator.innerText() calls, not the DOM property
// OAuth in the browser: `tollgate connect` (bin/connect.mjs) started as a stdio MCP server by the SDK's
// stdio client, its consent page answered in Chromium by the signed-in operator, then a paid tool call
// relayed to the gateway; a second run reuses the saved token without any browser step.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Credential, Method } from "mppx";
import { McpClient } from "mppx/mcp/client";
import { testCharge } from "../../demo/paid-upstream/method.ts";
import { ROOT } from "./servers.mjs";

function bridge(gateway, configHome) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(ROOT, "bin/tollgate.mjs"), "connect", `${gateway}/mcp`],
    env: { ...process.env, XDG_CONFIG_HOME: configHome, TOLLGATE_NO_BROWSER: "1" },
    stderr: "pipe",
  });
  let text = "";
  const authorizeUrl = new Promise((resolve) => {
    transport.stderr?.on("data", (chunk) => {
      text += chunk;
      const m = /(https?:\/\/\S+\/dashboard\/oauth\/authorize\?\S+)/.exec(text);
      if (m) resolve(m[1]);
    });
  });
  const client = new Client({ name: "stdio-only-client", version: "1.0.0" });
  return { client, transport, authorizeUrl, stderr: () => text };
}

function paying(client) {
  const payer = Method.toClient(testCharge, {
    async createCredential({ challenge }) {
      return Credential.serialize({ challenge, payload: { token: "ok" } });
    },
  });
  return McpClient.wrap(client, { methods: [payer], onPaymentRequired: () => true });
}

/** Runs the OAuth tests with `page` signed in to the dashboard of `org`. */
export async function oauthTests({ test, page, s, shot }) {
  const configHome = mkdtempSync(join(tmpdir(), "tollgate-connect-"));

  await test("tollgate connect: consent page in the browser, then a paid call over stdio", async () => {
    const b = bridge(s.gateway, configHome);
    const connecting = b.client.connect(b.transport);
    // Awaited below; a bridge that dies first must fail this test, not crash the runner.
    connecting.catch(() => undefined);
    const url = await Promise.race([
      b.authorizeUrl,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no URL: ${b.stderr()}`)), 30_000)),
    ]);
    await page.goto(url);
    assert.match(await page.locator("h1").innerText(), /Connect Tollgate stdio bridge\?/);
    assert.equal(await page.locator("#consent-redirect").innerText(), "127.0.0.1");
    assert.match(await page.locator("#consent-loopback").innerText(), /app on this computer/);
    assert.match(await page.locator("#consent-agent").innerText(), /research-bot/);
    await shot(page, "oauth-consent");
    await page.locator("#consent-allow").click();
    await page.waitForURL(/127\.0\.0\.1:\d+\/callback\?/);
    assert.match(await page.locator("body").innerText(), /Connected/);
    await connecting.catch((err) => {
      throw new Error(`${err.message}; bridge stderr: ${b.stderr()}`);
    });
    const tools = await b.client.listTools();
    assert.ok(
      tools.tools.some((t) => t.name === "paid_echo"),
      "the gateway's tools come through",
    );
    const paid = await paying(b.client).callTool({
      name: "paid_echo",
      arguments: { text: "over stdio", price: "1.00" },
    });
    assert.deepEqual(paid.content, [{ type: "text", text: "over stdio" }]);
    await b.client.close();
    const saved = readdirSync(join(configHome, "tollgate"));
    assert.equal(saved.length, 1);
    assert.equal(statSync(join(configHome, "tollgate", saved[0])).mode & 0o777, 0o600);
  });

  await test("tollgate connect: a second run reuses the saved token, no browser", async () => {
    const b = bridge(s.gateway, configHome);
    await b.client.connect(b.transport);
    assert.ok((await b.client.listTools()).tools.length > 0);
    assert.doesNotMatch(b.stderr(), /open this URL/);
    await b.client.close();
  });

  await test("connected apps page lists the bridge and revokes it", async () => {
    await page.goto(`${s.gateway}/dashboard/connected`);
    assert.match(await page.locator("#connected").innerText(), /Tollgate stdio bridge/);
    await page.getByRole("button", { name: "Revoke" }).first().click();
    assert.match(await page.locator(".flash.ok").innerText(), /Revoked/);
  });
}
