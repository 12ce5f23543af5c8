// The receiver-side manual verification sample from docs/webhooks.md, verbatim (docs.test.ts checks they match).
const TOLERANCE_SECONDS = 300;

export async function verifyTollgateWebhook(request: Request, secret: string): Promise<unknown> {
  const id = request.headers.get("webhook-id");
  const timestamp = request.headers.get("webhook-timestamp") ?? "";
  const signatures = (request.headers.get("webhook-signature") ?? "").split(" ");
  const body = await request.text(); // the raw body: verify before JSON.parse
  if (!id || !/^\d+$/.test(timestamp)) throw new Error("missing webhook headers");
  // Tolerance 0 would mean "same second", never "skip": always check the window.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) throw new Error("stale webhook");

  // The key is the base64 after "whsec_", decoded: not the secret string itself.
  const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  for (const entry of signatures) {
    const [version, mac] = entry.split(",", 2);
    if (version !== "v1" || !mac || !/^[A-Za-z0-9+/]{43}=$/.test(mac)) continue; // other schemes: skip
    const bytes = Uint8Array.from(atob(mac), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify("HMAC", key, bytes, signed)) return JSON.parse(body); // constant-time compare
  }
  throw new Error("bad webhook signature");
}
