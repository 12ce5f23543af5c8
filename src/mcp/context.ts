// What every gateway handler gets: the tenant, the session, and the request's facilities.

import type { Tenant } from "../services/tenant";
import type { SessionPayload } from "./session";

export type GatewayCtx = {
  env: Env;
  exec: ExecutionContext;
  tenant: Tenant;
  /** The gateway session (null before initialize, or for clients that never initialized). */
  session: SessionPayload | null;
  protocolVersion: string | null;
  /** Client capabilities seen at initialize are not stored; elicitation support is read from the header hint. */
  signal: AbortSignal | undefined;
  timeoutMs: number;
  allowPrivate: boolean;
  sessionSecret: string | undefined;
  /** The client accepts SSE responses. */
  acceptsSse: boolean;
};

export function upstreamSessionId(g: GatewayCtx, upstreamId: string): string | null {
  return g.session?.u[upstreamId] ?? null;
}

/** How every request to one upstream is sent: its session, the client's protocol version, limits. */
export function forwardOptions(g: GatewayCtx, upstreamId: string | null) {
  return {
    sessionId: upstreamId === null ? null : upstreamSessionId(g, upstreamId),
    protocolVersion: g.protocolVersion,
    timeoutMs: g.timeoutMs,
    allowPrivate: g.allowPrivate,
    signal: g.signal,
  };
}
