// A 2026-07-28 upstream's InputRequiredResult for a legacy (2025) client (ADR 0037): each input request
// becomes the 2025 server request on the call's SSE stream, the client's answers (separate POSTs,
// perhaps to other isolates) meet the call in the org's relay, and the upstream is asked again with
// inputResponses and its requestState verbatim, for a bounded number of rounds. The requestState never
// leaves the gateway: the client can neither read nor alter it.
import { z } from "zod";
import { config } from "../env";
import { MPP_CREDENTIAL_KEY, X402_PAYMENT_KEY } from "../payments/wire";
import { type JsonRpcId, type JsonRpcResponse, RPC, rpcError, rpcResult } from "../protocol/jsonrpc";
import type { CallTarget } from "./call-target";
import { clientBridgeable, neededCap, SERVER_REQUEST_METHODS } from "./client-caps";
import { forwardOptions, type GatewayCtx } from "./context";
import type { Emit } from "./respond";
import { type Answered, read, send } from "./upstream-call";

const PREFIX = "tg-input-";
/** Rounds of questions one call may take before the gateway gives up (an upstream that never stops asking). */
const MAX_ROUNDS = 5;
/** Questions in one round at most. */
const MAX_QUESTIONS = 8;
const HOLD_MARGIN_MS = 30_000;

const InputRequest = z.looseObject({
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});
const InputRequired = z.looseObject({
  resultType: z.literal("input_required"),
  inputRequests: z.record(z.string(), InputRequest).optional(),
  requestState: z.string().optional(),
});
type InputRequired = z.infer<typeof InputRequired>;
const ClientAnswer = z
  .looseObject({
    result: z.record(z.string(), z.unknown()).optional(),
    error: z.looseObject({ message: z.string() }).optional(),
  })
  .refine((a) => (a.result === undefined) !== (a.error === undefined));

/** A response id the gateway gave one of its relayed questions. */
export function isInputAnswer(id: JsonRpcId | null): boolean {
  return typeof id === "string" && id.startsWith(PREFIX);
}

/** Bound to the org (the relay object), the agent and the session: another's answer finds nothing. */
function relayKey(g: GatewayCtx, id: string): string {
  return `ask|${g.tenant.agent.id}|${g.session?.n ?? ""}|${id}`;
}

/** A client's answer to a relayed question: false when this client was asked no such question (or already answered). */
export async function deliverInputAnswer(g: GatewayCtx, msg: { id: JsonRpcId | null }): Promise<boolean> {
  if (!g.session || typeof msg.id !== "string") return false;
  return g.env.ELICITATIONS.getByName(g.tenant.orgId).claim(relayKey(g, msg.id), msg);
}

function inputRequired(message: JsonRpcResponse): InputRequired | null {
  if (!("result" in message)) return null;
  const parsed = InputRequired.safeParse(message.result);
  return parsed.success ? parsed.data : null;
}

/** Whether a legacy client's answer needs bridging (the upstream asked for input). */
export function asksForInput(g: GatewayCtx, message: JsonRpcResponse): boolean {
  return g.era === "legacy" && inputRequired(message) !== null;
}

/** The client cannot be asked (or did not answer): a clear tool error, never an empty complete result. */
function cannotAsk(method: string, id: JsonRpcId, why: string): JsonRpcResponse {
  const text = `The upstream (MCP 2026-07-28) needs input from the user: ${why}`;
  if (method === "tools/call") return rpcResult(id, { isError: true, content: [{ type: "text", text }] });
  return rpcError(id, RPC.INTERNAL_ERROR, text);
}

/** Why the questions cannot be put to this client, or null when they can. */
function unaskable(g: GatewayCtx, questions: [string, z.infer<typeof InputRequest>][], emit: Emit | null) {
  if (questions.length === 0) return "the upstream asked nothing the gateway can relay.";
  if (questions.length > MAX_QUESTIONS)
    return `the upstream asked more than ${MAX_QUESTIONS} questions at once.`;
  const takes = clientBridgeable(g);
  for (const [, q] of questions) {
    const cap = neededCap(q.method, q.params);
    if (!SERVER_REQUEST_METHODS.has(q.method) || cap === null)
      return `the gateway does not relay "${q.method}".`;
    if (!takes.includes(cap))
      return `it asks "${q.method}" and this client did not declare the ${cap} capability at initialize.`;
  }
  if (!emit) return "the client does not accept an SSE stream, so it cannot be asked.";
  return null;
}

/** Asks the client one question on the stream and waits for its answer (null: none in time). */
async function ask(g: GatewayCtx, emit: Emit, q: z.infer<typeof InputRequest>, waitMs: number) {
  const id = `${PREFIX}${crypto.randomUUID()}`;
  const relay = g.env.ELICITATIONS.getByName(g.tenant.orgId);
  await relay.open(relayKey(g, id), waitMs);
  const request = { jsonrpc: "2.0", id, method: q.method, ...(q.params ? { params: q.params } : {}) };
  emit({ event: "message", data: JSON.stringify(request), id: null });
  const answer = ClientAnswer.safeParse(await relay.wait(relayKey(g, id), waitMs));
  return answer.success ? answer.data : null;
}

