// A 2025-era upstream's server request (elicitation, sampling, roots) for a 2026-07-28 client (ADR 0037).
// The era has no server requests on a stream, so the gateway answers the client InputRequiredResult
// with the request as an inputRequest and a signed requestState naming a random continuation, while
// this isolate keeps reading the upstream's stream in waitUntil. The client's retry (perhaps on another
// isolate) claims the continuation once through the org's relay; its answer goes to the upstream as the
// JSON-RPC response to the upstream's own request id, and the retry gets what follows: the final
// result, or the next question. Money is settled here, by the call's own path, whatever the client does.
import { z } from "zod";
import { type JsonRpcId, type JsonRpcRequest, RPC, rpcResult } from "../protocol/jsonrpc";
import { encodeEvent, encodeSse, readSse, type SseEvent } from "../protocol/sse";
import { callIdentity } from "./call-target";
import { clientBridgeable, neededCap } from "./client-caps";
import type { GatewayCtx } from "./context";
import {
  abandoned,
  InputAnswer,
  inKey,
  type Outcome,
  outKey,
  relayOf,
  UPSTREAM_INPUT,
} from "./continuation-retry";
import { modernEvent, modernMessage, modernResponse } from "./era-answer";
import { mintBridgeState } from "./mrtr";
import { answerUpstream, upstreamRequestId } from "./server-requests";

const MRTR_METHODS = new Set(["tools/call", "prompts/get", "resources/read"]);
/** Questions one call may put to the client (re-asks included) before the gateway stops relaying. */
const MAX_ROUNDS = 8;
/** Below this, there is no time left for a client to answer before the upstream call is abandoned. */
const MIN_LEFT_MS = 1_000;
/** How long before the upstream request's timeout the gateway stops waiting for the client. */
const DEADLINE_MARGIN_MS = 500;

type Events = AsyncIterator<SseEvent>;
type Asked = { id: string; method: string; params?: unknown };
const Claimed = z.union([z.object({ result: InputAnswer }), z.object({ missing: z.literal(true) })]);

/** A call that may be suspended on a question: how to detach it, and when its upstream call ends. */
export type Suspendable = { suspend: () => void; deadline: number };

/**
 * The client's disconnect cancels the upstream call, until the call is suspended on a question: from
 * then on the upstream's stream belongs to the continuation, not to the finished client request. The
 * deadline falls just before the upstream request's own timeout, so the upstream is told in time.
 */
export function detachable(g: GatewayCtx): Suspendable {
  const outer = g.signal;
  const inner = new AbortController();
  let suspended = false;
  outer?.addEventListener("abort", () => {
    if (!suspended) inner.abort(outer.reason);
  });
  g.signal = inner.signal;
  return {
    suspend: () => {
      suspended = true;
    },
    deadline: Date.now() + g.timeoutMs - DEADLINE_MARGIN_MS,
  };
}

function serverRequest(data: string): Asked | null {
  try {
    const m = JSON.parse(data) as { id?: unknown; method?: unknown; params?: unknown } | null;
    // Only requests relayFrom renamed (server-requests.ts): their answer has an upstream to go to.
    if (m && typeof m.method === "string" && typeof m.id === "string" && upstreamRequestId(m.id))
      return { id: m.id, method: m.method, ...(m.params === undefined ? {} : { params: m.params }) };
  } catch {
    // not JSON: relayed as it is
  }
  return null;
}

/** Tells the upstream its request will not be answered (so its tool does not wait for nothing). */
function refuseUpstream(g: GatewayCtx, id: string, message: string): Promise<unknown> {
  return answerUpstream(g, { jsonrpc: "2.0", id, error: { code: RPC.METHOD_NOT_FOUND, message } });
}

/** Whether this client, on this request, can be asked `q`; the refusal for the upstream otherwise. */
function unaskable(g: GatewayCtx, req: JsonRpcRequest, q: Asked, deadline: number): string | null {
  const cap = neededCap(q.method, q.params);
  if (!cap || !MRTR_METHODS.has(req.method) || !callIdentity(req))
    return `The client (MCP 2026-07-28) cannot be asked ${q.method} here`;
  if (!clientBridgeable(g).includes(cap)) return `The client did not declare the ${cap} capability`;
  if (deadline - Date.now() < MIN_LEFT_MS) return "No time is left to ask the client";
  return null;
}

/** Opens continuation `c` for `q`; what the client is answered (the request and its signed state). */
async function ask(g: GatewayCtx, req: JsonRpcRequest, id: JsonRpcId, q: Asked, deadline: number) {
  const c = crypto.randomUUID();
  await relayOf(g).open(inKey(c), deadline - Date.now());
  const call = callIdentity(req)!;
  const request = { method: q.method, ...(q.params === undefined ? {} : { params: q.params }) };
  const requestState = await mintBridgeState(g, call, c, deadline);
  return {
    c,
    request,
    answer: rpcResult(id, {
      resultType: "input_required",
      inputRequests: { [UPSTREAM_INPUT]: request },
      requestState,
    }),
  };
}

