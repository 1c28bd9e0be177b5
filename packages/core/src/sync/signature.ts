// The signature scheme of mvx's signed requests (reward webhooks and every control plane <-> edge
// call): X-MVX-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>.
// Uses WebCrypto, present in both Node >= 20 and workerd; the caller passes the clock.

export const SIGNATURE_HEADER = "X-MVX-Signature";
/** Largest accepted distance between `t` and the receiver's clock, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  let hex = "";
  for (const b of mac) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** The X-MVX-Signature header value for `body` signed at `nowSeconds`. */
export async function signPayload(secret: string, body: string, nowSeconds: number): Promise<string> {
  const t = Math.floor(nowSeconds);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Checks a signature header against the raw body, the secret and the receiver's clock. */
export async function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === "t") t = v;
    else if (k === "v1") v1.push(v.toLowerCase());
  }
  if (t === undefined || !/^\d+$/.test(t) || v1.length === 0) {
    return { ok: false, reason: `malformed ${SIGNATURE_HEADER} header: expected t=<unix seconds>,v1=<hex>` };
  }
  const ts = Number(t);
  if (Math.abs(nowSeconds - ts) > toleranceSeconds) {
    return { ok: false, reason: `signature timestamp is more than ${toleranceSeconds} s from now` };
  }
  const expected = await hmacHex(secret, `${t}.${body}`);
  return v1.some((s) => timingSafeEqualHex(s, expected)) ? { ok: true } : { ok: false, reason: "signature does not match" };
}
