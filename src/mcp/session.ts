// Gateway session ids: a signed token carrying the agent and each upstream's own session id, so
// any isolate can serve any request without server-side session state.
import { z } from "zod";
import { base64url, fromBase64url, utf8 } from "../auth/encoding";
import { signer } from "../auth/signer";

const Payload = z.object({
  v: z.literal(1),
  o: z.string(),
  a: z.string(),
  /** The gateway session's own id: the key of session-scoped budgets. */
  n: z.string(),
  /** upstream id -> that upstream's Mcp-Session-Id */
  u: z.record(z.string(), z.string()),
  /** Upstreams that speak 2026-07-28: sent stateless requests, no session (ADR 0030). */
  m: z.array(z.string()).optional(),
  /** The client declared the elicitation capability: approvals may be asked inline. */
  e: z.boolean().optional(),
  /** The server requests the client declared it takes (client-caps.ts), bridged from 2026 upstreams. */
  c: z.array(z.string().max(32)).max(8).optional(),
});
export type SessionPayload = z.infer<typeof Payload>;

const PREFIX = "tgs1.";
let fallbackSecret: string | null = null;

function sessionSigner(secret: string | undefined) {
  // Without SESSION_SECRET sessions only survive within one isolate; README says to set it.
  fallbackSecret ??= crypto.randomUUID() + crypto.randomUUID();
  // No purpose prefix: session ids issued before the shared signer keep verifying.
  return signer(secret || fallbackSecret, "");
}

export async function signSession(payload: SessionPayload, secret: string | undefined): Promise<string> {
  const body = base64url(utf8.encode(JSON.stringify(payload)));
  return `${PREFIX}${body}.${await sessionSigner(secret).sign(body)}`;
}

export async function verifySession(
  token: string,
  secret: string | undefined,
): Promise<SessionPayload | null> {
  if (!token.startsWith(PREFIX) || token.length > 4096) return null;
  const [body, sig] = token.slice(PREFIX.length).split(".");
  if (!body || !sig) return null;
  if (!(await sessionSigner(secret).verify(body, sig))) return null;
  const bytes = fromBase64url(body);
  if (!bytes) return null;
  try {
    const parsed = Payload.safeParse(JSON.parse(utf8.decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function newSessionNonce(): string {
  return crypto.randomUUID();
}
