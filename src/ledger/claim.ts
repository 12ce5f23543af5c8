// Offer bindings: a reservation made for a payment challenge names the offer keys a paid retry may
// present, and `claim` matches one retry to one reservation, once, for the same agent and tool.
import type { AttachOffersResult, ClaimResult } from "./results";
import type { LedgerStore } from "./store";
import type { OfferBind } from "./types";

/** Store one binding per distinct offer key (same transaction as the successful reservation). */
export function bindOffers(store: LedgerStore, reservationId: string, bind: OfferBind, now: number): void {
  for (const key of new Set(bind.offerKeys)) {
    store.sql.exec(
      `INSERT INTO offer_bindings (offer_key, agent_id, reservation_id, tool, created_at)
       VALUES (?, ?, ?, ?, ?)`,
      key,
      bind.agentId,
      reservationId,
      bind.tool,
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
  claimed_at: number | null;
  status: string;
  expires_at: number;
};

const live = (c: Candidate, now: number) =>
  c.claimed_at === null && c.status === "active" && c.expires_at > now;

/**
 * Claim the oldest live binding of `offerKey` for this agent and tool. Another agent's bindings
 * are invisible (answer "unknown"). The caller has already expired due holds at `now`.
 */
export function claimOp(
  store: LedgerStore,
  input: { offerKey: string; tool: string; agentId: string; now: number },
): ClaimResult {
  const { offerKey, tool, agentId, now } = input;
  // Live bindings first, so a key shared by many settled x402 reservations stays one short read.
  const pick = store.sql
    .exec<{ reservation_id: string }>(
      `SELECT b.reservation_id FROM offer_bindings b JOIN reservations r ON r.id = b.reservation_id
       WHERE b.offer_key = ? AND b.agent_id = ? AND b.tool = ? AND b.claimed_at IS NULL
         AND r.status = 'active' AND r.expires_at > ?
       ORDER BY b.created_at, b.seq LIMIT 1`,
      offerKey,
      agentId,
      tool,
      now,
    )
    .toArray()[0];
  if (pick) {
    // Every key of the reservation is spent: an MPP reservation bound to several challenge ids
    // must not be claimable again through a sibling id.
    store.sql.exec(
      "UPDATE offer_bindings SET claimed_at = ? WHERE reservation_id = ?",
      now,
      pick.reservation_id,
    );
    store.journal("claim", pick.reservation_id, now, [], { offerKey, tool, agentId });
    // The lines come back so the caller can price a partial commit without another round trip.
    const lines = store
      .lines(pick.reservation_id)
      .map((l) => ({ key: l.scope_key, unit: l.unit, kind: l.kind, amount: l.amount }));
    return { ok: true, reservationId: pick.reservation_id, offerKey, lines };
  }
  return { ok: false, reason: whyNot(store, offerKey, agentId, now) };
}

function whyNot(store: LedgerStore, offerKey: string, agentId: string, now: number) {
  const candidates = store.sql
    .exec<Candidate>(
      `SELECT b.reservation_id, b.tool, b.claimed_at, r.status, r.expires_at
       FROM offer_bindings b JOIN reservations r ON r.id = b.reservation_id
       WHERE b.offer_key = ? AND b.agent_id = ? ORDER BY b.created_at, b.seq`,
      offerKey,
      agentId,
    )
    .toArray();
  if (candidates.length === 0) return "unknown";
  if (candidates.some((c) => live(c, now))) return "tool_mismatch";
  const lapsed = (c: Candidate) =>
    c.claimed_at === null && (c.status === "expired" || (c.status === "active" && c.expires_at <= now));
  return candidates.some(lapsed) ? "expired" : "used";
}
