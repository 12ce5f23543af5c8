// The relay's open/claim contract the bridged questions rely on (ADR 0037): only an opened key takes
// an answer, once, before its expiry; a wait that times out closes its key.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const relay = () => env.ELICITATIONS.getByName(`org_${crypto.randomUUID()}`);

describe("ElicitationRelay open/claim", () => {
  it("a key never opened takes no answer", async () => {
    expect(await relay().claim("k", { a: 1 })).toBe(false);
  });

  it("an opened key takes one answer, whether its waiter came first or not", async () => {
    const r = relay();
    await r.open("early", 5_000);
    expect(await r.claim("early", { a: 1 })).toBe(true);
    expect(await r.claim("early", { a: 2 })).toBe(false);
    expect(await r.wait("early", 1_000)).toEqual({ a: 1 });
    await r.open("late", 5_000);
    const waiting = r.wait("late", 5_000);
    expect(await r.claim("late", { b: 1 })).toBe(true);
    expect(await waiting).toEqual({ b: 1 });
  });

  it("two claims at once: exactly one is taken", async () => {
    const r = relay();
    await r.open("k", 5_000);
    const both = await Promise.all([r.claim("k", 1), r.claim("k", 2)]);
    expect(both.filter(Boolean)).toHaveLength(1);
  });

  it("a wait that times out closes the key: a late answer is refused", async () => {
    const r = relay();
    await r.open("k", 5_000);
    expect(await r.wait("k", 50)).toBeNull();
    expect(await r.claim("k", 1)).toBe(false);
  });
});
