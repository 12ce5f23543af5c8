// The OAuth client is the adversary (ADR 0031): each case is what a hostile client or agent sends, and
// asserts the spec's answer and that nothing was granted or reached the upstream.
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCESS_TOKEN_TTL_S } from "../../src/services/oauth";
import { updateOrg } from "../../src/services/orgs";
import { post } from "../dashboard/helpers";
import { connectMcp } from "../helpers/mcp-client";
import {
  adminCookie,
  answerConsent,
  connectWithOAuth,
  GW,
  gatewayFetch,
  REDIRECT,
} from "../helpers/oauth-client";
import { type Seeded, seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
});

function mcpPost(token: string, url = `${GW}/mcp`) {
  return exports.default.fetch(
    new Request(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: INIT,
    }),
  );
}

async function register(redirect = REDIRECT, name = "Hostile Client"): Promise<string> {
  const res = await gatewayFetch(`${GW}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [redirect],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { client_id: string }).client_id;
}

async function pkce() {
  const verifier = `${crypto.randomUUID()}${crypto.randomUUID()}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const challenge = btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  return { verifier, challenge };
}

function authorizeUrl(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `${GW}/dashboard/oauth/authorize?${q}`;
}

/**
 * An authorize URL as a well-behaved public client would send it (a fresh registration, S256 PKCE,
 * this resource), with `overrides` applied: each case changes only what its attack is about, and an
 * undefined value drops the parameter.
 */
async function hostileAuthorize(overrides: Record<string, string | undefined> = {}): Promise<string> {
  const { challenge } = await pkce();
  return authorizeUrl({
    response_type: "code",
    client_id: "client_id" in overrides ? overrides.client_id : await register(),
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource: `${GW}/mcp`,
    ...overrides,
  });
}

let org: Seeded;
let cookie: string;
let upstreamHost: string;
beforeAll(async () => {
  upstreamHost = witnessHost();
  org = await seedOrg({
    agents: [{ name: "alpha", isDefault: true }, { name: "beta" }],
    upstreams: [{ namespace: "paid", url: `https://${upstreamHost}/mcp` }],
  });
  cookie = await adminCookie(org.orgId);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("hostile OAuth clients", () => {
  it("a redirect URI the client did not register gets a local error page, never a redirect", async () => {
    const r = await answerConsent(
      await hostileAuthorize({ redirect_uri: "https://attacker.example/steal", state: "s1" }),
      cookie,
      { agent: org.agentIds.alpha! },
    );
    expect(r.page.status).toBe(400);
    expect(r.page.location).toBeNull();
    expect(r.page.html).toContain("invalid_request");
    expect(r.status).toBeUndefined();
  });

  it("a client name carrying markup is shown as text on the consent page", async () => {
    const clientId = await register(REDIRECT, '<img src=x onerror="alert(1)">Claude');
    const r = await answerConsent(await hostileAuthorize({ client_id: clientId }), cookie, {
      agent: org.agentIds.alpha!,
      decision: "deny",
    });
    expect(r.page.status).toBe(200);
    expect(r.page.html).not.toContain("<img src=x");
    expect(r.page.html).toContain("&lt;img src=x");
    // Deny goes back to the client with access_denied and no code.
    const back = new URL(r.location ?? "");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("a public client without PKCE is sent back with invalid_request and the issuer (RFC 9207)", async () => {
    const r = await answerConsent(
      await hostileAuthorize({ code_challenge: undefined, code_challenge_method: undefined, state: "s2" }),
      cookie,
      { agent: org.agentIds.alpha! },
    );
    expect(r.page.status).toBe(302);
    const back = new URL(r.page.location ?? "");
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("state")).toBe("s2");
    expect(back.searchParams.get("iss")).toBe(GW);
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("plain PKCE (not S256) is refused", async () => {
    const r = await answerConsent(
      await hostileAuthorize({ code_challenge: "a".repeat(50), code_challenge_method: "plain" }),
      cookie,
      { agent: org.agentIds.alpha! },
    );
    expect(new URL(r.page.location ?? "https://x/").searchParams.get("error")).toBe("invalid_request");
  });

  it("a resource indicator for another server gets invalid_target", async () => {
    const r = await answerConsent(
      await hostileAuthorize({ resource: "https://other-mcp.example/mcp" }),
      cookie,
      { agent: org.agentIds.alpha! },
    );
    expect(new URL(r.page.location ?? "https://x/").searchParams.get("error")).toBe("invalid_target");
  });

  it("a token issued for this origin's resource is refused on another served origin", async () => {
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.alpha! });
    const token = provider.saved!.access_token;
    expect((await mcpPost(token)).status).toBe(200);
    const elsewhere = await mcpPost(token, "http://localhost/mcp");
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("an expired access token gets 401 invalid_token with the challenge", async () => {
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.alpha! });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + (ACCESS_TOKEN_TTL_S + 60) * 1000);
    const res = await mcpPost(provider.saved!.access_token);
    expect(res.status).toBe(401);
    const challenge = res.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain("resource_metadata=");
  });

  it("a token revoked by the client (RFC 7009) stops working at once", async () => {
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.alpha! });
    const token = provider.saved!.access_token;
    const res = await gatewayFetch(`${GW}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, client_id: provider.info!.client_id }),
    });
    expect(res.status).toBe(200);
    expect((await mcpPost(token)).status).toBe(401);
  });

  it("a grant the operator revoked in the dashboard stops its tokens and its refresh token", async () => {
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.beta! });
    const page = await exports.default.fetch(
      new Request(`${GW}/dashboard/connected`, { headers: { cookie } }),
    );
    const html = await page.text();
    const action = new RegExp(`/dashboard/connected/${org.agentIds.beta}/([^/"]+)/revoke`).exec(html);
    expect(action).not.toBeNull();
    const r = await post(cookie, action![0], {}, "/dashboard/connected");
    expect(r.status).toBe(303);
    expect((await mcpPost(provider.saved!.access_token)).status).toBe(401);
    const refresh = await gatewayFetch(`${GW}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: provider.saved!.refresh_token!,
        client_id: provider.info!.client_id,
      }),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("a Client ID Metadata Document URL on a private or internal address is refused before any fetch", async () => {
    for (const clientId of [
      "https://127.0.0.1/client.json",
      "https://10.0.0.7/oauth/client",
      "https://[::1]/client",
      "https://metadata.internal/client.json",
      "https://169.254.169.254/latest/meta-data",
    ]) {
      const r = await answerConsent(await hostileAuthorize({ client_id: clientId }), cookie, {
        agent: org.agentIds.alpha!,
      });
      expect(r.page.status, clientId).toBe(400);
      expect(r.page.html, clientId).toContain("invalid_client");
      expect(r.page.location, clientId).toBeNull();
    }
  });

  it("the token endpoint refuses a metadata URL on a private address as an unknown client", async () => {
    for (const clientId of ["https://127.0.0.1/client.json", "https://metadata.internal/c"]) {
      const res = await gatewayFetch(`${GW}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "authorization_code", code: "a:b:c", client_id: clientId }),
      });
      expect(res.status, clientId).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("invalid_client");
    }
  });

  it("stale tokens from one shared address do not lock out a valid token from it", async () => {
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.alpha! });
    const shared = { "cf-connecting-ip": "198.51.100.77" };
    const send = (token: string) =>
      exports.default.fetch(
        new Request(`${GW}/mcp`, {
          method: "POST",
          headers: {
            ...shared,
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
          body: INIT,
        }),
      );
    for (let i = 0; i < 40; i++) expect((await send(`org_x.agt_y:g${i}:stale${i}`)).status).toBe(401);
    expect((await send(provider.saved!.access_token)).status).toBe(200);
  });

  it("a token for agent alpha acts as alpha only: it is no key in a path and no key for beta", async () => {
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.alpha! });
    const token = provider.saved!.access_token;
    // Smuggled into the key-in-URL forms, the token is not a key.
    expect((await mcpPost("", `${GW}/${encodeURIComponent(token)}/mcp`)).status).toBe(401);
    expect((await mcpPost("", `${GW}/${encodeURIComponent(token)}/agents/beta/mcp`)).status).toBe(401);
    // A session minted for alpha's token is refused with beta's key.
    const init = await mcpPost(token);
    const session = init.headers.get("mcp-session-id") ?? "";
    expect(session).not.toBe("");
    const crossed = await exports.default.fetch(
      new Request(`${GW}/mcp`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${org.agentKeys.beta}`,
          "mcp-session-id": session,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
      }),
    );
    expect(crossed.status).toBe(404);
  });

  it("the consent form cannot bind the token to another org's agent", async () => {
    const other = await seedOrg();
    const provider = await connectWithOAuth(cookie, { agent: org.agentIds.alpha! }).catch(() => null);
    expect(provider).not.toBeNull();
    await expect(connectWithOAuth(cookie, { agent: other.agentIds.main! })).rejects.toThrow(
      /consent failed: 400/,
    );
  });

  it("a consent handle works once: replaying the approval grants nothing more", async () => {
    const url = await hostileAuthorize();
    const first = await answerConsent(url, cookie, { agent: org.agentIds.alpha! });
    expect(first.status).toBe(302);
    const handle = /name="handle" value="([^"]+)"/.exec(first.page.html)?.[1] ?? "";
    const replay = await post(
      cookie,
      "/dashboard/oauth/authorize",
      { handle, agent: org.agentIds.alpha!, decision: "approve" },
      "/dashboard/connected",
    );
    expect(replay.status).toBe(400);
    expect(replay.location).toBeNull();
  });

  it("without a dashboard session the authorize page sends the operator to sign in and back", async () => {
    const url = new URL(authorizeUrl({ response_type: "code", client_id: "x" }));
    const res = await exports.default.fetch(new Request(url, { redirect: "manual" }));
    expect(res.status).toBe(303);
    const loc = res.headers.get("location") ?? "";
    expect(loc.startsWith("/dashboard/signin?next=")).toBe(true);
    expect(decodeURIComponent(loc.slice("/dashboard/signin?next=".length))).toBe(
      `${url.pathname}${url.search}`,
    );
  });

  it("a cross-site arrival without the Strict cookie gets one same-origin hop, not a sign-in loop", async () => {
    const url = authorizeUrl({ response_type: "code", client_id: "x" });
    const res = await exports.default.fetch(
      new Request(url, { headers: { "sec-fetch-site": "cross-site" } }),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    const path = url.slice(GW.length).replace(/&/g, "&amp;");
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${path}"`);
  });

  it("sign-in's next accepts the authorize page only (no open redirect)", async () => {
    for (const next of [
      "https://evil.example/x",
      "//evil.example/dashboard/oauth/authorize?a=1",
      "/dashboard/keys",
    ]) {
      const page = await exports.default.fetch(
        new Request(`${GW}/dashboard/signin?next=${encodeURIComponent(next)}`),
      );
      expect(await page.text(), next).not.toContain('name="next"');
    }
  });

  it("the upstream never saw any client's token or a bearer header", async () => {
    const seen = await witness(upstreamHost);
    for (const r of seen.requests) expect(r.headerValues.toLowerCase()).not.toContain("bearer");
  });
});

describe("org setting: require OAuth", () => {
  it("refuses path keys but keeps bearer keys and OAuth tokens", async () => {
    const o = await seedOrg();
    await updateOrg(env, o.orgId, { settings: { requireOAuth: true } });
    const path = await mcpPost("", o.url(o.agentKeys.main!));
    expect(path.status).toBe(403);
    expect(((await path.json()) as { error: { message: string } }).error.message).toContain("OAuth");
    const bearer = await connectMcp(`${GW}/mcp`, {
      headers: { authorization: `Bearer ${o.agentKeys.main}` },
    });
    await bearer.close();
    const provider = await connectWithOAuth(await adminCookie(o.orgId), { agent: o.agentIds.main! });
    expect((await mcpPost(provider.saved!.access_token)).status).toBe(200);
  });
});