/** The original request again, under a new id, with the answers and the upstream's state verbatim. */
function retryBody(
  original: string,
  retryId: string,
  state: InputRequired,
  answers: Record<string, unknown>,
) {
  const msg = JSON.parse(original) as { params?: Record<string, unknown> };
  const params: Record<string, unknown> = { ...(msg.params ?? {}), inputResponses: answers };
  delete params.requestState;
  // A paid call's credential went with the first round: sent again, it could pay twice.
  const meta = params._meta;
  if (meta !== null && typeof meta === "object" && !Array.isArray(meta)) {
    const { [MPP_CREDENTIAL_KEY]: _m, [X402_PAYMENT_KEY]: _x, ...rest } = meta as Record<string, unknown>;
    params._meta = rest;
  }
  if (state.requestState !== undefined) params.requestState = state.requestState;
  return JSON.stringify({ ...msg, id: retryId, params });
}

/**
 * Puts the upstream's questions to the client and asks the upstream again until it answers for good
 * (or MAX_ROUNDS). The answer carries the client's request id; a question the client cannot take, or
 * does not answer in time, ends the call with a clear error (the hold settles as a failed call).
 */
export async function askClient(
  g: GatewayCtx,
  target: CallTarget,
  id: JsonRpcId,
  first: JsonRpcResponse,
  emit: Emit | null,
  keepAlive: (ttlMs: number) => Promise<void> = async () => undefined,
): Promise<Answered> {
  const waitMs = config(g.env).INPUT_WAIT_MS;
  const method = target.call.method;
  let message = first;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const asked = inputRequired(message);
    if (!asked) return { ok: true, message: { ...message, id } };
    const questions = Object.entries(asked.inputRequests ?? {});
    const why = unaskable(g, questions, emit);
    if (why) return { ok: true, message: cannotAsk(method, id, why) };
    // The call's hold must outlive the user's answer and the upstream's next reply.
    await keepAlive(waitMs + g.timeoutMs + HOLD_MARGIN_MS);
    const answers = await Promise.all(questions.map(([, q]) => ask(g, emit!, q, waitMs))).catch(() => null);
    if (!answers)
      return { ok: true, message: cannotAsk(method, id, "the gateway could not relay the question.") };
    if (answers.some((a) => a === null))
      return { ok: true, message: cannotAsk(method, id, `the client did not answer within ${waitMs} ms.`) };
    const refused = answers.find((a) => a?.error !== undefined)?.error;
    if (refused)
      return { ok: true, message: cannotAsk(method, id, `the client refused: ${refused.message}`) };
    const inputResponses: Record<string, unknown> = {};
    questions.forEach(([key], i) => {
      const result = answers[i]?.result;
      if (result) inputResponses[key] = result;
    });
    const retryId = `${PREFIX}retry-${crypto.randomUUID()}`;
    const retry = { ...target, upstreamBody: retryBody(target.upstreamBody, retryId, asked, inputResponses) };
    const sent = await send(g, retry);
    if (!sent.ok) return sent;
    const reply = await read(retry, sent.response, retryId, emit!);
    if (!reply.ok) return reply;
    message = reply.message;
  }
  return inputRequired(message)
    ? { ok: true, message: cannotAsk(method, id, `the upstream still asked after ${MAX_ROUNDS} rounds.`) }
    : { ok: true, message: { ...message, id } };
}

/** A legacy client that declared something the gateway can relay, calling a 2026-07-28 upstream. */
export function mayAskClient(g: GatewayCtx, target: CallTarget): boolean {
  return (
    g.era === "legacy" &&
    g.acceptsSse &&
    clientBridgeable(g).length > 0 &&
    forwardOptions(g, target.upstream.id).modern !== undefined
  );
}

/** A 2025-era request carrying MRTR fields: they are the gateway's to send, never the client's. */
export function legacyMrtrRefusal(g: GatewayCtx, req: { id: JsonRpcId; params?: unknown }) {
  const p = req.params;
  if (g.era !== "legacy" || p === null || typeof p !== "object") return null;
  if (!("requestState" in p) && !("inputResponses" in p)) return null;
  return rpcError(
    req.id,
    RPC.INVALID_PARAMS,
    "requestState and inputResponses are not 2025-era fields; nothing was forwarded.",
  );
}

export type Asking = {
  emit: Emit;
  /** The answer is a stream, so questions can travel on it. */
  streamed: boolean;
  keepAlive?: ((ttlMs: number) => Promise<void>) | undefined;
};

/** Reads the upstream's answer, putting a 2026 upstream's questions to a 2025 client first. */
export async function readAsking(
  g: GatewayCtx,
  target: CallTarget,
  response: Response,
  id: JsonRpcId,
  a: Asking,
): Promise<Answered> {
  const reply = await read(target, response, id, a.emit);
  if (!reply.ok || !asksForInput(g, reply.message)) return reply;
  return askClient(g, target, id, reply.message, a.streamed ? a.emit : null, a.keepAlive);
}
