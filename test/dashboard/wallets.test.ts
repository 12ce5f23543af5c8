// The Wallets page and what tollgate-pays adds to the other pages, driven through the Worker: create a
// wallet with caps, add methods whose key never comes back in any page, flash or API answer, remove one,
// disable and enable; the agent's pay mode; and "paid by" on transactions and approvals.
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, it } from "vitest";
import { api, insertApproval, insertTransaction, newAgent, newOrg } from "../admin/helpers";
import { type Page, post, request, signIn } from "./helpers";

type Org = { orgId: string; adminKey: string };
let a: Org;
let cookieA: string;

beforeAll(async () => {
  a = await newOrg("Wallet Co");
  cookieA = await signIn(a.adminKey);
});

const flashOf = (r: Page) => decodeURIComponent(decodeURIComponent(r.setCookie.join()));
const onWallets = (form: Record<string, string>, path: string) =>
  post(cookieA, path, form, "/dashboard/wallets");

async function walletNamed(name: string) {
  const list = await api("GET", "/org/wallets", { token: a.adminKey });
  return list.body.data.find((w: { name: string }) => w.name === name);
}

async function createWallet(name: string, caps: Record<string, string> = {}) {
  const r = await onWallets({ name, currency: "pathUSD", ...caps }, "/dashboard/wallets");
  expect(r.status).toBe(303);
  expect(flashOf(r)).toContain(`Created wallet ${name}.`);
  return walletNamed(name);
}

describe("wallets page", () => {
  it("creates a wallet with its caps and lists it with them", async () => {
    const w = await createWallet("ops", { daily: "5.00", total: "" });
    expect(w.caps).toMatchObject({ daily: { amount: "5000000", currency: "PATHUSD" }, total: null });
    const page = await request("GET", "/dashboard/wallets", { cookie: cookieA });
    expect(page.status).toBe(200);
    expect(page.html).toContain(`data-wallet="ops"`);
    expect(page.html).toContain("5.00 pathUSD");
    expect(page.html).toContain("No payment methods");
    const bad = await onWallets({ name: "nocap", currency: "pathUSD", daily: "abc" }, "/dashboard/wallets");
    expect(flashOf(bad)).toContain("caps.daily");
  });

  it("adds methods; the private key is in no page, flash or API answer, only its address", async () => {
    const w = await createWallet("keys");
    const key = generatePrivateKey();
    const address = privateKeyToAccount(key).address;
    const seen: string[] = [];
    const added = await onWallets(
      { kind: "x402-evm", privateKey: key },
      `/dashboard/wallets/${w.id}/methods`,
    );
    expect(added.status).toBe(303);
    expect(flashOf(added)).toContain(`address ${address}`);
    seen.push(added.html, flashOf(added));
    // The same key without its 0x, for the other EVM kind.
    const again = await onWallets(
      { kind: "mpp-evm", privateKey: key.slice(2) },
      `/dashboard/wallets/${w.id}/methods`,
    );
    seen.push(again.html, flashOf(again));
    const test = await onWallets({ kind: "mpp-test", privateKey: "" }, `/dashboard/wallets/${w.id}/methods`);
    seen.push(flashOf(test));
    const page = await request("GET", "/dashboard/wallets", { cookie: cookieA });
    seen.push(page.html);
    expect(page.html).toContain(address);
    expect(page.html).toContain("mpp-test");
    expect(page.html).toMatch(/type="password"/);
    const listed = await walletNamed("keys");
    expect(listed.methods.map((m: { kind: string }) => m.kind)).toEqual(["x402-evm", "mpp-evm", "mpp-test"]);
    seen.push(JSON.stringify(listed));
    for (const text of seen) expect(text.toLowerCase()).not.toContain(key.slice(2).toLowerCase());
  });

  it("refuses a malformed or out-of-range key without echoing it", async () => {
    const w = await createWallet("bad-keys");
    const malformed = "0xnot-a-key-0123456789";
    const r1 = await onWallets(
      { kind: "x402-evm", privateKey: malformed },
      `/dashboard/wallets/${w.id}/methods`,
    );
    expect(flashOf(r1)).toContain("privateKey");
    expect(flashOf(r1)).not.toContain(malformed);
    const outOfRange = `0x${"f".repeat(64)}`;
    const r2 = await onWallets(
      { kind: "mpp-evm", privateKey: outOfRange },
      `/dashboard/wallets/${w.id}/methods`,
    );
    expect(flashOf(r2)).toContain("not a valid secp256k1 key");
    expect(flashOf(r2)).not.toContain("f".repeat(64));
    const r3 = await onWallets({ kind: "paypal" }, `/dashboard/wallets/${w.id}/methods`);
    expect(flashOf(r3)).toContain("Choose a payment method kind");
    expect((await walletNamed("bad-keys")).methods).toEqual([]);
  });

  it("removes a method, disables and enables the wallet", async () => {
    const w = await createWallet("toggle");
    await onWallets({ kind: "mpp-test" }, `/dashboard/wallets/${w.id}/methods`);
    const [m] = (await walletNamed("toggle")).methods;
    const removed = await onWallets({}, `/dashboard/wallets/${w.id}/methods/${m.id}/delete`);
    expect(flashOf(removed)).toContain("Removed the payment method from toggle.");
    expect((await walletNamed("toggle")).methods).toEqual([]);
    const off = await onWallets({ status: "disabled" }, `/dashboard/wallets/${w.id}/status`);
    expect(flashOf(off)).toContain("Disabled wallet toggle.");
    expect((await walletNamed("toggle")).status).toBe("disabled");
    const page = await request("GET", "/dashboard/wallets", { cookie: cookieA });
    expect(page.html).toContain("Enable wallet");
    await onWallets({ status: "active" }, `/dashboard/wallets/${w.id}/status`);
    expect((await walletNamed("toggle")).status).toBe("active");
  });

  it("never touches another org's wallet", async () => {
    const b = await newOrg("Other Wallet Co");
    const cookieB = await signIn(b.adminKey);
    const w = await createWallet("mine");
    const r = await post(
      cookieB,
      `/dashboard/wallets/${w.id}/methods`,
      { kind: "mpp-test" },
      "/dashboard/wallets",
    );
    expect(flashOf(r)).toContain("Wallet not found");
    const off = await post(
      cookieB,
      `/dashboard/wallets/${w.id}/status`,
      { status: "disabled" },
      "/dashboard/wallets",
    );
    expect(flashOf(off)).toContain("Wallet not found");
    const mine = await walletNamed("mine");
    expect(mine).toMatchObject({ status: "active", methods: [] });
    const pageB = await request("GET", "/dashboard/wallets", { cookie: cookieB });
    expect(pageB.html).not.toContain(w.id);
  });
});

