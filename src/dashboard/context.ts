// What every dashboard handler knows about the request: the session, its CSRF token, the operator's
// time zone, and the one-shot flash message carried across a redirect.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Session } from "./session";

export type DashEnv = {
  Bindings: Env;
  Variables: { requestId: string; session: Session; csrf: string; tz: string; orgName: string };
};
export type DashContext = Context<DashEnv>;

export type Flash = { kind: "ok" | "error"; text: string };

/** Everything a page component needs besides its own data. */
export type View = {
  csrf: string;
  tz: string;
  now: number;
  orgName: string;
  path: string;
  flash: Flash | null;
};

const FLASH_COOKIE = "tg_flash";
const COOKIE_BASE = { path: "/dashboard", httpOnly: true, secure: true, sameSite: "Strict" } as const;

export function setFlash(c: DashContext, kind: Flash["kind"], text: string): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify([kind, text.slice(0, 500)])), {
    ...COOKIE_BASE,
    maxAge: 60,
  });
}

function takeFlash(c: DashContext): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, COOKIE_BASE);
  try {
    const [kind, text] = JSON.parse(decodeURIComponent(raw)) as unknown[];
    if ((kind === "ok" || kind === "error") && typeof text === "string") return { kind, text };
  } catch {
    // a mangled flash is dropped
  }
  return null;
}

export function view(c: DashContext, now = Date.now()): View {
  return {
    csrf: c.get("csrf"),
    tz: c.get("tz"),
    now,
    orgName: c.get("orgName"),
    path: c.req.path,
    flash: takeFlash(c),
  };
}

export { COOKIE_BASE };
