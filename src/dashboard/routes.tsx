// The operator dashboard (/dashboard): middleware order at a glance, then one module per page.
// Handlers (pages/) read input and call the services with the session's org id; views/ render.
import { type Context, type ErrorHandler, Hono, type MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { timingSafeEqual } from "../auth/keys";
import { codeToStatus } from "../errors";
import { isValidTimeZone } from "../policy/time";
import { AUTHORIZE_PATH } from "../services/oauth";
import { getOrg } from "../services/orgs";
import { field, form, safeBack, userFacing } from "./actions";
import { COOKIE_BASE, type DashEnv, view } from "./context";
import { agentRoutes } from "./pages/agents";
import { approvalRoutes } from "./pages/approvals";
import { integrationRoutes } from "./pages/integrations";
import { keyRoutes } from "./pages/keys";
import { oauthRoutes } from "./pages/oauth";
import { overviewRoutes } from "./pages/overview";
import { policyRoutes } from "./pages/policies";
import { signinRoutes } from "./pages/signin";
import { transactionRoutes } from "./pages/transactions";
import { walletRoutes } from "./pages/wallets";
import { csrfToken, SESSION_COOKIE, sessionKeyActive, verifySession } from "./session";
import { SCRIPT, STYLE } from "./static";
import { ErrorPage, NotFoundPage } from "./views/errors";
import { SameSiteHop } from "./views/signin";

type App = Hono<DashEnv>;

const TZ_COOKIE = "tg_tz";
const CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const securityHeaders: MiddlewareHandler<DashEnv> = async (c, next) => {
  await next();
  // A page may widen its own policy (the OAuth consent page posts to the client's redirect URI).
  if (!c.res.headers.has("content-security-policy")) c.header("content-security-policy", CSP);
  c.header("x-content-type-options", "nosniff");
  c.header("referrer-policy", "no-referrer");
  if (!c.res.headers.has("cache-control")) c.header("cache-control", "no-store");
};

/** Nothing past this point renders without a valid session; unsafe methods also need the form's token. */
const requireSession: MiddlewareHandler<DashEnv> = async (c, next) => {
  const now = Date.now();
  const raw = getCookie(c, SESSION_COOKIE);
  const session = await verifySession(c.env, raw, now);
  if (!session || !raw || !(await sessionKeyActive(c.env, session, now))) {
    if (raw) deleteCookie(c, SESSION_COOKIE, COOKIE_BASE);
    if (c.req.path.endsWith("/fragment")) return c.text("Session expired", 401);
    if (c.req.path === AUTHORIZE_PATH && c.req.method === "GET") return toSignIn(c, raw);
    return c.redirect("/dashboard/signin", 303);
  }
  const token = await csrfToken(c.env, raw);
  if (!/^(GET|HEAD)$/.test(c.req.method)) {
    const sent = field(await form(c), "_csrf");
    if (!timingSafeEqual(sent, token)) return c.text("Forbidden: missing or invalid CSRF token", 403);
  }
  const org = await getOrg(c.env, session.orgId);
  const tz = getCookie(c, TZ_COOKIE);
  c.set("session", session);
  c.set("csrf", token);
  c.set("orgName", org.name);
  c.set("tz", tz && isValidTimeZone(tz) ? tz : org.timeZone);
  await next();
};

/**
 * An OAuth client sends the operator here from another site, and the SameSite=Strict session cookie
 * does not come along on that first navigation: a same-origin refresh of the same URL brings it. With
 * no session even then, sign in and come back (the authorize URL is the only `next` allowed).
 */
async function toSignIn(c: Context<DashEnv>, raw: string | undefined): Promise<Response> {
  const url = new URL(c.req.url);
  const back = `${url.pathname}${url.search}`;
  if (!raw && c.req.header("sec-fetch-site") === "cross-site") {
    return c.html(<SameSiteHop href={back} />);
  }
  return c.redirect(`/dashboard/signin?next=${encodeURIComponent(back)}`, 303);
}

/** The stylesheet and script, cacheable: they change only with a deploy. */
function staticRoutes(app: App) {
  const cached = "public, max-age=300";
  app.get("/static/style.css", (c) =>
    c.body(STYLE, 200, { "content-type": "text/css; charset=utf-8", "cache-control": cached }),
  );
  app.get("/static/app.js", (c) =>
    c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": cached }),
  );
}

function sessionRoutes(app: App) {
  app.post("/signout", (c) => {
    deleteCookie(c, SESSION_COOKIE, COOKIE_BASE);
    return c.redirect("/dashboard/signin", 303);
  });
  app.post("/tz", async (c) => {
    const f = await form(c);
    const tz = field(f, "tz");
    if (isValidTimeZone(tz)) setCookie(c, TZ_COOKIE, tz, { ...COOKIE_BASE, maxAge: 365 * 86_400 });
    return c.redirect(safeBack(field(f, "back")), 303);
  });
}

/** Faults the operator can act on keep their status and message; anything else is a logged 500. */
const onError: ErrorHandler<DashEnv> = (err, c) => {
  if (err instanceof HTTPException) return err.getResponse();
  const known = userFacing(err);
  const status = (known ? codeToStatus(err.code) : 500) as 404;
  const message = known ? err.message : "Something went wrong; it has been logged.";
  if (!known)
    console.error("dashboard", c.get("requestId"), err instanceof Error ? err.message : String(err));
  const title = status === 404 ? "Not found" : "Error";
  return c.html(<ErrorPage v={c.get("session") ? view(c) : null} title={title} message={message} />, status);
};

export function dashboardRoutes() {
  const app = new Hono<DashEnv>();
  app.use("*", securityHeaders);
  staticRoutes(app);
  // Origin / Sec-Fetch-Site check on every form post, sign-in included.
  app.use("*", csrf());
  signinRoutes(app);
  app.use("*", requireSession);
  sessionRoutes(app);
  overviewRoutes(app);
  approvalRoutes(app);
  transactionRoutes(app);
  agentRoutes(app);
  keyRoutes(app);
  policyRoutes(app);
  integrationRoutes(app);
  walletRoutes(app);
  oauthRoutes(app);
  app.all("*", (c) => c.html(<NotFoundPage v={view(c)} />, 404));
  app.onError(onError);
  return app;
}
