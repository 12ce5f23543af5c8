// Sign-in: an org admin key (tg_adm_…) is exchanged for a signed session cookie; the key itself is
// never stored in the browser. The page is views/signin.tsx.
import type { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { AppError } from "../../errors";
import { authenticate } from "../../services/auth";
import { AUTHORIZE_PATH } from "../../services/oauth";
import { field, form } from "../actions";
import { COOKIE_BASE, type DashEnv } from "../context";
import { SESSION_COOKIE, SESSION_TTL_MS, signSession } from "../session";
import { SignInPage as SignIn } from "../views/signin";

/**
 * Where to go after signing in: only the OAuth authorize page (a client sent the operator there), as
 * a same-origin path with its query re-serialized; anything else is dropped (no open redirect).
 */
export function safeNext(value: string): string {
  if (!value.startsWith(`${AUTHORIZE_PATH}?`)) return "";
  const url = new URL(value, "https://dashboard.invalid");
  if (url.origin !== "https://dashboard.invalid" || url.pathname !== AUTHORIZE_PATH) return "";
  return `${url.pathname}?${url.searchParams.toString()}`;
}

export function signinRoutes(app: Hono<DashEnv>) {
  app.get("/signin", (c) => c.html(<SignIn next={safeNext(c.req.query("next") ?? "")} />));
  app.post("/signin", async (c) => {
    const now = Date.now();
    const f = await form(c);
    const key = field(f, "key");
    const next = safeNext(field(f, "next"));
    let principal: Awaited<ReturnType<typeof authenticate>>;
    try {
      principal = await authenticate(c.env, key || null, now);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === "INTERNAL") throw err;
      const msg =
        err.code === "FORBIDDEN" ? "That is an MCP key; sign in with an org admin key." : err.message;
      return c.html(<SignIn error={msg} next={next} />, 401);
    }
    if (principal.kind !== "org") {
      return c.html(
        <SignIn error="The deployment token has no org: sign in with an org admin key." next={next} />,
        401,
      );
    }
    const exp = now + SESSION_TTL_MS;
    const cookie = await signSession(c.env, { orgId: principal.orgId, keyId: principal.keyId, exp });
    setCookie(c, SESSION_COOKIE, cookie, { ...COOKIE_BASE, maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect(next || "/dashboard", 303);
  });
}