/**
 * The gateway's (legacy-shaped) answer for a modern client, with the upstream's server requests
 * bridged into MRTR. `call.suspend` detaches the upstream call from the client's request.
 */
export async function bridgedResponse(
  g: GatewayCtx,
  req: JsonRpcRequest,
  res: Response,
  call: Suspendable,
): Promise<Response> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("text/event-stream") || !res.body) return modernResponse(g, req, res);
  const events = readSse(res.body)[Symbol.asyncIterator]();
  // The upstream call ends at its timeout, whatever happens: a continuation cannot outlive it.
  const { deadline } = call;
  const stream = new ReadableStream<string>({
    async start(controller) {
      for (let next = await events.next(); !next.done; next = await events.next()) {
        const q = serverRequest(next.value.data);
        if (!q) {
          const out = await modernEvent(g, req, next.value.data);
          if (out !== null) controller.enqueue(encodeEvent({ ...next.value, data: out }));
          continue;
        }
        const why = unaskable(g, req, q, deadline);
        if (why) {
          await refuseUpstream(g, q.id, why);
          continue;
        }
        const asked = await ask(g, req, req.id, q, deadline).catch(() => null);
        if (!asked) {
          // The relay is unreachable: the question cannot be carried, so it is not asked (fail closed).
          await refuseUpstream(g, q.id, "The gateway could not relay the question");
          continue;
        }
        call.suspend();
        controller.enqueue(encodeSse(asked.answer));
        controller.close();
        g.exec.waitUntil(
          carryOn(g, req, events, { ...q, c: asked.c }, deadline).catch((err: unknown) =>
            console.error("bridged call failed", err instanceof Error ? err.message : "error"),
          ),
        );
        return;
      }
      controller.close();
    },
  });
  return new Response(stream.pipeThrough(new TextEncoderStream()), {
    status: res.status,
    headers: res.headers,
  });
}

/** The upstream's stream after a question: answers go up, what follows goes to the retry that claimed. */
async function carryOn(
  g: GatewayCtx,
  req: JsonRpcRequest,
  events: Events,
  first: Asked & { c: string },
  deadline: number,
) {
  const relay = relayOf(g);
  let pending = first;
  try {
    for (let round = 1; ; round++) {
      const claimed = Claimed.safeParse(await relay.wait(inKey(pending.c), deadline - Date.now()));
      if (!claimed.success) {
        // No retry in time (or the upstream call is over): the upstream is told, the call ends by itself.
        await refuseUpstream(g, pending.id, "The client did not answer in time");
        return;
      }
      let next: Next;
      if ("missing" in claimed.data) {
        // The retry carried no answer to the question: it is asked again (mrtr.mdx, Error Handling).
        next = { kind: "ask", q: pending };
      } else {
        await answerUpstream(g, { jsonrpc: "2.0", id: pending.id, result: claimed.data.result });
        next = await following(g, req, events, deadline);
      }
      if (next.kind === "ask" && round >= MAX_ROUNDS) {
        await refuseUpstream(g, next.q.id, "Too many questions in one call");
        next = { kind: "final", message: abandoned(req.id, `more than ${MAX_ROUNDS} questions in one call`) };
      }
      if (next.kind === "final") {
        const message = await modernMessage(g, req, next.message);
        await relay.deliver(outKey(pending.c), { kind: "final", message } satisfies Outcome);
        return;
      }
      const c = crypto.randomUUID();
      await relay.open(inKey(c), deadline - Date.now());
      const request = { method: next.q.method, params: next.q.params };
      await relay.deliver(outKey(pending.c), {
        kind: "input",
        request,
        c,
        expiresAt: deadline,
      } satisfies Outcome);
      pending = { ...next.q, c };
    }
  } finally {
    await drain(g, events);
  }
}

type Next = { kind: "final"; message: unknown } | { kind: "ask"; q: Asked };

/** Reads on to the next question the client can be asked, or to the final answer. */
async function following(
  g: GatewayCtx,
  req: JsonRpcRequest,
  events: Events,
  deadline: number,
): Promise<Next> {
  for (let next = await events.next(); !next.done; next = await events.next()) {
    const q = serverRequest(next.value.data);
    if (q) {
      const why = unaskable(g, req, q, deadline);
      if (!why) return { kind: "ask", q };
      await refuseUpstream(g, q.id, why);
      continue;
    }
    const m = parse(next.value.data);
    if (m && m.id === req.id && ("result" in m || "error" in m)) return { kind: "final", message: m };
    // Progress and other notifications after a question have no request to travel on: dropped.
  }
  return { kind: "final", message: abandoned(req.id, "the answer ended without a result") };
}

function parse(data: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(data);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Lets the call's own work finish (its settlement), refusing any further question. */
async function drain(g: GatewayCtx, events: Events) {
  for (let next = await events.next(); !next.done; next = await events.next()) {
    const q = serverRequest(next.value.data);
    if (q) await refuseUpstream(g, q.id, "The call's client is no longer being asked");
  }
}
