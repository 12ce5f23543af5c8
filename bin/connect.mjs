// `tollgate connect <url>`: a local stdio MCP server for clients that only speak stdio. Every message
// is relayed as is to the remote gateway over Streamable HTTP (and back), so the gateway keeps judging
// every call. Credentials: TOLLGATE_KEY (sent as a Bearer header, never in the URL), or OAuth: the first
// run opens the consent page in the browser, later runs reuse and refresh the token kept in
// $XDG_CONFIG_HOME/tollgate (~/.config/tollgate), file mode 0600. Decision: docs/decisions/0031-oauth.md.
// stdout is the MCP channel: everything for the person goes to stderr.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const log = (...parts) => process.stderr.write(`tollgate: ${parts.join(" ")}\n`);

function configDir() {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  const dir = join(base, "tollgate");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** OAuthClientProvider keeping the client registration and tokens for one gateway URL in a file. */
class FileOAuthProvider {
  constructor(serverUrl, redirectUrl) {
    const id = createHash("sha256").update(serverUrl).digest("hex").slice(0, 16);
    this.file = join(configDir(), `oauth-${id}.json`);
    this.redirect = redirectUrl;
    this.pendingUrl = null;
    try {
      this.data = JSON.parse(readFileSync(this.file, "utf8"));
    } catch {
      this.data = { serverUrl };
    }
  }
  save() {
    writeFileSync(this.file, JSON.stringify(this.data, null, 2), { mode: 0o600 });
  }
  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata() {
    return {
      client_name: "Tollgate stdio bridge",
      redirect_uris: [this.redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      scope: "tollgate:tools tollgate:governance offline_access",
    };
  }
  clientInformation() {
    return this.data.client;
  }
  saveClientInformation(client) {
    this.data.client = client;
    this.save();
  }
  tokens() {
    return this.data.tokens;
  }
  saveTokens(tokens) {
    this.data.tokens = tokens;
    this.save();
  }
  redirectToAuthorization(url) {
    this.pendingUrl = url;
  }
  saveCodeVerifier(v) {
    this.data.verifier = v;
    this.save();
  }
  codeVerifier() {
    return this.data.verifier;
  }
  invalidateCredentials(scope) {
    if (scope === "all" || scope === "client") delete this.data.client;
    if (scope === "all" || scope === "tokens") delete this.data.tokens;
    if (scope === "all" || scope === "verifier") delete this.data.verifier;
    this.save();
  }
}

function openBrowser(url) {
  if (process.env.TOLLGATE_NO_BROWSER) return;
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    spawn(cmd, [url], { stdio: "ignore", detached: true })
      .on("error", () => undefined)
      .unref();
  } catch {
    // printed on stderr as well
  }
}

/** The loopback callback (RFC 8252): resolves with the code the gateway sends back, once. */
function callbackServer() {
  return new Promise((resolve, reject) => {
    let deliver;
    const code = new Promise((r) => {
      deliver = r;
    });
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname !== "/callback") {
        res.writeHead(404).end();
        return;
      }
      const got = url.searchParams.get("code");
      const error = url.searchParams.get("error");
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end(got ? "Connected. You can close this tab." : `Not connected: ${error ?? "no code"}`);
      deliver({ code: got, error });
    });
    server.once("error", reject);
    server.listen(Number(process.env.TOLLGATE_CALLBACK_PORT || 0), "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ redirectUrl: `http://127.0.0.1:${port}/callback`, code, close: () => server.close() });
    });
  });
}

/** Tokens for `serverUrl`: the saved ones (refreshed by the SDK when due), or the browser flow. */
async function oauthProvider(serverUrl) {
  const cb = await callbackServer();
  const provider = new FileOAuthProvider(serverUrl, cb.redirectUrl);
  // The redirect URI's port changes per run; the gateway matches loopback URIs port-free (RFC 8252).
  if (provider.data.client) provider.data.client.redirect_uris = [cb.redirectUrl];
  let result = await auth(provider, { serverUrl });
  if (result === "REDIRECT") {
    const url = String(provider.pendingUrl);
    log(`open this URL to connect (consent in the Tollgate dashboard):\n${url}`);
    openBrowser(url);
    const answer = await cb.code;
    if (!answer.code) throw new Error(`authorization refused: ${answer.error ?? "no code"}`);
    result = await auth(provider, { serverUrl, authorizationCode: answer.code });
  }
  cb.close();
  if (result !== "AUTHORIZED") throw new Error(`authorization did not complete (${result})`);
  log("connected with OAuth; the token is kept in", provider.file);
  return provider;
}

export async function connect(rawUrl) {
  if (!rawUrl) throw new Error("usage: tollgate connect <https://gateway.example/mcp>");
  const url = new URL(rawUrl);
  if (/\/tg_[a-z]+_/.test(url.pathname)) {
    throw new Error("the URL holds an API key: connect to /mcp and put the key in TOLLGATE_KEY instead");
  }
  const key = process.env.TOLLGATE_KEY;
  const remote = new StreamableHTTPClientTransport(
    url,
    key
      ? { requestInit: { headers: { authorization: `Bearer ${key}` } } }
      : { authProvider: await oauthProvider(url.href) },
  );
  const local = new StdioServerTransport();
  const initializing = new Set();
  local.onmessage = (message) => {
    if (message.method === "initialize" && "id" in message) initializing.add(message.id);
    remote.send(message).catch((err) => {
      log("gateway:", err.message);
      if ("id" in message && message.method) {
        local.send({
          jsonrpc: "2.0",
          id: message.id,
          error: { code: -32603, message: `Tollgate bridge: ${err.message}` },
        });
      }
    });
  };
  remote.onmessage = (message) => {
    // The negotiated version goes on every later request (MCP-Protocol-Version), as the SDK client does.
    if ("id" in message && initializing.delete(message.id) && message.result?.protocolVersion) {
      remote.setProtocolVersion(message.result.protocolVersion);
    }
    local.send(message).catch(() => undefined);
  };
  remote.onerror = (err) => log("gateway:", err.message);
  local.onclose = () => {
    remote
      .terminateSession?.()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  await remote.start();
  await local.start();
  log(`relaying stdio to ${url.origin}${url.pathname}`);
}
