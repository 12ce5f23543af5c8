// The shared pieces of the views, rendered alone: a form field wires its label, hint and error to the
// control; an amount reads in its natural precision and keeps its exact base units in a title.
import { jsx } from "hono/jsx";
import { describe, expect, it } from "vitest";
import { parseFilter } from "../../src/dashboard/tx-filter";
import { Amount } from "../../src/dashboard/views/amount";
import { Input, Select } from "../../src/dashboard/views/field";

const html = (node: unknown) => String(node);

describe("form fields", () => {
  it("labels the control and describes it by its hint and error", () => {
    const out = html(
      jsx(Input, { id: "f-min", name: "min", label: "Min amount", hint: "like 1.50", error: "bad" }),
    );
    expect(out).toContain('<label for="f-min">Min amount</label>');
    expect(out).toContain('aria-describedby="f-min-hint f-min-error"');
    expect(out).toContain('aria-invalid="true"');
    expect(out).toContain('<small class="hint" id="f-min-hint">like 1.50</small>');
    expect(out).toContain('<small class="field-error" id="f-min-error">bad</small>');
  });

  it("leaves out what it was not given", () => {
    const out = html(jsx(Input, { id: "a-name", name: "name", label: "Name" }));
    expect(out).not.toContain("aria-describedby");
    expect(out).not.toContain("aria-invalid");
    expect(out).not.toContain("<small");
  });

  it("selects the option matching the value", () => {
    const out = html(
      jsx(Select, { id: "s", name: "s", label: "S", options: ["a", { value: "b", label: "B" }], value: "b" }),
    );
    expect(out).toMatch(/<option value="b" selected="">B<\/option>/);
    expect(out).not.toMatch(/<option value="a" selected/);
  });

  it("shows a malformed transaction filter at its field", () => {
    const f = parseFilter({ min: "ten", from: "yesterday" }, "UTC");
    expect(f.fieldErrors).toEqual({
      min: "Min amount must be a decimal number like 1.50",
      from: "From is not a date and time",
    });
    expect(f.error).toContain("Min amount");
  });
});

describe("amounts", () => {
  it("reads 3.00 pathUSD with the base units on hover", () => {
    const out = html(jsx(Amount, { m: { amount: "3000000", currency: "PATHUSD", decimals: 6 } }));
    expect(out).toBe('<span class="amount" title="3000000 base units (6 decimals)">3.00 pathUSD</span>');
  });

  it("never hides a non-zero digit, and shows a dash for no amount", () => {
    expect(html(jsx(Amount, { m: { amount: "3000001", currency: "PATHUSD", decimals: 6 } }))).toContain(
      ">3.000001 pathUSD<",
    );
    expect(html(jsx(Amount, { m: null }))).toBe("—");
  });
});
