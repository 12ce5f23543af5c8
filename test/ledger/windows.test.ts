// Calendar windows in IANA zones: DST days of 23/25 hours, Monday weeks, 28..31-day months, and the
// structural properties every window must have (contains now, contiguous, stable inside itself).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { windowBounds } from "../../src/ledger/windows";

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("windowBounds", () => {
  it("has no bounds for total and session", () => {
    expect(windowBounds("total", "UTC", 0)).toBeNull();
    expect(windowBounds("session", "Asia/Tokyo", 0)).toBeNull();
  });

  it("puts Asia/Shanghai midnight at 16:00 UTC", () => {
    const b = windowBounds("day", "Asia/Shanghai", Date.parse("2031-01-15T15:59:59.999Z"))!;
    expect([iso(b.start), iso(b.end)]).toEqual(["2031-01-14T16:00:00.000Z", "2031-01-15T16:00:00.000Z"]);
    const next = windowBounds("day", "Asia/Shanghai", Date.parse("2031-01-15T16:00:00.000Z"))!;
    expect(next.start).toBe(b.end);
  });

  it("makes America/New_York DST days 23 and 25 hours long", () => {
    const spring = windowBounds("day", "America/New_York", Date.parse("2031-03-09T12:00:00Z"))!;
    expect([iso(spring.start), iso(spring.end)]).toEqual([
      "2031-03-09T05:00:00.000Z",
      "2031-03-10T04:00:00.000Z",
    ]);
    expect(spring.end - spring.start).toBe(23 * H);
    const fall = windowBounds("day", "America/New_York", Date.parse("2031-11-02T12:00:00Z"))!;
    expect([iso(fall.start), iso(fall.end)]).toEqual([
      "2031-11-02T04:00:00.000Z",
      "2031-11-03T05:00:00.000Z",
    ]);
    expect(fall.end - fall.start).toBe(25 * H);
  });

  it("starts weeks on Monday in the line's zone", () => {
    // 2031-01-15 is a Wednesday.
    const w = windowBounds("week", "UTC", Date.parse("2031-01-15T10:00:00Z"))!;
    expect([iso(w.start), iso(w.end)]).toEqual(["2031-01-13T00:00:00.000Z", "2031-01-20T00:00:00.000Z"]);
    // Sunday 23:30 in Tokyo is still the week that began Monday 2031-01-13 local.
    const t = windowBounds("week", "Asia/Tokyo", Date.parse("2031-01-19T14:30:00Z"))!;
    expect(iso(t.start)).toBe("2031-01-12T15:00:00.000Z");
    // The week holding the New York spring-forward (Sunday 2031-03-09) is 167 hours.
    const dst = windowBounds("week", "America/New_York", Date.parse("2031-03-05T12:00:00Z"))!;
    expect(dst.end - dst.start).toBe(167 * H);
  });

  it.each([
    ["2031-02-14T00:00:00Z", 28],
    ["2032-02-29T23:59:59Z", 29],
    ["2031-04-30T12:00:00Z", 30],
    ["2031-01-31T23:00:00Z", 31],
    ["2031-12-31T23:59:59Z", 31],
  ])("makes the month of %s %i days long", (at, days) => {
    const m = windowBounds("month", "UTC", Date.parse(at))!;
    expect(m.end - m.start).toBe(days * 24 * H);
    expect(new Date(m.start).getUTCDate()).toBe(1);
  });

  it("aligns hours to half-hour zones", () => {
    const h = windowBounds("hour", "Asia/Kolkata", Date.parse("2031-01-15T10:10:00Z"))!;
    expect([iso(h.start), iso(h.end)]).toEqual(["2031-01-15T09:30:00.000Z", "2031-01-15T10:30:00.000Z"]);
  });

  it("handles a zone whose DST jump skips local midnight (America/Santiago)", () => {
    // Chile springs forward at 24:00 on 2031-09-06: local 2031-09-07 begins at 01:00 (-03) and
    // lasts 23 hours; the day before is a normal 24.
    const d = windowBounds("day", "America/Santiago", Date.parse("2031-09-07T12:00:00Z"))!;
    expect(iso(d.start)).toBe("2031-09-07T04:00:00.000Z");
    expect(d.end - d.start).toBe(23 * H);
    const before = windowBounds("day", "America/Santiago", d.start - 1)!;
    expect(before.end).toBe(d.start);
    expect(before.end - before.start).toBe(24 * H);
  });

  it("keeps hour windows contiguous across a 30-minute DST shift (Australia/Lord_Howe)", () => {
    // Found by the property below: 02:00 local (+10:30) jumps to 02:30 (+11) at 2033-10-01T15:30Z.
    // Hours are wall-clock hours, so 01:00-02:00 ends at the jump and 02:30-03:00 is a half hour.
    const before = windowBounds("hour", "Australia/Lord_Howe", Date.parse("2033-10-01T15:00:00Z"))!;
    expect([iso(before.start), iso(before.end)]).toEqual([
      "2033-10-01T14:30:00.000Z",
      "2033-10-01T15:30:00.000Z",
    ]);
    const after = windowBounds("hour", "Australia/Lord_Howe", before.end)!;
    expect([iso(after.start), iso(after.end)]).toEqual([
      "2033-10-01T15:30:00.000Z",
      "2033-10-01T16:00:00.000Z",
    ]);
  });

  const zones = [
    "UTC",
    "America/New_York",
    "Europe/Amsterdam",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Pacific/Apia",
  ];
  const windows = ["minute", "hour", "day", "week", "month"] as const;

  it("always contains now, is contiguous with its neighbours and stable inside itself", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...windows),
        fc.constantFrom(...zones),
        fc.integer({ min: Date.parse("2030-01-01T00:00:00Z"), max: Date.parse("2034-12-31T00:00:00Z") }),
        (window, zone, now) => {
          const b = windowBounds(window, zone, now)!;
          expect(b.start).toBeLessThanOrEqual(now);
          expect(b.end).toBeGreaterThan(now);
          expect(windowBounds(window, zone, b.start)).toEqual(b);
          expect(windowBounds(window, zone, b.end - 1)).toEqual(b);
          expect(windowBounds(window, zone, b.end)!.start).toBe(b.end);
          expect(windowBounds(window, zone, b.start - 1)!.end).toBe(b.start);
          const len = b.end - b.start;
          const nominal = { minute: 60_000, hour: H, day: 24 * H, week: 168 * H, month: 31 * 24 * H }[window];
          expect(len).toBeLessThanOrEqual(nominal + H);
          expect(len).toBeGreaterThanOrEqual(window === "month" ? 28 * 24 * H - H : nominal - H);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
