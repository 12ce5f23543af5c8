// Offer bindings: a reservation made for a payment challenge names the offers a paid retry may pay
// and the call they were judged for (agent, tool, arguments, session). `claim` matches one retry to
// one reservation, once, and only when the retry is that call and its credential pays those terms.
import { type Credential, credentialMismatch, parseOfferTerms } from "../payments";
import type { AttachOffersResult, ClaimRefusal, ClaimResult } from "./results";
import type { LedgerStore } from "./store";
import type { OfferBind } from "./types";

/** Store one binding per distinct offer key (same transaction as the successful reservation). */
export function bindOffers(store: LedgerStore, reservationId: string, bind: OfferBind, now: number): void {
  for (const offer of bind.offers) {
    // The first offer with a key wins (the budgeted one comes first); x402 v1 keys can repeat.
    store.sql.exec(
      `INSERT OR IGNORE INTO offer_bindings
         (offer_key, agent_id, reservation_id, tool, args_hash, session_id, terms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      offer.key,
      bind.agentId,
      reservationId,
      bind.tool,
      bind.argsHash,
      bind.sessionId,
      offer.terms,
      now,
    );
  }
}

/**
 * Bind offers to a reservation made earlier (an approval hold). Only an active, unexpired reservation
 * with no bindings yet qualifies, so one hold serves one challenge. The caller has expired due holds.
 */
export function attachOffersOp(
  store: LedgerStore,
  input: { reservationId: string; bind: OfferBind; now: number },
): AttachOffersResult {
  const r = store.reservation(input.reservationId);
  if (!r) return { ok: false, reason: "not_found" };
  if (r.status === "expired" || (r.status === "active" && r.expires_at <= input.now)) {
    return { ok: false, reason: "expired" };
  }
  if (r.status !== "active") return { ok: false, reason: "not_active" };
  const bound = store.sql
    .exec<{ n: number }>(
      "SELECT COUNT(*) AS n FROM offer_bindings WHERE reservation_id = ?",
      input.reservationId,
    )
    .one();
  if (bound.n > 0) return { ok: false, reason: "already_bound" };
  bindOffers(store, input.reservationId, input.bind, input.now);
  return { ok: true };
}

type Candidate = {
  reservation_id: string;
  tool: string;
  args_hash: string;
  session_id: string | null;
  terms: string;
  claimed_at: number | null;
  status: string;
  expires_at: number;
};

export type ClaimRequest = {
  offerKey: string;
  tool: string;
  agentId: string;
  argsHash: string;
  sessionId: string | null;
  credential: Credential;
  holdMs: number;
  now: number;
};

/**
 * Claim the oldest live binding of `offerKey` for this agent whose call and terms the retry matches.
 * Another agent's bindings are invisible ("unknown"). A refusal claims nothing, so the hold stays for
 * the real retry. The caller has already expired due holds at `now`.
 */
export function claimOp(store: LedgerStore, input: ClaimRequest): ClaimResult {
  const { offerKey, agentId, now } = input;
  // Live bindings first, so a key shared by many settled x402 reservations stays one short read.
  const open = store.sql
    .exec<Candidate>(
      `SELECT b.reservation_id, b.tool, b.args_hash, b.session_id, b.terms, b.claimed_at, r.status, r.expires_at
       FROM offer_bindings b JOIN reservations r ON r.id = b.reservation_id
       WHERE b.offer_key = ? AND b.agent_id = ? AND b.claimed_at IS NULL
         AND r.status = 'active' AND r.expires_at > ?
       ORDER BY b.created_at, b.seq LIMIT 64`,
      offerKey,
      agentId,
      now,
    )
    .toArray();
  if (open.length === 0) return { ok: false, reason: whyNot(store, offerKey, agentId, now) };
  // Narrow step by step, so a refusal names the first thing the retry got wrong.
  const steps: [ClaimRefusal, (c: Candidate) => boolean][] = [
    ["tool_mismatch", (c) => c.tool === input.tool],
    ["arguments_mismatch", (c) => c.args_hash === input.argsHash],
    ["session_mismatch", (c) => c.session_id === input.sessionId],
  ];
  let pool = open;
  for (const [reason, keep] of steps) {
    pool = pool.filter(keep);
    if (pool.length === 0) return { ok: false, reason };
  }
  let detail = "the bound offer's terms cannot be read";
  const pick = pool.find((c) => {
    const offer = parseOfferTerms(c.terms);
    const why = offer ? credentialMismatch(input.credential, offer, now) : detail;
    if (why !== null) detail = why;
    return why === null;
  });
  if (!pick) return { ok: false, reason: "credential_mismatch", detail };

  const id = pick.reservation_id;
  // Every key of the reservation is spent: an MPP reservation bound to several challenge ids
  // must not be claimable again through a sibling id.
  store.sql.exec("UPDATE offer_bindings SET claimed_at = ? WHERE reservation_id = ?", now, id);
  // The credential has left: the hold must outlive a slow settlement, and if nothing settles it,
  // its expiry commits it unconfirmed (settle.ts expireDue), never releases it.
  const expiresAt = Math.max(pick.expires_at, now + input.holdMs);
  store.sql.exec("UPDATE reservations SET claimed_at = ?, expires_at = ? WHERE id = ?", now, expiresAt, id);
  store.noteExpiry(expiresAt);
  store.journal("claim", id, now, [], { offerKey, tool: input.tool, agentId, expiresAt });
  // The lines come back so the caller can price a partial commit without another round trip.
  const lines = store
    .lines(id)
    .map((l) => ({ key: l.scope_key, unit: l.unit, kind: l.kind, amount: l.amount }));
  return { ok: true, reservationId: id, offerKey, terms: pick.terms, expiresAt, lines };
}

function whyNot(store: LedgerStore, offerKey: string, agentId: string, now: number): ClaimRefusal {
  const recent = store.sql
    .exec<Candidate>(
      `SELECT b.reservation_id, b.tool, b.args_hash, b.session_id, b.terms, b.claimed_at, r.status, r.expires_at
       FROM offer_bindings b JOIN reservations r ON r.id = b.reservation_id
       WHERE b.offer_key = ? AND b.agent_id = ? ORDER BY b.created_at DESC, b.seq DESC LIMIT 16`,
      offerKey,
      agentId,
    )
    .toArray();
  if (recent.length === 0) return "unknown";
  const lapsed = (c: Candidate) =>
    c.claimed_at === null && (c.status === "expired" || (c.status === "active" && c.expires_at <= now));
  return recent.some(lapsed) ? "expired" : "used";
}
