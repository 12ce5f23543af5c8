// Offline check of an audit export (JSONL of receipts, GET {org}/audit/export): every JWS against the
// JWKS, every row's visible fields against its signed body, sha256(payload) = hash, and each chain
// continuous (seq + 1, prev = the previous receipt's hash). The CLI (`tollgate verify`) bundles this.
import { compactVerify, createLocalJWKSet, errors, type JSONWebKeySet } from "jose";
import { z } from "zod";
import { hex } from "../auth/encoding";
import { RECEIPT_JWS_TYP } from "./sign";

export const ExportRow = z.object({
  id: z.string(),
  chain: z.string(),
  seq: z.number().int().positive(),
  txId: z.string(),
  status: z.string(),
  kid: z.string(),
  hash: z.string(),
  prevHash: z.string().nullable(),
  decidedAt: z.number(),
  jws: z.string(),
});
export type ExportRow = z.infer<typeof ExportRow>;

const Body = z.object({
  typ: z.literal("tollgate.receipt"),
  id: z.string(),
  chain: z.string(),
  seq: z.number().int().positive(),
  prev: z.string().nullable(),
  tx: z.string(),
  status: z.string(),
  decidedAt: z.number(),
});

export type Problem = { line: number; id: string | null; problem: string };
export type ChainSummary = {
  chain: string;
  firstSeq: number;
  lastSeq: number;
  rows: number;
  anchoredAtGenesis: boolean;
};
export type VerifyReport = {
  ok: boolean;
  rows: number;
  chains: ChainSummary[];
  firstBad: Problem | null;
  problems: Problem[];
};

async function sha256(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
}

type Checked = { row: ExportRow; body: z.infer<typeof Body>; hash: string };

/** One row: parse, signature, body = visible fields. Returns the problem text, or the checked row. */
async function checkRow(text: string, keys: ReturnType<typeof createLocalJWKSet>): Promise<Checked | string> {
  let row: ExportRow;
  try {
    const parsed = ExportRow.safeParse(JSON.parse(text));
    if (!parsed.success) return `not an export row: ${parsed.error.issues[0]?.path.join(".")}`;
    row = parsed.data;
  } catch {
    return "not JSON";
  }
  let payload: Uint8Array;
  try {
    const v = await compactVerify(row.jws, keys, { algorithms: ["EdDSA", "Ed25519"] });
    if (v.protectedHeader.typ !== RECEIPT_JWS_TYP) return `JWS typ is ${v.protectedHeader.typ}`;
    if (v.protectedHeader.kid !== row.kid) return "kid differs from the JWS header";
    payload = v.payload;
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) return `no key ${row.kid} in the JWKS`;
    return "signature does not verify";
  }
  const body = Body.safeParse(JSON.parse(new TextDecoder().decode(payload)));
  if (!body.success) return "signed body is not a receipt";
  const b = body.data;
  const hash = await sha256(payload);
  if (hash !== row.hash) return "hash is not sha256 of the signed payload";
  const same =
    b.id === row.id &&
    b.chain === row.chain &&
    b.seq === row.seq &&
    b.tx === row.txId &&
    b.status === row.status &&
    b.decidedAt === row.decidedAt &&
    b.prev === row.prevHash;
  if (!same) return "row fields differ from the signed body";
  return { row, body: b, hash };
}

/** Verify every line of an export (blank lines skipped). The first problem is `firstBad`. */
export async function verifyExport(lines: string[], jwks: JSONWebKeySet): Promise<VerifyReport> {
  const keys = createLocalJWKSet(jwks);
  const problems: Problem[] = [];
  const chains = new Map<string, ChainSummary & { lastHash: string }>();
  let rows = 0;
  for (const [i, text] of lines.entries()) {
    if (text.trim() === "") continue;
    rows += 1;
    const line = i + 1;
    const c = await checkRow(text, keys);
    if (typeof c === "string") {
      problems.push({ line, id: idOf(text), problem: c });
      continue;
    }
    const prior = chains.get(c.row.chain);
    if (!prior) {
      if (c.body.seq === 1 && c.body.prev !== null)
        problems.push({ line, id: c.row.id, problem: "genesis receipt has a prev hash" });
      chains.set(c.row.chain, {
        chain: c.row.chain,
        firstSeq: c.body.seq,
        lastSeq: c.body.seq,
        rows: 1,
        anchoredAtGenesis: c.body.seq === 1,
        lastHash: c.hash,
      });
      continue;
    }
    if (c.body.seq !== prior.lastSeq + 1)
      problems.push({
        line,
        id: c.row.id,
        problem: `chain ${c.row.chain}: seq ${c.body.seq} follows ${prior.lastSeq}`,
      });
    else if (c.body.prev !== prior.lastHash)
      problems.push({
        line,
        id: c.row.id,
        problem: `chain ${c.row.chain}: prev is not the hash of seq ${prior.lastSeq}`,
      });
    prior.lastSeq = c.body.seq;
    prior.lastHash = c.hash;
    prior.rows += 1;
  }
  return {
    ok: problems.length === 0,
    rows,
    chains: [...chains.values()].map(({ lastHash: _h, ...s }) => s),
    firstBad: problems[0] ?? null,
    problems,
  };
}

function idOf(text: string): string | null {
  try {
    const v = JSON.parse(text) as { id?: unknown };
    return typeof v.id === "string" ? v.id : null;
  } catch {
    return null;
  }
}
