// Inline approval for modern clients (MRTR, 2026-07-28 basic/patterns/mrtr): the question goes back
// as an InputRequiredResult whose requestState is HMAC-signed and bound to the org, the agent, the
// call (method, name, arguments digest), the approval and a short expiry; the retry's answer decides
// the approval at most once (a replayed state finds it decided and is refused before any upstream).
import { z } from "zod";
import { base64url, fromBase64url, utf8 } from "../auth/encoding";
import { signer } from "../auth/signer";
import { type JsonRpcId, RPC, rpcError, rpcResult } from "../protocol/jsonrpc";
import { decideApproval } from "../services/approvals";
import type { CallInfo } from "./call-record";
import type { CallTarget } from "./call-target";
import { forwardOptions, type GatewayCtx, type InputsOnRetry } from "./context";
import type { Denial } from "./denial";

const PREFIX = "tgrs1.";
/** The key of the gateway's own question in inputRequests / inputResponses. */
export const APPROVAL_INPUT = "tollgate_approval";
const STATE_TTL_MS = 10 * 60_000;

const State = z.object({
  v: z.literal(1),
  /**
   * approval: Tollgate's own question; url: an upstream's URL elicitation, relayed; bridge: a 2025
   * upstream's server request, its call still open in another request (`ap` names the continuation).
   */
  k: z.enum(["approval", "url", "bridge"]),
  o: z.string(),
  a: z.string(),
  m: z.string(),
  t: z.string(),
  h: z.string(),
  ap: z.string(),
  x: z.number().int(),
});
type State = z.infer<typeof State>;

const ApproveAnswer = z.looseObject({
  action: z.string(),
  content: z.looseObject({ approve: z.unknown().optional() }).optional(),
});

function stateSigner(g: GatewayCtx) {
  // Without SESSION_SECRET a state only verifies in the isolate that minted it (as session ids).
  return signer(g.sessionSecret || fallback(), "mrtr-request-state");
}
let fallbackSecret: string | null = null;
function fallback(): string {
  fallbackSecret ??= crypto.randomUUID() + crypto.randomUUID();
  return fallbackSecret;
}

/** The client declared form elicitation on this request (`elicitation: {}` means form). */
export function clientElicitsForm(g: GatewayCtx): boolean {
  const e = g.clientCapabilities.elicitation;
  if (e === null || typeof e !== "object") return false;
  const modes = e as Record<string, unknown>;
  return modes.url === undefined || modes.form !== undefined;
}

/** Ask inline by MRTR: only for a modern client that can be asked, where inline approval is on. */
export function asksByMrtr(g: GatewayCtx, denial: Denial): boolean {
  return (
    g.era === "modern" &&
    g.tenant.inlineApprovals &&
    denial.reason === "approval_required" &&
    typeof denial.approvalId === "string" &&
    clientElicitsForm(g)
  );
}

type CallKey = Pick<CallInfo, "method" | "tool" | "argsHash">;

/** A signed requestState for `call`: `approvalId` names Tollgate's question, "" an upstream's. */
export async function mintState(g: GatewayCtx, call: CallKey, approvalId: string | null): Promise<string> {
  return signState(
    g,
    call,
    approvalId === null ? "url" : "approval",
    approvalId ?? "",
    Date.now() + STATE_TTL_MS,
  );
}

/** A signed requestState naming continuation `c` of a bridged upstream request (ADR 0037), until `expiresAt`. */
export function mintBridgeState(g: GatewayCtx, call: CallKey, c: string, expiresAt: number): Promise<string> {
  return signState(g, call, "bridge", c, expiresAt);
}

async function signState(g: GatewayCtx, call: CallKey, k: State["k"], ap: string, x: number) {
  const state: State = {
    v: 1,
    k,
    o: g.tenant.orgId,
    a: g.tenant.agent.id,
    m: call.method,
    t: call.tool,
    h: call.argsHash,
    ap,
    x,
  };
  const body = base64url(utf8.encode(JSON.stringify(state)));
  return `${PREFIX}${body}.${await stateSigner(g).sign(body)}`;
}

export type BridgeState = { ok: true; continuation: string } | { ok: false; why: string };

/**
 * A retry's requestState when it names a bridged continuation: checked like every state (signature,
 * org, agent, expiry, the same call). Null when the state is not a valid bridge state of ours at all
 * (applyInputs then judges it as any other).
 */
