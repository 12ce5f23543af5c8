// One delivery attempt: re-check the URL (SSRF guard), sign the stored payload at send time (Standard
// Webhooks headers), POST it without following redirects, and report status/error/duration. Never throws.
import { checkOutboundUrl } from "../net/private-address";
import { EVENT_TYPE_HEADER, type SignedHeaders, signWebhook } from "./sign";

export const DELIVERY_TIMEOUT_MS = 10_000;
export const USER_AGENT = "Tollgate-Webhooks/1";

export type SendInput = {
  url: string;
  secret: string;
  /** The `webhook-id`: the same on every retry and redelivery, so receivers dedupe on it. */
  eventId: string;
  eventType: string;
  payload: string;
  /** Epoch ms of this attempt: the signature timestamp. */
  now: number;
  allowPrivate: boolean;
};

export type SendOutcome = {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** Refused before any request (the URL, or a secret that cannot sign): retrying cannot help. */
  refused: boolean;
};

export async function sendWebhook(input: SendInput): Promise<SendOutcome> {
  const check = checkOutboundUrl(input.url, input.allowPrivate);
  if (!check.ok) {
    return { ok: false, status: null, error: `url refused: ${check.reason}`, durationMs: 0, refused: true };
  }
  let signed: SignedHeaders;
  try {
    signed = await signWebhook(input.secret, input.eventId, input.payload, Math.floor(input.now / 1000));
  } catch (err) {
    // A secret that is not whsec_<base64 key> cannot be fixed by retrying; the message never names it.
    const error = `not signed: ${err instanceof RangeError ? err.message : "signing failed"}`;
    return { ok: false, status: null, error, durationMs: 0, refused: true };
  }
  const started = Date.now();
  try {
    const response = await fetch(check.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        ...signed,
        [EVENT_TYPE_HEADER]: input.eventType,
      },
      body: input.payload,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    // The body is never read: cancel it so the connection is released.
    await response.body?.cancel().catch(() => {});
    const durationMs = Date.now() - started;
    const ok = response.status >= 200 && response.status < 300;
    const error = ok
      ? null
      : response.status >= 300 && response.status < 400
        ? `redirect not followed (HTTP ${response.status})`
        : `HTTP ${response.status}`;
    return { ok, status: response.status, error, durationMs, refused: false };
  } catch (err) {
    const durationMs = Date.now() - started;
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const error = timedOut ? `timeout after ${DELIVERY_TIMEOUT_MS} ms` : `network error: ${describe(err)}`;
    return { ok: false, status: null, error, durationMs, refused: false };
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.slice(0, 300);
}
