// Base64 JSON decoding for payment metadata: x402 uses standard base64 with padding, MPP base64url without.

const ALPHABET = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** Decodes standard base64 or base64url (padding optional) to UTF-8 text; null when malformed. */
export function decodeBase64Text(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.length === 0 || !ALPHABET.test(trimmed)) return null;
  const body = trimmed.replace(/=+$/, "");
  if (body.length % 4 === 1) return null;
  if (trimmed.length > body.length && trimmed.length % 4 !== 0) return null;
  const standard = body.replace(/-/g, "+").replace(/_/g, "/");
  try {
    const binary = atob(standard + "=".repeat((4 - (standard.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** Parses JSON text; null instead of throwing. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** JSON carried as base64/base64url text; null when either layer is malformed. */
export function decodeBase64Json(input: string): unknown {
  const text = decodeBase64Text(input);
  return text === null ? null : parseJsonText(text);
}

/** UTF-8 text as base64url without padding (MPP's `request` and credential encoding). */
export function encodeBase64UrlText(text: string): string {
  return encodeBase64Text(text).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** UTF-8 text as standard base64 with padding (x402's header encoding). */
export function encodeBase64Text(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
