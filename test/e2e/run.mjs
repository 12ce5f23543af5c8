// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright Locator.innerText() calls, not the DOM property
// Browser tests of the dashboard: Debian's Chromium driven by playwright-core against `wrangler dev`.
// Prints "N passed, N failed" last and exits non-zero on any failure. Screenshots: test-output/screenshots/
// (docs/screenshots/ only with UPDATE_DOC_SCREENSHOTS=1, i.e. `npm run screenshots`).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { oauthTests } from "./oauth.mjs";
import { agent, seed } from "./seed.mjs";
import { OUT, ROOT, startServers } from "./servers.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];
const SHOTS = join(OUT, "screenshots");
const DOC_SHOTS = join(ROOT, "docs/screenshots");
const notes = [];
let passed = 0;
let failed = 0;

async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed++;
    console.log(
      `not ok - ${name}\n  ${String(err?.stack ?? err)
        .split("\n")
        .slice(0, 6)
        .join("\n  ")}`,
    );
  }
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

mkdirSync(SHOTS, { recursive: true });
const s = await startServers();
let browser;
try {
  const org = await seed(s);
  const bot = await agent(s.gateway, org.agentKey);
  // Spend to draw, a denial, and two calls waiting for a human.
  const paid = await bot.pay("generate_image", { prompt: "a lighthouse at dusk" });
  assert.ok(paid.ok, `paid call failed: ${paid.error?.message}`);
  await bot.pay("paid_echo", { text: "second", price: "3.50" });
  const denied = await bot.call("paid_echo", { text: "too much", price: "25.00" });
  assert.equal(denied.ok, false);
  const deep = { topic: "toll roads", depth: "deep" };
  const first = await bot.call("research_report", deep);
  await bot.call("research_report", { topic: "ferries", depth: "deep" });
  notes.push(`research_report deep -> ${first.tollgate?.reason ?? first.error?.message ?? "ok"}`);
  let approvals = (await org.api("GET", "/org/approvals")).data;
  if (approvals.length < 2)
    notes.push(`gateway created ${approvals.length} approval rows for 2 approval-required calls`);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const url = (p) => `${s.gateway}${p}`;

  await test("sign-in page guards the dashboard and accepts an org admin key", async () => {
    await page.goto(url("/dashboard"));
    assert.match(page.url(), /\/dashboard\/signin$/);
    await shot(page, "signin");
    await page.getByLabel("Org admin key").fill("tg_adm_wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    assert.match(await page.locator("#signin-error").innerText(), /Invalid or revoked/);
    await page.getByLabel("Org admin key").fill(org.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard$/);
    assert.equal(await page.locator("h1").innerText(), "Overview");
    assert.match(await page.locator("header .org").innerText(), /E2E Research Org/);
  });

  await test("overview shows the agent's budget bars, spend charts, denials and pending count", async () => {
    const card = page.locator('section[data-agent="research-bot"]');
    assert.ok((await card.locator("svg.bar").count()) >= 2, "budget bars");
    const label = await card.locator("svg.bar").first().getAttribute("aria-label");
    assert.match(
      label,
      /spent [\d.]+ pathUSD, reserved [\d.]+ pathUSD, remaining [\d.]+ pathUSD of 50\.00 pathUSD/,
    );
    assert.match(await card.innerText(), /resets .* \(in /);
    assert.equal(await card.locator("figure.chart").count(), 2, "7- and 30-day charts");
    assert.match(
      await card.locator("figure.chart figcaption").first().innerText(),
      /Last 7 days \(pathUSD\): [1-9][\d.]* pathUSD/,
    );
    assert.ok((await card.locator("rect.day[height]").count()) === 37);
    assert.match(await page.locator("#denials").innerText(), /paid_echo/);
    assert.match(await page.locator("#pending-count").innerText(), new RegExp(`${approvals.length} pending`));
    await shot(page, "overview");
  });

  await test("approvals: approve one with a note, reject another, list refreshes by itself", async () => {
    await page.goto(url("/dashboard/approvals"));
    await shot(page, "approvals");
    approvals = (await org.api("GET", "/org/approvals")).data;
    assert.ok(approvals.length >= 2, `expected 2 pending approvals, got ${approvals.length}`);
    const row = (id) => page.locator(`tr[data-approval="${id}"]`);
    const [toApprove, toReject] = [
      approvals.find((a) => a.argsSummary.includes("toll")) ?? approvals[0],
      approvals.find((a) => a.argsSummary.includes("ferries")) ?? approvals[1],
    ];
    assert.match(await row(toApprove.id).innerText(), /research_report[\s\S]*15\.00 pathUSD/);
    await row(toApprove.id).getByLabel("Note").fill("fine for the report");
    await row(toApprove.id).getByRole("button", { name: "Approve" }).click();
    assert.match(await page.locator(".flash.ok").innerText(), /Approved research_report/);
    await row(toReject.id).getByRole("button", { name: "Reject" }).click();
    assert.match(await page.locator(".flash.ok").innerText(), /Rejected/);
    const decided = await page.locator("#decided").innerText();
    assert.match(decided, /approved — “fine for the report”/);
    assert.match(decided, /rejected/);
    await page.waitForFunction(() => document.getElementById("approval-list")?.dataset.refreshed, null, {
      timeout: 12_000,
    });
    const retry = await bot.pay("research_report", deep);
    notes.push(
      retry.ok
        ? "after approval the retried call passed to the payment challenge, paid and returned"
        : `after approval the retried call answered: ${retry.tollgate?.reason ?? retry.error?.message}`,
    );
    assert.ok(retry.ok || retry.tollgate?.reason !== "approval_required", "approval must release the call");
  });

  await test("transactions: filter by status and amount, expand a row, CSV export", async () => {
    await page.goto(url("/dashboard/transactions"));
    await page.getByLabel("Status").selectOption("denied");
    await page.getByRole("button", { name: "Filter" }).click();
    const statuses = await page.locator("#transactions tbody td.status").allInnerTexts();
    assert.ok(statuses.length >= 1 && statuses.every((x) => x === "denied"), statuses.join());
    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("Min amount").fill("10");
    await page.getByRole("button", { name: "Filter" }).click();
    const prices = await page.locator("#transactions tbody td.num").allInnerTexts();
    assert.ok(
      prices.length >= 1 && prices.every((p) => /^(1\d|[2-9]\d)\.\d{2,6} pathUSD$/.test(p)),
      prices.join(),
    );
    await page.locator("#transactions details summary").first().click();
    assert.match(
      await page.locator("#transactions details[open]").first().innerText(),
      /Challenge[\s\S]*Receipt/,
    );
    await shot(page, "transactions");
    const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    const csv = await (await page.request.get(url(href))).text();
    assert.match(csv.split("\r\n")[0], /^id,created_at_utc,agent_id,tool,status/);
    assert.ok(csv.split("\r\n").length >= 3);
  });

  await test("policies: an invalid policy shows its errors at their lines; the diff shows the change", async () => {
    await page.goto(url("/dashboard/policies"));
    const bad =
      'version: "1"\ntools:\n  research_report:\n    rules:\n      - name: "broken"\n        action: "explode"\n';
    await page.getByLabel("Policy (YAML or JSON)").fill(bad);
    await page.getByRole("button", { name: "Validate and save" }).click();
    const errors = await page.locator("#policy-errors").innerText();
    assert.match(errors, /line \d+:\d+/);
    assert.ok((await page.locator(".code .ln.err").count()) >= 1, "highlighted line number");
    assert.ok(await page.locator("#policy-diff .add").count(), "diff against the active version");
    await shot(page, "policies-error");
    await page.goto(url("/dashboard/policies"));
    await page.getByLabel("Tool").fill("research_report");
    await page.getByLabel("Price").fill("15.00");
    await page.getByLabel("Currency").fill("PATHUSD");
    await page.getByRole("button", { name: "Dry run" }).click();
    assert.match(await page.locator("#dry-run h2").innerText(), /require_approval/);
  });

  await test("keys: create one (secret shown once), revoke another", async () => {
    await page.goto(url("/dashboard/keys"));
    await page.getByLabel("Name").fill("e2e new key");
    await page.getByLabel("Scope").selectOption("agent");
    await page.getByLabel("Agent (for agent keys)").selectOption({ label: "research-bot" });
    await page.getByRole("button", { name: "Create key" }).click();
    assert.match(await page.locator("#new-secret").innerText(), /^tg_/);
    const spare = page.locator(`tr[data-key="${org.spareKey.id}"]`);
    await spare.getByRole("button", { name: /Revoke/ }).click();
    assert.match(await page.locator(".flash.ok").innerText(), /Revoked/);
    assert.match(await page.locator(`tr[data-key="${org.spareKey.id}"]`).innerText(), /revoked/);
    await page.goto(url("/dashboard/keys"));
    assert.equal(await page.locator("#new-secret").count(), 0, "secret shown once");
    await shot(page, "keys");
  });

  await test("agents: create, edit the mandate, pause", async () => {
    await page.goto(url("/dashboard/agents"));
    await page.getByLabel("Name").fill("e2e-helper");
    await page.getByRole("button", { name: "Create agent" }).click();
    await page.getByRole("link", { name: "e2e-helper" }).click();
    await page.getByLabel("Currency").fill("USD");
    await page.getByLabel("Daily budget").fill("12.50");
    await page.getByRole("button", { name: "Save mandate" }).click();
    assert.match(await page.locator("main").innerText(), /daily 12\.50 USD/);
    await page.getByRole("button", { name: "Pause agent" }).click();
    assert.match(await page.locator(".flash.ok").innerText(), /Paused e2e-helper/);
    await shot(page, "agent");
  });

  await test("wallets: create one with a daily cap, add the test payment method", async () => {
    await page.goto(url("/dashboard/wallets"));
    assert.equal(await page.locator("h1").innerText(), "Wallets");
    await page.getByLabel("Wallet name").fill("e2e-wallet");
    await page.getByLabel("Daily cap").fill("5.00");
    await page.getByRole("button", { name: "Create wallet" }).click();
    assert.match(await page.locator(".flash.ok").innerText(), /Created wallet e2e-wallet/);
    const card = page.locator('section[data-wallet="e2e-wallet"]');
    assert.match(await card.innerText(), /daily 5\.00 pathUSD/);
    await card.getByLabel("Method kind", { exact: true }).selectOption("mpp-test");
    await card.getByRole("button", { name: "Add method" }).click();
    assert.match(await page.locator(".flash.ok").innerText(), /Added mpp-test to e2e-wallet/);
    assert.match(
      await page.locator('section[data-wallet="e2e-wallet"] table.methods').innerText(),
      /mpp-test/,
    );
    await shot(page, "wallets");
  });

  await test("upstreams and webhooks: add a webhook, send a signed test event, redeliver", async () => {
    await page.goto(url("/dashboard/integrations"));
    assert.match(await page.locator("#upstreams").innerText(), /demo/);
    await page.getByLabel("URL", { exact: true }).last().fill(s.hookUrl);
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = (await page.locator("#webhook-secret").innerText()).trim();
    assert.match(secret, /^whsec_/);
    await shot(page, "integrations");
    await page
      .getByRole("button", { name: /Send a test event/ })
      .first()
      .click();
    assert.match(await page.locator(".flash.ok").innerText(), /Test event .* queued/);
    const until = Date.now() + 15_000;
    while (s.hooksReceived.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    assert.ok(s.hooksReceived.length >= 1, "the receiver got the test event");
    assert.match(s.hooksReceived[0].body, /webhook\.test/);
    // A receiver's check, with the standardwebhooks library and the real clock (300 s window).
    const [delivery] = s.hooksReceived;
    assert.equal(delivery.headers["webhook-id"], JSON.parse(delivery.body).id, "webhook-id is the event id");
    assert.equal(
      new Webhook(secret).verify(delivery.body, delivery.headers).type,
      "webhook.test",
      "signed delivery",
    );
    await page.reload();
    assert.ok((await page.locator("#deliveries tbody tr").count()) >= 1);
    await page.getByRole("button", { name: "Redeliver" }).first().click();
    assert.match(await page.locator(".flash.ok").innerText(), /queued again/);
    await shot(page, "webhook-deliveries");
  });

  await test("time zone choice changes how times are shown", async () => {
    await page.goto(url("/dashboard/transactions"));
    await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
    await page.getByRole("button", { name: "Set" }).click();
    await page.waitForURL(/\/dashboard\/transactions$/);
    assert.match(await page.locator("#transactions tbody tr td").first().innerText(), /GMT\+9/);
  });

  await test("works at phone width without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url("/dashboard"));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
    await shot(page, "overview-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await test("keyboard: the skip link is first and moves focus to the content", async () => {
    await page.goto(url("/dashboard"));
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    const unlabeled = await page.evaluate(
      () =>
        [...document.querySelectorAll("input:not([type=hidden]),select,textarea")].filter(
          (el) => !el.labels?.length && !el.getAttribute("aria-label"),
        ).length,
    );
    assert.equal(unlabeled, 0, "every field has a label");
  });

  await oauthTests({ test, page, s, shot });

  await test("sign-out ends the session", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/dashboard\/signin$/);
    await page.goto(url("/dashboard/approvals"));
    assert.match(page.url(), /\/dashboard\/signin$/);
  });

  await bot.close();
  // The suite leaves tracked files alone; `npm run screenshots` (UPDATE_DOC_SCREENSHOTS=1) refreshes docs/.
  if (process.env.UPDATE_DOC_SCREENSHOTS === "1") {
    mkdirSync(DOC_SHOTS, { recursive: true });
    for (const name of ["overview", "approvals", "transactions", "policies-error", "keys", "integrations"]) {
      copyFileSync(join(SHOTS, `${name}.png`), join(DOC_SHOTS, `${name}.png`));
    }
  }
} catch (err) {
  failed++;
  console.log(`not ok - setup\n  ${err?.stack ?? err}`);
} finally {
  await browser?.close();
  s.stop();
}
for (const n of notes) console.log(`# ${n}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
