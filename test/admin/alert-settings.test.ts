// Org settings for the anomaly alerts: off by default, patched field by field, bounds checked whole.
import { describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { AlertsConfig } from "../../src/events";
import { api, expectError, newOrg } from "./helpers";

describe("settings.alerts", () => {
  it("is off by default and turns on one field at a time, keeping the rest", async () => {
    const { adminKey } = await newOrg();
    const read = await api("GET", "/org", { token: adminKey });
    expect(read.body.settings.alerts).toMatchObject({
      velocity: { enabled: false, windowMinutes: 10, baselineHours: 24, multiplePercent: 300 },
      newPayee: { enabled: false, perAgent: false },
    });
    const on = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { alerts: { newPayee: { enabled: true } } } },
    });
    expect(on.status).toBe(200);
    expect(on.body.settings.alerts.newPayee).toEqual({ enabled: true, perAgent: false });
    expect(on.body.settings.alerts.velocity.enabled).toBe(false);
    const velocity = await api("PATCH", "/org", {
      token: adminKey,
      body: {
        settings: {
          alerts: {
            velocity: { enabled: true, windowMinutes: 5, minSpend: [{ currency: "USDC", amount: "25.00" }] },
          },
        },
      },
    });
    expect(velocity.status).toBe(200);
    expect(velocity.body.settings.alerts).toEqual({
      velocity: {
        enabled: true,
        windowMinutes: 5,
        baselineHours: 24,
        multiplePercent: 300,
        minPayments: 3,
        minSpend: [{ currency: "USDC", amount: "25.00" }],
        perAgent: false,
      },
      newPayee: { enabled: true, perAgent: false },
    });
    const other = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { budgetWarningThreshold: 60 } },
    });
    expect(other.body.settings.alerts.velocity.windowMinutes).toBe(5);
  });

  it("refuses a baseline shorter than 24 windows, a multiple of 1x or less, and a float amount", async () => {
    const { adminKey } = await newOrg();
    const short = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { alerts: { velocity: { windowMinutes: 120, baselineHours: 24 } } } },
    });
    expectError(short, 400, "VALIDATION_FAILED");
    expect(short.body.error.details[0].path).toBe("settings.alerts.velocity.baselineHours");
    const flat = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { alerts: { velocity: { multiplePercent: 100 } } } },
    });
    expect(flat.body.error.details[0].path).toBe("settings.alerts.velocity.multiplePercent");
    const money = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { alerts: { velocity: { minSpend: [{ currency: "USDC", amount: "1e3" }] } } } },
    });
    expect(money.body.error.details[0].path).toBe("settings.alerts.velocity.minSpend.0.amount");
    const unknown = await api("PATCH", "/org", {
      token: adminKey,
      body: { settings: { alerts: { velocity: { rate: 3 } } } },
    });
    expectError(unknown, 400, "VALIDATION_FAILED");
    // Nothing of the refused patches was stored.
    const read = await api("GET", "/org", { token: adminKey });
    expect(read.body.settings.alerts.velocity).toMatchObject({ windowMinutes: 10, multiplePercent: 300 });
  });
});

describe("README's alerts example", () => {
  it("is a settings.alerts value the API accepts", async () => {
    const m = /`PATCH \{org\}` `settings\.alerts`, e\.g\.\n\s+`(\{.*\})`/.exec(readme);
    expect(m).not.toBeNull();
    const example = JSON.parse(m![1]!);
    expect(AlertsConfig.safeParse(example).success).toBe(true);
    const { adminKey } = await newOrg();
    const r = await api("PATCH", "/org", { token: adminKey, body: { settings: { alerts: example } } });
    expect(r.status).toBe(200);
    expect(r.body.settings.alerts.velocity).toMatchObject({
      enabled: true,
      minSpend: [{ currency: "USD", amount: "20.00" }],
    });
  });
});
