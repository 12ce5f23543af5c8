// Byte encodings the gateway writes into ids, tokens and cookies: hex, and base64url without padding.

export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The bytes of a base64url (or base64) text; null when it is not one. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export const utf8 = {
  encode: (text: string): Uint8Array<ArrayBuffer> => enc.encode(text) as Uint8Array<ArrayBuffer>,
  decode: (bytes: Uint8Array): string => dec.decode(bytes),
};
