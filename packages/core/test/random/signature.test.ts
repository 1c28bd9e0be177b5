import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { signPayload, verifySignature } from "../../src/index.js";

describe("request signatures", () => {
  it("matches an HMAC-SHA256 computed independently", async () => {
    // Python: hmac.new(b"secret", b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest()
    const header = await signPayload("secret", '{"a":1}', 1_700_000_000);
    const { createHmac } = await import("node:crypto");
    const expected = createHmac("sha256", "secret").update('1700000000.{"a":1}').digest("hex");
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  it("accepts its own signature and rejects tampering, wrong secrets and stale timestamps", async () => {
    const now = 1_800_000_000;
    const h = await signPayload("s3", "body", now);
    expect(await verifySignature("s3", h, "body", now + 10)).toEqual({ ok: true });
    expect((await verifySignature("s3", h, "body!", now)).ok).toBe(false);
    expect((await verifySignature("other", h, "body", now)).ok).toBe(false);
    const stale = await verifySignature("s3", h, "body", now + 301);
    expect(stale).toEqual({ ok: false, reason: expect.stringMatching(/300 s/) });
    expect((await verifySignature("s3", h, "body", now - 301)).ok).toBe(false);
    expect((await verifySignature("s3", null, "body", now)).ok).toBe(false);
    expect((await verifySignature("s3", "garbage", "body", now)).ok).toBe(false);
    expect((await verifySignature("s3", "t=abc,v1=00", "body", now)).ok).toBe(false);
  });

  it("signs an empty body as '<t>.'", async () => {
    const { createHmac } = await import("node:crypto");
    const h = await signPayload("k", "", 1234);
    expect(h).toBe(`t=1234,v1=${createHmac("sha256", "k").update("1234.").digest("hex")}`);
  });

  it("round-trips arbitrary bodies (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string({ minLength: 1 }), fc.integer({ min: 0, max: 2 ** 31 }), async (body, secret, t) => {
        const h = await signPayload(secret, body, t);
        return (await verifySignature(secret, h, body, t)).ok;
      }),
      { numRuns: 50 },
    );
  });
});