export async function bridgeStateOf(
  g: GatewayCtx,
  token: string,
  call: CallKey | null,
): Promise<BridgeState | null> {
  const state = await verified(g, token);
  if (state?.k !== "bridge") return null;
  const why = stateMismatch(g, state, call);
  return why ? { ok: false, why } : { ok: true, continuation: state.ap };
}

function stateMismatch(g: GatewayCtx, state: State, call: CallKey | null): string | null {
  if (state.o !== g.tenant.orgId || state.a !== g.tenant.agent.id)
    return "requestState was issued to another agent.";
  if (Date.now() > state.x) return "requestState has expired.";
  if (!call || state.m !== call.method || state.t !== call.tool || state.h !== call.argsHash)
    return "requestState belongs to a different call (method, name or arguments).";
  return null;
}

export async function approvalInputRequired(g: GatewayCtx, id: JsonRpcId, call: CallInfo, denial: Denial) {
  const requestState = await mintState(g, call, denial.approvalId ?? "");
  return rpcResult(id, {
    resultType: "input_required",
    inputRequests: {
      [APPROVAL_INPUT]: {
        method: "elicitation/create",
        params: {
          mode: "form",
          message: `Approve this payment? ${call.tool}. ${denial.message}`,
          requestedSchema: {
            type: "object",
            properties: { approve: { type: "boolean", title: "Approve this payment", default: false } },
            required: ["approve"],
          },
        },
      },
    },
    requestState,
  });
}

async function verified(g: GatewayCtx, token: string): Promise<State | null> {
  if (!token.startsWith(PREFIX) || token.length > 2048) return null;
  const [body, sig] = token.slice(PREFIX.length).split(".");
  if (!body || !sig || !(await stateSigner(g).verify(body, sig))) return null;
  const bytes = fromBase64url(body);
  if (!bytes) return null;
  try {
    const parsed = State.safeParse(JSON.parse(utf8.decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Applies an MRTR retry's answer before the call goes anywhere; the error to answer with, or null
 * to go on (the approval now decided, so the ordinary approval gate consumes or reports it).
 */
export async function applyInputs(g: GatewayCtx, id: JsonRpcId, target: CallTarget): Promise<unknown | null> {
  const inputs = g.inputs;
  if (!inputs) return null;
  const { call } = target;
  const refuse = (why: string) =>
    rpcError(id, RPC.INVALID_PARAMS, `${why} Nothing was forwarded; call again without it.`);
  // A 2026-07-28 upstream's own question: its state and the answers go back to it, and only to it.
  if (!inputs.requestState?.startsWith(PREFIX) && forwardOptions(g, target.upstream.id).modern) {
    target.upstreamBody = withInputs(target.upstreamBody, inputs);
    return null;
  }
  if (inputs.requestState === null)
    return refuse("inputResponses answer no request the gateway asked (no requestState).");
  const state = await verified(g, inputs.requestState);
  if (!state) return refuse("requestState is not one the gateway issued, or was altered.");
  const mismatch = stateMismatch(g, state, call);
  if (mismatch) return refuse(mismatch);
  // A bridged continuation is resumed before the metered path (continuation.ts); never here.
  if (state.k === "bridge") return refuse("requestState belongs to a relayed upstream question.");
  // A relayed URL elicitation: the user finished it out of band; the retry goes upstream as it is.
  if (state.k === "url") return null;
  const answer = ApproveAnswer.safeParse(inputs.inputResponses?.[APPROVAL_INPUT]);
  // No answer to our question: the approval stays pending and the gate asks again.
  if (!answer.success) return null;
  const yes = answer.data.action === "accept" && answer.data.content?.approve === true;
  try {
    await decideApproval(
      g.env,
      g.tenant.orgId,
      state.ap,
      yes ? "approved" : "rejected",
      yes ? "approved inline by the user (MRTR)" : "declined inline by the user (MRTR)",
      Date.now(),
    );
  } catch {
    return refuse("requestState was already used: its approval is decided.");
  }
  return null;
}

function withInputs(body: string, inputs: InputsOnRetry): string {
  const msg = JSON.parse(body) as { params?: Record<string, unknown> };
  const params: Record<string, unknown> = { ...(msg.params ?? {}) };
  if (inputs.requestState !== null) params.requestState = inputs.requestState;
  if (inputs.inputResponses !== null) params.inputResponses = inputs.inputResponses;
  return JSON.stringify({ ...msg, params });
}
