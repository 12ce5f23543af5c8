// The dashboard's pure helpers: the LCS line diff, wall-time inputs in a time zone, bar ratios, CSV cells.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineDiff } from "../../src/dashboard/diff";
import { duration, instantToLocalInput, localInputToInstant, perMille } from "../../src/dashboard/format";
import { toCsv } from "../../src/dashboard/tx-filter";

describe("lineDiff", () => {
  it("marks changed lines and keeps the common ones", () => {
    const d = lineDiff("a\nb\nc\n", "a\nx\nc\nd\n");
    expect(d.map((l) => `${l.op}:${l.text}`)).toEqual(["same:a", "del:b", "add:x", "same:c", "add:d"]);
    expect(d.find((l) => l.text === "x")).toMatchObject({ oldLine: null, newLine: 2 });
  });

  it("rebuilds both texts and keeps a longest common subsequence", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (x, y) => {
        const d = lineDiff(x.join("\n"), y.join("\n"));
        expect(d.filter((l) => l.op !== "add").map((l) => l.text)).toEqual(x.length ? x : []);
        expect(d.filter((l) => l.op !== "del").map((l) => l.text)).toEqual(y.length ? y : []);
        const same = d.filter((l) => l.op === "same").length;
        expect(same).toBe(lcsLength(x, y));
      }),
    );
  });
});

function lcsLength(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}

describe("time helpers", () => {
  it("reads datetime-local values as wall time in the zone, DST included", () => {
    expect(localInputToInstant("2026-01-15T09:30", "Europe/Paris")).toBe(Date.UTC(2026, 0, 15, 8, 30));
    expect(localInputToInstant("2026-07-15T09:30", "Europe/Paris")).toBe(Date.UTC(2026, 6, 15, 7, 30));
    expect(localInputToInstant("2026-07-15T09:30", "Asia/Kolkata")).toBe(Date.UTC(2026, 6, 15, 4, 0));
    expect(localInputToInstant("yesterday", "UTC")).toBeNull();
    const t = Date.UTC(2026, 2, 29, 12, 0);
    expect(localInputToInstant(instantToLocalInput(t, "America/New_York"), "America/New_York")).toBe(t);
  });

  it("formats durations", () => {
    expect(duration(0)).toBe("expired");
    expect(duration(252_000)).toBe("4m 12s");
    expect(duration(2 * 3_600_000 + 5 * 60_000)).toBe("2h 05m");
  });
});

it("computes bar ratios exactly from base units", () => {
  expect(perMille(1n, 3n)).toBe(333);
  expect(perMille(5n, 0n)).toBe(0);
  expect(perMille(10n ** 30n, 10n ** 29n)).toBe(1000);
});

it("escapes CSV cells and defuses formulas", () => {
  const csv = toCsv([
    {
      id: "tx_1",
      agentId: "agt",
      sessionId: null,
      tool: '=HYPERLINK("x")',
      upstreamId: null,
      kind: "payment",
      price: { amount: "1500", currency: "USD", decimals: 2, display: "15.00 USD" },
      committed: null,
      vendor: "a,b",
      decision: "allow",
      shadow: false,
      reasonCode: null,
      reason: null,
      rules: [],
      status: "committed",
      unconfirmed: false,
      challengeId: null,
      receiptRef: null,
      approvalId: null,
      walletId: null,
      createdAt: 0,
      updatedAt: 0,
      receipts: [],
    },
  ]);
  const row = csv.split("\r\n")[1]!;
  expect(row).toContain(`"'=HYPERLINK(""x"")"`);
  expect(row).toContain(",15.00,,USD,");
  expect(row).toContain('"a,b"');
});
