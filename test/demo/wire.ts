// Raw JSON-RPC over HTTP for demo-upstream tests that must see the wire itself (SSE order, HTTP status).

export type RpcMessage = {
  jsonrpc: "2.0";
  id?: string | number;
  method?: string;
  params?: Record<string, unknown>;
  result?: { _meta?: Record<string, unknown>; isError?: boolean; [key: string]: unknown };
  error?: { code: number; message: string; data?: Record<string, unknown> };
};

const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** The JSON-RPC messages of a JSON or SSE response, in arrival order. */
export async function messagesOf(response: Response): Promise<RpcMessage[]> {
  const body = await response.text();
  if (!response.headers.get("content-type")?.includes("text/event-stream")) return [JSON.parse(body)];
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice("data: ".length)));
}

export function post(url: string, message: Record<string, unknown>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify({ jsonrpc: "2.0", ...message }),
  });
}

/** POSTs one request and returns every message of the answer. */
export async function rpc(url: string, message: Record<string, unknown>): Promise<RpcMessage[]> {
  const response = await post(url, message);
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return messagesOf(response);
}

/** The final response (the message carrying `id`) of a tools/call. */
export async function callTool(
  url: string,
  name: string,
  args: Record<string, unknown>,
  meta?: Record<string, unknown>,
): Promise<RpcMessage> {
  const id = crypto.randomUUID();
  const messages = await rpc(url, {
    id,
    method: "tools/call",
    params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
  });
  const final = messages.find((m) => m.id === id);
  if (!final) throw new Error(`no response with id ${id}`);
  return final;
}
