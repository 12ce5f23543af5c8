// Drives the dashboard through the Worker's real fetch handler like a browser would: cookies, the
// Origin header on form posts, and the per-session CSRF token read back from the page.
import { exports } from "cloudflare:workers";

export const ORIGIN = "https://gw.test";

export type Page = { status: number; location: string | null; html: string; setCookie: string[] };

export async function request(
  method: string,
  path: string,
  opts: { cookie?: string | null; form?: Record<string, string>; origin?: string | null } = {},
): Promise<Page> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
    const origin = opts.origin === undefined ? ORIGIN : opts.origin;
    if (origin !== null) headers.origin = origin;
  }
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }),
  );
  return {
    status: res.status,
    location: res.headers.get("location"),
    html: await res.text(),
    setCookie: res.headers.getSetCookie(),
  };
}

/** Signs in with an org admin key; returns the Cookie header value of the session. */
export async function signIn(key: string): Promise<string> {
  const r = await request("POST", "/dashboard/signin", { form: { key } });
  if (r.status !== 303) throw new Error(`sign-in failed: ${r.status} ${r.html.slice(0, 300)}`);
  const c = r.setCookie.find((s) => s.startsWith("tg_session="));
  if (!c) throw new Error("no session cookie");
  return c.split(";")[0]!;
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error("no CSRF field on the page");
  return m[1];
}

/** GETs `page` for its CSRF token, then posts the form with it. */
export async function post(cookie: string, path: string, form: Record<string, string>, page = "/dashboard") {
  const token = csrfOf((await request("GET", page, { cookie })).html);
  return request("POST", path, { cookie, form: { _csrf: token, ...form } });
}
