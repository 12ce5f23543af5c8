// Gateway session ids: a signed token carrying the agent and each upstream's own session id, so
// any isolate can serve any request without server-side session state.
import { z } from "zod";

const Payload = z.object({
  v: z.literal(1),
  o: z.string(),
  a: z.string(),
  /** The gateway session's own id: the key of session-scoped budgets. */
  n: z.string(),
  /** upstream id -> that upstream's Mcp-Session-Id */
  u: z.record(z.string(), z.string()),
  /** The client declared the elicitation capability: approvals may be asked inline. */
  e: z.boolean().optional(),
});
export type SessionPayload = z.infer<typeof Payload>;

const PREFIX = "tgs1.";
const keyCache = new Map<string, Promise<CryptoKey>>();
let fallbackSecret: string | null = null;

function secretOf(secret: string | undefined): string {
  if (secret) return secret;
  // Without SESSION_SECRET sessions only survive within one isolate; README says to set it.
  fallbackSecret ??= crypto.randomUUID() + crypto.randomUUID();
  return fallbackSecret;
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keyCache.set(secret, key);
  }
  return key;
}

export async function signSession(payload: SessionPayload, secret: string | undefined): Promise<string> {
  const body = b64url(new TextEncoder().encode(JSON.stringify(payload)));
  const sig = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secretOf(secret)),
    new TextEncoder().encode(body),
  );
  return `${PREFIX}${body}.${b64url(new Uint8Array(sig))}`;
}

export async function verifySession(
  token: string,
  secret: string | undefined,
): Promise<SessionPayload | null> {
  if (!token.startsWith(PREFIX) || token.length > 4096) return null;
  const [body, sig] = token.slice(PREFIX.length).split(".");
  if (!body || !sig) return null;
  const sigBytes = fromB64url(sig);
  if (!sigBytes) return null;
  const ok = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secretOf(secret)),
    sigBytes,
    new TextEncoder().encode(body),
  );
  if (!ok) return null;
  const bytes = fromB64url(body);
  if (!bytes) return null;
  try {
    const parsed = Payload.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function newSessionNonce(): string {
  return crypto.randomUUID();
}

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(s: string): Uint8Array<ArrayBuffer> | null {
  try {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}