describe("tollgate-pays on the other pages", () => {
  it("sets an agent's pay mode and wallet, and refuses tollgate-pays without a wallet", async () => {
    const w = await createWallet("payer");
    const agentId = await newAgent(a.adminKey, "pay-mode-test");
    const path = `/dashboard/agents/${agentId}`;
    const page = await request("GET", path, { cookie: cookieA });
    expect(page.html).toMatch(/<option value="agent-pays" selected/);
    expect(page.html).toContain(`<option value="${w.id}">payer</option>`);
    const none = await post(cookieA, `${path}/payment`, { payMode: "tollgate-pays", walletId: "" }, path);
    expect(flashOf(none)).toContain("tollgate-pays needs a wallet");
    const ok = await post(cookieA, `${path}/payment`, { payMode: "tollgate-pays", walletId: w.id }, path);
    expect(flashOf(ok)).toContain("Tollgate pays");
    const agent = (await api("GET", `/org/agents/${agentId}`, { token: a.adminKey })).body;
    expect(agent).toMatchObject({ payMode: "tollgate-pays", walletId: w.id });
    const after = await request("GET", path, { cookie: cookieA });
    expect(after.html).toMatch(/<option value="tollgate-pays" selected/);
    expect(after.html).toContain(`<option value="${w.id}" selected="">payer</option>`);
  });

  it("shows the wallet that paid on transactions, and 'agent' when the agent paid", async () => {
    const w = await createWallet("tx-wallet");
    const paid = await insertTransaction(a.orgId, { tool: "wallet_paid_tool", walletId: w.id });
    const own = await insertTransaction(a.orgId, { tool: "agent_paid_tool" });
    const list = await request("GET", "/dashboard/transactions", { cookie: cookieA });
    const rowOf = (id: string) => new RegExp(`data-tx="${id}"[\\s\\S]*?</tr>`).exec(list.html)?.[0] ?? "";
    expect(rowOf(paid)).toContain("wallet tx-wallet");
    expect(rowOf(own)).toMatch(/class="paid-by">agent</);
    const detail = await request("GET", `/dashboard/transactions/${paid}`, { cookie: cookieA });
    expect(detail.html).toMatch(/id="paid-by"><a href="\/dashboard\/wallets#[^"]+">wallet tx-wallet<\/a>/);
    const api1 = await api("GET", `/org/transactions/${paid}`, { token: a.adminKey });
    expect(api1.body.walletId).toBe(w.id);
    expect((await api("GET", `/org/transactions/${own}`, { token: a.adminKey })).body.walletId).toBeNull();
    const csv = await request("GET", "/dashboard/transactions.csv", { cookie: cookieA });
    expect(csv.html.split("\r\n")[0]).toMatch(/,wallet_id$/);
    expect(csv.html).toContain(`,${w.id}\r\n`);
  });

  it("shows on an approval which wallet will pay for the call", async () => {
    const w = await createWallet("approval-wallet");
    const agentId = await newAgent(a.adminKey, "approval-payer", {
      payMode: "tollgate-pays",
      walletId: w.id,
    });
    const id = await insertApproval(a.orgId, agentId, { tool: "wallet_approval_tool" });
    const list = await request("GET", "/dashboard/approvals", { cookie: cookieA });
    const row = new RegExp(`data-approval="${id}"[\\s\\S]*?</tr>`).exec(list.html)?.[0] ?? "";
    expect(row).toContain("wallet approval-wallet");
    const detail = await request("GET", `/dashboard/approvals/${id}`, { cookie: cookieA });
    expect(detail.html).toContain("wallet approval-wallet");
  });
});
