// The one HMAC-SHA256 signer for what the gateway hands out and takes back unchanged: gateway
// session ids, dashboard cookies and CSRF tokens. Each use names its purpose, which is mixed into the
// key, so a token signed for one purpose never verifies for another.
import { base64url, fromBase64url, utf8 } from "./encoding";

export type Signer = {
  /** base64url HMAC of `text`. */
  sign(text: string): Promise<string>;
  /** Constant-time check of a base64url signature (subtle.verify). */
  verify(text: string, signature: string): Promise<boolean>;
};

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(material: string): Promise<CryptoKey> {
  let key = keys.get(material);
  if (!key) {
    if (keys.size > 64) keys.clear();
    key = crypto.subtle.importKey("raw", utf8.encode(material), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(material, key);
  }
  return key;
}

/** `purpose` "" keeps the raw secret as the key (gateway session ids issued before this module). */
export function signer(secret: string, purpose: string): Signer {
  const material = purpose ? `${purpose}|${secret}` : secret;
  return {
    async sign(text) {
      const mac = await crypto.subtle.sign("HMAC", await keyFor(material), utf8.encode(text));
      return base64url(new Uint8Array(mac));
    },
    async verify(text, signature) {
      const bytes = fromBase64url(signature);
      if (!bytes) return false;
      return crypto.subtle.verify("HMAC", await keyFor(material), bytes, utf8.encode(text));
    },
  };
}
