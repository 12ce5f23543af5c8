// The retry side of a bridged continuation (ADR 0037): a 2026-07-28 client's retry that names, in its
// signed requestState, a call still open on some isolate (continuation.ts). It is checked (signature,
// agent, expiry, the same call), claims the continuation once through the org's relay, and is answered
// with what the upstream said next: the final result, or the next question with a fresh state.
import { z } from "zod";
import {
  type JsonRpcId,
  type JsonRpcRequest,
  RPC,
  rpcError,
  rpcResult,
  upstreamRpcError,
} from "../protocol/jsonrpc";
import { callIdentity } from "./call-target";
import type { GatewayCtx } from "./context";
import { modernMessage } from "./era-answer";
import { bridgeStateOf, mintBridgeState } from "./mrtr";
import { jsonResponse } from "./respond";

/** The key of the upstream's request in inputRequests / inputResponses. */
export const UPSTREAM_INPUT = "upstream_request";

/** What the retry that claimed a continuation is told: the final answer, or the next question. */
export type Outcome =
  | { kind: "final"; message: unknown }
  | { kind: "input"; request: { method: string; params?: unknown }; c: string; expiresAt: number };

export const inKey = (c: string) => `bridge|in|${c}`;
export const outKey = (c: string) => `bridge|out|${c}`;
export const relayOf = (g: GatewayCtx) => g.env.ELICITATIONS.getByName(g.tenant.orgId);
/** A client's answer to one request: the request's result object. */
export const InputAnswer = z.record(z.string(), z.unknown());

/** The gateway's own failure of a bridged call (UPSTREAM_ERROR with the tollgate object). */
export function abandoned(id: JsonRpcId, why: string) {
  return upstreamRpcError(id, "tollgate", why);
}

/**
 * A modern client's retry naming a bridged continuation: checked (state, call binding), claimed once,
 * answered with what the upstream said next. Null when the retry names no continuation.
 */
export async function resumeBridged(g: GatewayCtx, req: JsonRpcRequest): Promise<Response | null> {
  const inputs = g.inputs;
  if (!inputs?.requestState) return null;
  const state = await bridgeStateOf(g, inputs.requestState, callIdentity(req));
  if (!state) return null;
  const refuse = (why: string) =>
    jsonResponse(
      rpcError(req.id, RPC.INVALID_PARAMS, `${why} Nothing was forwarded; call again without it.`),
    );
  if (!state.ok) return refuse(state.why);
  const given = inputs.inputResponses?.[UPSTREAM_INPUT];
  const answer = given === undefined ? null : InputAnswer.safeParse(given);
  if (answer && !answer.success)
    return refuse(`inputResponses.${UPSTREAM_INPUT} must be the request's result object.`);
  const relay = relayOf(g);
  const c = state.continuation;
  const claimed = await relay.claim(inKey(c), answer ? { result: answer.data } : { missing: true });
  if (!claimed) return refuse("requestState was already used (or its upstream call is over).");
  const outcome = (await relay.wait(outKey(c), g.timeoutMs + 5_000)) as Outcome | null;
  if (!outcome)
    return jsonResponse(await modernMessage(g, req, abandoned(req.id, "the upstream call was abandoned")));
  if (outcome.kind === "final") return jsonResponse({ ...(outcome.message as object), id: req.id });
  const requestState = await mintBridgeState(g, callIdentity(req)!, outcome.c, outcome.expiresAt);
  return jsonResponse(
    rpcResult(req.id, {
      resultType: "input_required",
      inputRequests: { [UPSTREAM_INPUT]: outcome.request },
      requestState,
    }),
  );
}
