// The MCP SDK's own OAuth client (auth() with an OAuthClientProvider) driven against the Worker: the
// provider keeps its state in memory, the browser step is the dashboard consent page answered by a
// signed-in operator (cookies and the form's CSRF token, as test/dashboard/helpers.ts does).
import { env, exports } from "cloudflare:workers";
import { auth, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { generateKey } from "../../src/auth/keys";
import { db, newId } from "../../src/db/client";
import { apiKeys } from "../../src/db/schema";
import { csrfOf, request, signIn } from "../dashboard/helpers";

export const GW = "https://gw.test";
export const REDIRECT = "http://127.0.0.1:33418/callback";

export const gatewayFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));

/** An in-memory OAuthClientProvider; `authorizationUrl` is where the SDK would open the browser. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  clientMetadataUrl?: string;
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = "";
  authorizationUrl: URL | null = null;
  constructor(
    readonly redirect = REDIRECT,
    readonly scope = "tollgate:tools offline_access",
  ) {}
  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Test Agent Client",
      redirect_uris: [this.redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: this.scope,
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** A new org admin key for an org seeded by seedOrg (seedOrg makes MCP keys only). */
export async function adminKey(orgId: string): Promise<string> {
  const key = await generateKey("admin");
  await db(env)
    .insert(apiKeys)
    .values({ id: newId("key"), orgId, scope: "admin", prefix: key.prefix, hash: key.hash })
    .run();
  return key.secret;
}

/** A dashboard session (the dashboard signs in with admin keys only). */
export async function adminCookie(orgId: string): Promise<string> {
  return signIn(await adminKey(orgId));
}

export type ConsentAnswer = { agent: string; decision?: "approve" | "deny"; governance?: boolean };

/** Opens the consent page as the signed-in operator and submits it; returns the page and the redirect. */
export async function answerConsent(authorizationUrl: URL | string, cookie: string, answer: ConsentAnswer) {
  const url = new URL(authorizationUrl);
  const page = await exports.default.fetch(
    new Request(`${GW}${url.pathname}${url.search}`, { headers: { cookie }, redirect: "manual" }),
  );
  const html = await page.text();
  if (page.status !== 200)
    return { page: { status: page.status, html, location: page.headers.get("location") } };
  const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const consentCookies = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const form: Record<string, string> = {
    _csrf: csrfOf(html),
    handle,
    agent: answer.agent,
    decision: answer.decision ?? "approve",
  };
  if (answer.governance) form.scope = "tollgate:governance";
  const posted = await exports.default.fetch(
    new Request(`${GW}/dashboard/oauth/authorize`, {
      method: "POST",
      headers: {
        cookie: [cookie, consentCookies].filter(Boolean).join("; "),
        "content-type": "application/x-www-form-urlencoded",
        origin: GW,
      },
      body: new URLSearchParams(form).toString(),
      redirect: "manual",
    }),
  );
  return {
    page: { status: page.status, html, location: null },
    status: posted.status,
    location: posted.headers.get("location"),
    body: await posted.text(),
  };
}

/**
 * The whole flow with the SDK's auth(): discovery from the 401, registration (DCR), the consent page,
 * the code exchange. Returns the provider holding the tokens.
 */
export async function connectWithOAuth(
  cookie: string,
  answer: ConsentAnswer,
  provider = new MemoryOAuthProvider(),
  inspect?: (consentHtml: string) => void,
): Promise<MemoryOAuthProvider> {
  const serverUrl = `${GW}/mcp`;
  const first = await auth(provider, { serverUrl, fetchFn: gatewayFetch });
  if (first !== "REDIRECT" || !provider.authorizationUrl)
    throw new Error(`expected a redirect, got ${first}`);
  const answered = await answerConsent(provider.authorizationUrl, cookie, answer);
  inspect?.(answered.page.html);
  if (!answered.location)
    throw new Error(
      `consent failed: ${answered.status} ${answered.body ?? answered.page.html.slice(0, 500)}`,
    );
  const code = new URL(answered.location).searchParams.get("code");
  if (!code) throw new Error(`no code in ${answered.location}`);
  const done = await auth(provider, { serverUrl, authorizationCode: code, fetchFn: gatewayFetch });
  if (done !== "AUTHORIZED") throw new Error(`expected AUTHORIZED, got ${done}`);
  return provider;
}

export { request };
