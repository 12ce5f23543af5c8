// Endpoint signing secrets: "whsec_" + 32 base62 characters, shown to the operator once. Base62 is a subset
// of the base64 alphabet and 32 characters need no padding, so the suffix is canonical base64 of a 24-byte
// HMAC key (the Standard Webhooks minimum) with ~190 bits of entropy, and has no "+", "/" or "=".
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9]{32}$/;

export function newWebhookSecret(): string {
  const chars: string[] = [];
  while (chars.length < 32) {
    for (const byte of crypto.getRandomValues(new Uint8Array(48))) {
      // 248 = 4 * 62: rejecting the top bytes keeps every character equally likely.
      if (byte < 248 && chars.length < 32) chars.push(ALPHABET[byte % 62]!);
    }
  }
  return `whsec_${chars.join("")}`;
}
