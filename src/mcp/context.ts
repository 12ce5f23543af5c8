// What every gateway handler gets: the tenant, the session, and the request's facilities.

import type { Era } from "../protocol/eras";
import type { Tenant } from "../services/tenant";
import type { RequestTrace } from "../trace/request-trace";
import type { SessionPayload } from "./session";

/** How the gateway reaches one upstream on behalf of a modern client (upstream-links.ts). */
export type UpstreamLink = { sessionId: string | null; protocolVersion: string; modern: boolean };

/** A modern client's MRTR retry fields, taken off the request before anything is forwarded. */
export type InputsOnRetry = { requestState: string | null; inputResponses: Record<string, unknown> | null };

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
  /** legacy: initialize + session (2025-11-25 and earlier); modern: per-request _meta (2026-07-28). */
  era: Era;
  /** Modern clients: the request's declared capabilities (never inferred from earlier requests). */
  clientCapabilities: Record<string, unknown>;
  /** Modern clients: upstream id -> the gateway's own session with that legacy upstream. */
  links: Record<string, UpstreamLink> | null;
  /** Modern clients: requestState / inputResponses of an MRTR retry (null when none were sent). */
  inputs: InputsOnRetry | null;
  /** This request's trace (trace/request-trace.ts); spans are collected only when they are exported. */
  trace?: RequestTrace | null;
};

export function upstreamSessionId(g: GatewayCtx, upstreamId: string): string | null {
  if (g.links) return g.links[upstreamId]?.sessionId ?? null;
  return g.session?.u[upstreamId] ?? null;
}

function upstreamIsModern(g: GatewayCtx, upstreamId: string): boolean {
  if (g.links) return g.links[upstreamId]?.modern === true;
  return g.session?.m?.includes(upstreamId) === true;
}

/**
 * How every request to one upstream is sent: its session, the client's protocol version, limits; a
 * 2026-07-28 upstream statelessly, with the capabilities of a modern client's request (a legacy
 * client's are not known per request, so none: the upstream asks it nothing the gateway cannot relay).
 */
export function forwardOptions(g: GatewayCtx, upstreamId: string | null) {
  const modern = upstreamId !== null && upstreamIsModern(g, upstreamId);
  return {
    modern: modern ? { capabilities: g.era === "modern" ? g.clientCapabilities : {} } : undefined,
    sessionId: upstreamId === null ? null : upstreamSessionId(g, upstreamId),
    protocolVersion:
      g.links && upstreamId !== null ? (g.links[upstreamId]?.protocolVersion ?? null) : g.protocolVersion,
    timeoutMs: g.timeoutMs,
    allowPrivate: g.allowPrivate,
    signal: g.signal,
  };
}
