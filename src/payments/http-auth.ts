// RFC 9110 `WWW-Authenticate` parsing for the MPP "Payment" scheme (reference 1.1.1): several challenges per
// value (Fetch joins repeated headers with ", "), other schemes mixed in, quoted strings with escapes.
import { decodeBase64Text, encodeBase64UrlText, parseJsonText } from "./base64";
import { tryCanonicalJson } from "./jcs";
import { asRecord } from "./wire";

/** One challenge as RFC 9110 frames it: a scheme, then auth-params or a token68. */
export type AuthChallenge = { scheme: string; params: Map<string, string>; duplicate: string | null };

/** mppx rejects a longer `request` (reference 1.1.1); so do we, before decoding it. */
export const MAX_REQUEST_PARAM_LENGTH = 16 * 1024;

const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68 = /[A-Za-z0-9\-._~+/]/;
const WS = /[ \t]/;

/**
 * Every challenge in a `WWW-Authenticate` value, whatever its scheme. Parameter names are lowercased
 * (they are case-insensitive); a repeated name is kept in `duplicate` so the caller can refuse it.
 * Parsing stops at the first byte the grammar does not allow: what came before is kept.
 */
export function parseAuthChallenges(value: string): AuthChallenge[] {
  const reader = { text: value, at: 0 };
  const challenges: AuthChallenge[] = [];
  for (;;) {
    skip(reader, /[ \t,]/);
    const scheme = readWhile(reader, TCHAR);
    if (scheme === "") break;
    const challenge: AuthChallenge = { scheme, params: new Map(), duplicate: null };
    challenges.push(challenge);
    if (!readParams(reader, challenge)) break;
  }
  return challenges;
}

/** Reads auth-params (or a token68) up to the next challenge; false when the value is malformed. */
function readParams(reader: Reader, challenge: AuthChallenge): boolean {
  for (;;) {
    const start = reader.at;
    skip(reader, /[ \t,]/);
    if (reader.at >= reader.text.length) return true;
    const name = readWhile(reader, TCHAR);
    if (name === "") {
      // token68 after the scheme (e.g. `Basic dXNlcg==`): not ours to read, skip it.
      if (readWhile(reader, TOKEN68) === "") return false;
      readWhile(reader, /=/);
      continue;
    }
    skip(reader, WS);
    if (reader.text[reader.at] !== "=") {
      reader.at = start; // a token not followed by "=" starts the next challenge
      return true;
    }
    reader.at++;
    skip(reader, WS);
    const raw = reader.text[reader.at] === '"' ? readQuoted(reader) : readWhile(reader, TCHAR);
    if (raw === null) return false;
    if (raw === "" && reader.text[reader.at] === "=") readWhile(reader, /=/); // token68 padding
    const key = name.toLowerCase();
    if (challenge.params.has(key)) challenge.duplicate ??= key;
    else challenge.params.set(key, raw);
  }
}

type Reader = { text: string; at: number };

function skip(reader: Reader, chars: RegExp): void {
  while (reader.at < reader.text.length && chars.test(reader.text[reader.at] ?? "")) reader.at++;
}

function readWhile(reader: Reader, chars: RegExp): string {
  const start = reader.at;
  skip(reader, chars);
  return reader.text.slice(start, reader.at);
}

/**
 * A quoted-string from its opening quote: a backslash escapes the next character (RFC 9110), and mppx's
 * backslash-u plus four hex digits (characters above Latin-1, which header values cannot hold) is
 * decoded as mppx's own parser does. Null if unterminated.
 */
function readQuoted(reader: Reader): string | null {
  let out = "";
  for (let i = reader.at + 1; i < reader.text.length; i++) {
    const char = reader.text[i];
    if (char === '"') {
      reader.at = i + 1;
      return out;
    }
    if (char !== "\\") {
      out += char;
      continue;
    }
    const next = reader.text[i + 1];
    if (next === undefined) return null;
    const hex = reader.text.slice(i + 2, i + 6);
    if (next === "u" && /^[0-9A-Fa-f]{4}$/.test(hex)) {
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
    } else {
      out += next;
      i += 1;
    }
  }
  return null;
}

const METHOD = /^[a-z][a-z0-9:_-]*$/;
const INTENT = /^[A-Za-z0-9-]+$/;
const BASE64URL_NOPAD = /^[A-Za-z0-9_-]+$/;
/** Where the credential may go: the draft's default and mppx's `requiresAuth` field, nothing else. */
const CREDENTIAL_FIELDS = new Set(["authorization", "payment-authorization"]);
const OPTIONAL = ["description", "digest", "expires", "opaque"] as const;

/**
 * The challenge object the MCP form carries (request decoded to an object), as mppx's own
 * `Challenge.deserialize` builds it, so mppOffers and mppx's client methods read it unchanged.
 * Unknown parameters are ignored (the draft says so); a string says why the challenge is unusable.
 */
export function paymentChallengeObject(challenge: AuthChallenge): Record<string, unknown> | string {
  if (challenge.duplicate !== null) return `parameter "${clipName(challenge.duplicate)}" appears twice`;
  const p = challenge.params;
  const id = p.get("id");
  const realm = p.get("realm");
  const method = p.get("method");
  const intent = p.get("intent");
  const request = p.get("request");
  if (!id || realm === undefined || !method || !intent || request === undefined)
    return "id, realm, method, intent and request are required";
  if (!METHOD.test(method)) return "method is not lowercase ASCII";
  if (!INTENT.test(intent)) return "intent is not a token of letters, digits and dashes";
  const decoded = decodeRequest(request);
  if (typeof decoded === "string") return decoded;
  const header = p.get("header");
  if (header !== undefined && !CREDENTIAL_FIELDS.has(header.toLowerCase()))
    return "header names a field other than Authorization or Payment-Authorization";
  const out: Record<string, unknown> = { id, realm, method, intent, request: decoded };
  for (const name of OPTIONAL) {
    const value = p.get(name);
    if (value !== undefined) out[name] = value;
  }
  // "Authorization" is the default mppx never advertises (it is outside the id binding): keep it implicit.
  if (header !== undefined && header.toLowerCase() !== "authorization") out.header = header;
  return out;
}

/**
 * `request` must be base64url (no padding) of JCS JSON: the credential echoes the object and mppx
 * re-encodes it canonically, so a non-canonical original could never be echoed byte for byte.
 * The original string is therefore base64url(JCS(object)): a function of the object, never stored.
 */
function decodeRequest(request: string): Record<string, unknown> | string {
  if (request.length > MAX_REQUEST_PARAM_LENGTH) return "request is longer than 16 KiB";
  if (!BASE64URL_NOPAD.test(request)) return "request is not base64url without padding";
  const text = decodeBase64Text(request);
  const object = text === null ? null : asRecord(parseJsonText(text));
  if (text === null || object === null) return "request is not base64url of a JSON object";
  if (tryCanonicalJson(object) !== text) return "request is not canonical (JCS) JSON";
  // Base64 can spell the same bytes twice (non-zero trailing bits): only the one spelling an echo
  // re-encodes to (tollgate_fetch rebuilds an agent's header credential from the object) is read.
  if (encodeBase64UrlText(text) !== request) return "request is not the canonical base64url of its JSON";
  return object;
}

function clipName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
