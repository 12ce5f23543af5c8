// One plain HTTP(S) request for tollgate_fetch: the URL already passed the SSRF guard, redirects are
// answered as they come (never followed, so a credential never travels to a host nobody judged), and
// the body is read up to a cap.
import { readBytesCapped } from "../net/read-limited";

export type HttpRequest = {
  method: string;
  url: URL;
  headers: ReadonlyArray<readonly [string, string]>;
  body: string | null;
};

export type HttpReply = {
  status: number;
  headers: Headers;
  /** At most `maxBytes` of the body; `truncated` when more was sent (and not read). */
  body: Uint8Array;
  truncated: boolean;
};

export type HttpSent =
  | { ok: true; reply: HttpReply }
  | { ok: false; error: "timeout" | "network"; message: string };

export async function sendHttp(
  req: HttpRequest,
  opts: { timeoutMs: number; maxBytes: number; signal?: AbortSignal | undefined },
): Promise<HttpSent> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const response = await fetch(req.url, {
      method: req.method,
      headers: req.headers.map(([n, v]): [string, string] => [n, v]),
      body: req.body,
      signal,
      redirect: "manual",
    });
    const read = req.method === "HEAD" ? null : response.body;
    const { bytes, truncated } = await readBytesCapped(read, opts.maxBytes);
    return {
      ok: true,
      reply: { status: response.status, headers: response.headers, body: bytes, truncated },
    };
  } catch (err) {
    if (timeout.aborted)
      return {
        ok: false,
        error: "timeout",
        message: `the server did not answer within ${opts.timeoutMs} ms`,
      };
    return {
      ok: false,
      error: "network",
      message: `the server could not be reached: ${err instanceof Error ? err.name : "error"}`,
    };
  }
}
