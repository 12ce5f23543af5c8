// The receiver-side verification sample from docs/webhooks.md, verbatim (docs.test.ts checks they match).
const TOLERANCE_SECONDS = 300;

export async function verifyTollgateWebhook(request: Request, secret: string): Promise<unknown> {
  const header = request.headers.get("Tollgate-Signature") ?? "";
  const body = await request.text(); // the raw body: verify before JSON.parse
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.split("=", 2);
    if (key === "t" && /^\d+$/.test(value ?? "")) t = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/.test(value ?? "")) v1.push(value!);
  }
  if (t === null || v1.length === 0) throw new Error("malformed Tollgate-Signature");
  // Tolerance 0 would mean "same second", never "skip": always check the window.
  if (Math.abs(Date.now() / 1000 - t) > TOLERANCE_SECONDS) throw new Error("stale webhook");

  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const signed = enc.encode(`${t}.${body}`);
  for (const hex of v1) {
    const mac = new Uint8Array(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) return JSON.parse(body); // constant-time compare
  }
  throw new Error("bad webhook signature");
}
