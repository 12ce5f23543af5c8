// tollgate-pays: the agent never sees a challenge. Tollgate picks the cheapest offer the wallet can
// pay and the policy allows, reserves it with the wallet's caps, signs with the org wallet, and
// sends the paid retry itself through the same claim and settlement an agent's retry takes.
// walletPays is the part tollgate_fetch shares (its credential goes in an HTTP header).
// No credential made: the hold is released. A credential sent: the answer settles it.
import { extractCredential, type Offer } from "../payments";
import type { TenantWallet } from "../services/tenant";
import { walletKeyring } from "../services/wallets";
import {
  chooseOffer,
  decryptSecret,
  type PaidCredential,
  parseMethodSecretText,
  payOffer,
  type Transport,
  walletCapLines,
} from "../wallets";
import type { CallTarget } from "./call-target";
import type { GatewayCtx } from "./context";
import { evaluateCall } from "./decide";
import { type Denial, type DenialReason, denialError } from "./denial";
import { settle } from "./ledger-calls";
import { walletRetry } from "./paid-retry";
import { holdOffer, type PricedCall } from "./priced";
import { refuse } from "./refuse";

export async function tollgatePays(
  g: GatewayCtx,
  p: PricedCall,
  target: CallTarget,
  wallet: TenantWallet | null,
): Promise<unknown> {
  const paid = await walletPays(g, p, wallet, { transport: "mcp" });
  if (!paid.ok) return paid.answer;
  const body = withCredential(target.upstreamBody, paid.credential);
  const credential = extractCredential(JSON.parse(body));
  if (!credential) {
    await settle(g, paid.holdId, { commit: false, reason: "wallet_credential_unreadable" });
    return denialError(p.id, unreadableCredential(p.call.txId));
  }
  return walletRetry(g, p.id, { ...target, upstreamBody: body }, credential, p.emit);
}

export type WalletPaid =
  | { ok: true; holdId: string; offer: Offer; credential: PaidCredential }
  | { ok: false; answer: unknown };

/**
 * The wallet's half of paying one challenge, whatever carries the credential: the cheapest offer the
 * wallet can pay and the policy allows, held with the wallet's caps, then signed. A refusal or a
 * failed signature answers with the denial (the hold released: nothing left Tollgate).
 */
export async function walletPays(
  g: GatewayCtx,
  p: PricedCall,
  wallet: TenantWallet | null,
  how: { transport: Transport; resource?: unknown },
): Promise<WalletPaid> {
  const { id, call } = p;
  const now = Date.now();
  const denial = (reason: DenialReason, message: string): Denial => ({
    reason,
    message,
    source: "gateway",
    transactionId: call.txId,
  });
  const deny = async (reason: DenialReason, message: string) => ({
    ok: false as const,
    answer: await refuse(g, id, call, { denial: denial(reason, message), kind: "payment" }),
  });
  if (!wallet?.active || wallet.methods.length === 0) {
    return deny(
      "wallet_unavailable",
      "this agent pays through Tollgate, but its wallet is missing, disabled or has no payment method.",
    );
  }
  const choice = chooseOffer({
    offers: p.challenge.payment.offers,
    methods: wallet.methods,
    now,
    quoteCurrency: wallet.caps.currency,
    rates: g.tenant.conversions,
    denies: (offer) => hardDenial(g, p, offer, now),
  });
  if (!choice.ok) return deny("no_payable_offer", `the wallet cannot pay this call: ${choice.message}.`);
  const { offer } = choice;
  const price = { amount: offer.amount, currency: offer.currency!, decimals: offer.decimals! };
  const caps = walletCapLines(wallet, price, g.tenant.conversions);
  if (!caps.ok) return deny("currency_unconvertible", caps.message);
  const held = await holdOffer(g, p, {
    offer,
    covered: [offer],
    now,
    extraLines: caps.lines,
    walletId: wallet.id,
  });
  if (!held.ok) return held;

  const method = wallet.methods.find((m) => m.id === choice.methodId)!;
  const signed = await sign(g, { wallet, method, offer, now, ...how });
  if (!signed.ok) {
    // Nothing left Tollgate: no money can have moved, so the hold is released.
    await settle(g, held.holdId, { commit: false, reason: `wallet_${signed.code}` });
    return {
      ok: false,
      answer: denialError(
        id,
        denial("payment_failed", `the wallet could not pay: ${signed.message}. Nothing was paid.`),
      ),
    };
  }
  return { ok: true, holdId: held.holdId, offer, credential: signed.credential };
}

/** The wallet's credential did not read back as one credential: never sent. */
export function unreadableCredential(txId: string): Denial {
  return {
    reason: "payment_failed",
    message: "the wallet's credential could not be read back. Nothing was paid.",
    source: "gateway",
    transactionId: txId,
  };
}

/** A policy or mandate refusal at this offer's price (approvals are asked later, for the chosen one). */
function hardDenial(g: GatewayCtx, p: PricedCall, offer: Offer, now: number): string | null {
  if (offer.currency === null || offer.decimals === null) return "the offer's price is unknown";
  const price = { amount: offer.amount, currency: offer.currency, decimals: offer.decimals };
  const vendor = p.vendor ?? offer.recipient ?? offer.realm ?? p.vendorDefault;
  const d = evaluateCall(g, p.call, { price, vendor, now });
  return d.action === "deny" && !d.shadow ? (d.denial?.message ?? "the policy refuses it") : null;
}

type Signed = { ok: true; credential: PaidCredential } | { ok: false; code: string; message: string };

/** Opens the method's sealed secret only for this signature; the secret never leaves this function. */
async function sign(
  g: GatewayCtx,
  s: {
    wallet: TenantWallet;
    method: TenantWallet["methods"][number];
    offer: Offer;
    now: number;
    transport: Transport;
    resource?: unknown;
  },
): Promise<Signed> {
  const { wallet, method, offer, now } = s;
  let keyring: ReturnType<typeof walletKeyring>;
  try {
    keyring = walletKeyring(g.env);
  } catch {
    return { ok: false, code: "not_configured", message: "wallets are not configured on this deployment" };
  }
  const binding = { orgId: g.tenant.orgId, walletId: wallet.id, methodId: method.id };
  const opened = await decryptSecret(keyring, binding, method.envelope);
  if (!opened.ok)
    return { ok: false, code: opened.code, message: "the payment method's secret cannot be opened" };
  const secret = parseMethodSecretText(opened.plaintext);
  if (!secret.ok)
    return { ok: false, code: "invalid_secret", message: "the payment method's secret is not valid" };
  const paid = await payOffer({
    offer,
    secret: secret.secret,
    now,
    transport: s.transport,
    ...(s.resource !== undefined && s.resource !== null ? { resource: s.resource } : {}),
  });
  return paid.ok
    ? { ok: true, credential: paid.credential }
    : { ok: false, code: paid.code, message: paid.message };
}

/** The upstream request with the credential where MCP carries it: `params._meta[key]`. */
function withCredential(upstreamBody: string, credential: PaidCredential): string {
  if (credential.where !== "params._meta") throw new Error("an MCP retry carries its credential in _meta");
  const req = JSON.parse(upstreamBody) as { params?: { _meta?: Record<string, unknown> } };
  const params = req.params ?? {};
  return JSON.stringify({
    ...req,
    params: { ...params, _meta: { ...(params._meta ?? {}), [credential.key]: credential.value } },
  });
}
