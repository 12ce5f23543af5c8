// Signed decision receipts end to end: the ledger chains one receipt per final decision, signs at
// flush, the admin API returns them with transactions and exports them as JSONL, and the offline
// verifier (the CLI's) checks signatures against the public JWKS and the chain.
import { env, exports } from "cloudflare:workers";
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { receiptIdFor } from "../../src/ledger/receipts";
import { verifyExport } from "../../src/receipts/verify-export";
import { api, newOrg } from "../admin/helpers";
import { line, T0, tx, uid } from "../ledger/helpers";

async function jwksOf(orgId: string): Promise<JSONWebKeySet> {
  const res = await exports.default.fetch(`https://gw.test/.well-known/jwks/${orgId}.json`);
  expect(res.status).toBe(200);
  return res.json();
}

async function exportLines(
  adminKey: string,
  from = T0 - 86_400_000,
  to = T0 + 86_400_000,
): Promise<string[]> {
  const res = await exports.default.fetch(`https://gw.test/api/v1/org/audit/export?from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/x-ndjson");
  return new TextDecoder()
    .decode(await res.arrayBuffer())
    .split("\n")
    .filter((l) => l !== "");
}

/** Five final decisions: allowed, committed, released, a refused reserve, an expired hold. */
async function decide(orgId: string) {
  const stub = ledgerFor(env, orgId);
  const free = tx(orgId, uid("tx"), { kind: "free", amount: null, currency: null, decimals: null });
  await stub.record({ tx: free, now: T0 });
  const day = line({ key: "day", limit: "250", unit: "USD/6" });
  const paid = tx(orgId, uid("tx"), { status: "reserved" });
  await stub.reserve({ idempotencyKey: paid.id, lines: [day], ttlMs: 60_000, now: T0 + 1, tx: paid });
  await stub.commit({ reservationId: paid.id, now: T0 + 2, receiptRef: "pay_1" });
  const dropped = tx(orgId, uid("tx"), { status: "reserved" });
  await stub.reserve({ idempotencyKey: dropped.id, lines: [day], ttlMs: 60_000, now: T0 + 3, tx: dropped });
  await stub.release({ reservationId: dropped.id, reason: "tool_failed", now: T0 + 4 });
  const big = tx(orgId, uid("tx"), { status: "reserved", amount: "200" });
  await stub.reserve({
    idempotencyKey: big.id,
    lines: [{ ...day, amount: "200" }],
    ttlMs: 60_000,
    now: T0 + 5,
    tx: big,
  });
  const late = tx(orgId, uid("tx"), { status: "reserved", amount: "1" });
  await stub.reserve({
    idempotencyKey: late.id,
    lines: [{ ...day, amount: "1" }],
    ttlMs: 1_000,
    now: T0 + 6,
    tx: late,
  });
  await stub.sweep({ now: T0 + 10_000 });
  await stub.flush();
  return { stub, ids: [free.id, paid.id, dropped.id, big.id, late.id] };
}

describe("signed decision receipts", () => {
  it("chain every final decision in order and verify against the org's JWKS", async () => {
    const { orgId, adminKey } = await newOrg();
    const { ids } = await decide(orgId);
    const lines = await exportLines(adminKey);
    const rows = lines.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.txId)).toEqual(ids);
    expect(rows.map((r) => r.status)).toEqual(["allowed", "committed", "released", "denied", "expired"]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0].prevHash).toBeNull();

    // Each JWS verifies with plain jose against the published keys; bodies carry the facts.
    const keys = createLocalJWKSet(await jwksOf(orgId));
    const bodies = [];
    for (const r of rows) {
      const { payload, protectedHeader } = await compactVerify(r.jws, keys);
      expect(protectedHeader).toMatchObject({ alg: "EdDSA", kid: r.kid, typ: "tollgate-receipt+jws" });
      bodies.push(JSON.parse(new TextDecoder().decode(payload)));
    }
    for (let i = 1; i < rows.length; i++) expect(bodies[i].prev).toBe(rows[i - 1].hash);
    expect(bodies[1]).toMatchObject({
      id: receiptIdFor(ids[1]!),
      org: orgId,
      tx: ids[1],
      tool: "search",
      decision: "allow",
      status: "committed",
      price: { amount: "100", currency: "USD", decimals: 6 },
      committed: "100",
      paymentReceipt: "pay_1",
      balances: [{ key: "day", limit: "250", committed: "100", reserved: "0", remaining: "150" }],
      decidedAt: T0 + 2,
    });
    // The refused reserve names the line that was full and how it stood.
    expect(bodies[3]).toMatchObject({
      status: "denied",
      reasonCode: "budget_exceeded",
      balances: [{ key: "day", committed: "100", remaining: "150" }],
    });
    const report = await verifyExport(lines, await jwksOf(orgId));
    expect(report).toMatchObject({ ok: true, rows: 5, firstBad: null });
    expect(report.chains).toEqual([
      { chain: orgId, firstSeq: 1, lastSeq: 5, rows: 5, anchoredAtGenesis: true },
    ]);
    // The deployment-wide JWKS holds the same key.
    const all = await (
      await exports.default.fetch("https://gw.test/.well-known/jwks.json")
    ).json<JSONWebKeySet>();
    expect(all.keys.map((k) => k.kid)).toContain(rows[0].kid);
    expect(JSON.stringify(all)).not.toMatch(/"d":/);
  });

  it("return receipts with their transactions in the admin API", async () => {
    const { orgId, adminKey } = await newOrg();
    const { ids } = await decide(orgId);
    const one = await api("GET", `/org/transactions/${ids[1]}`, { token: adminKey });
    expect(one.status).toBe(200);
    expect(one.body.receipts).toHaveLength(1);
    expect(one.body.receipts[0]).toMatchObject({ id: receiptIdFor(ids[1]!), status: "committed", seq: 2 });
    const page = await api("GET", "/org/transactions?limit=10", { token: adminKey });
    expect(page.body.data.every((t: { receipts: unknown[] }) => t.receipts.length === 1)).toBe(true);
  });

  it("detect a tampered, dropped or reordered row, naming the first bad one", async () => {
    const { orgId, adminKey } = await newOrg();
    await decide(orgId);
    const lines = await exportLines(adminKey);
    const jwks = await jwksOf(orgId);

    // A changed amount inside the signed payload: the signature fails on that row.
    const forged = JSON.parse(lines[1]!);
    const [h, p, s] = forged.jws.split(".");
    const body = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    body.committed = "1";
    const p2 = btoa(JSON.stringify(body)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const tampered = [...lines];
    tampered[1] = JSON.stringify({ ...forged, jws: `${h}.${p2}.${s}` });
    const r1 = await verifyExport(tampered, jwks);
    expect(r1.ok).toBe(false);
    expect(r1.firstBad).toMatchObject({ line: 2, id: forged.id, problem: "signature does not verify" });

    // A row removed: the chain breaks at the row after the gap.
    const r2 = await verifyExport([lines[0]!, lines[2]!, lines[3]!, lines[4]!], jwks);
    expect(r2.firstBad).toMatchObject({ line: 2, problem: expect.stringContaining("seq 3 follows 1") });

    // A visible field edited (status) while the JWS is intact.
    const edited = [...lines];
    edited[3] = JSON.stringify({ ...JSON.parse(lines[3]!), status: "committed" });
    expect((await verifyExport(edited, jwks)).firstBad).toMatchObject({
      line: 4,
      problem: "row fields differ from the signed body",
    });

    // Another org's keys do not verify this org's receipts.
    const other = await newOrg();
    expect((await verifyExport(lines, await jwksOf(other.orgId))).firstBad?.problem).toMatch(/no key/);
  });

  it("keep old receipts verifiable after a key rotation", async () => {
    const { orgId, adminKey } = await newOrg();
    await decide(orgId);
    const before = await api("GET", "/org/signing-keys", { token: adminKey });
    expect(before.body.data).toHaveLength(1);
    const rotated = await api("POST", "/org/signing-keys/rotate", { token: adminKey });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.map((k: { status: string }) => k.status)).toEqual(["retired", "active"]);
    const stub = ledgerFor(env, orgId);
    await stub.record({ tx: tx(orgId, uid("tx"), { kind: "free" }), now: T0 + 20_000 });
    await stub.flush();
    const lines = await exportLines(adminKey);
    const kids = lines.map((l) => JSON.parse(l).kid);
    expect(new Set(kids).size).toBe(2);
    expect(kids[5]).toBe(rotated.body.data[1].kid);
    const report = await verifyExport(lines, await jwksOf(orgId));
    expect(report).toMatchObject({ ok: true, rows: 6 });
  });

  it("bound the export period and check its parameters", async () => {
    const { adminKey } = await newOrg();
    const r = await api("GET", `/org/audit/export?from=0&to=${40 * 86_400_000}`, { token: adminKey });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe("to");
  });
});
