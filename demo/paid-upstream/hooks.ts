// Test webhook receiver for host hooks.example: records every POST /<name> (headers + raw body) in module
// memory and answers 500 while a scripted failure count lasts. Memory outlives test files in one run:
// tests use unique names.
type Recorded = { method: string; headers: Record<string, string>; body: string; answered: number };

const logs = new Map<string, Recorded[]>();
const failNext = new Map<string, number>();

export const HOOKS_HOST = "hooks.example";

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

/** POST /<name> receive; POST /control/<name> {"failNext": N}; GET /log/<name> recorded requests. */
export async function serveHooks(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const body = await request.text();
  const [first, second] = pathname.split("/").filter(Boolean);
  if (request.method === "GET" && first === "log" && second) return json(logs.get(second) ?? []);
  if (request.method !== "POST" || !first) return new Response("Not Found", { status: 404 });
  if (first === "control" && second) {
    const script = JSON.parse(body || "{}") as { failNext?: unknown };
    if (typeof script.failNext === "number") failNext.set(second, script.failNext);
    return json({ name: second, failNext: failNext.get(second) ?? 0 });
  }
  const remaining = failNext.get(first) ?? 0;
  const answered = remaining > 0 ? 500 : 200;
  if (remaining > 0) failNext.set(first, remaining - 1);
  const entries = logs.get(first) ?? [];
  entries.push({ method: request.method, headers: Object.fromEntries(request.headers), body, answered });
  logs.set(first, entries);
  return answered === 200 ? new Response("ok") : new Response("scripted failure", { status: 500 });
}
