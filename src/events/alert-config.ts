// The org's anomaly-alert settings (orgs.settings.alerts): spend velocity and first payment to a new
// payee, both off by default. One schema for the stored column, the admin API and the dispatcher's RPC.
import { z } from "zod";

const Decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,30})(\.[0-9]{1,36})?$/, "must be a non-negative decimal string, e.g. 5.00");

/** Below this much spend in the window (per currency), the velocity alert stays quiet. */
export const MinSpend = z.strictObject({
  currency: z.string().min(1).max(64),
  amount: Decimal.describe("major units, e.g. 5.00"),
});

export const VelocityAlert = z
  .object({
    enabled: z.boolean().default(false),
    /** The recent window whose spend is compared with the usual rate. */
    windowMinutes: z.number().int().min(1).max(1440).default(10),
    /** The usual rate: committed spend over this many hours before the current baseline slice. */
    baselineHours: z.number().int().min(1).max(720).default(24),
    /** Fires when the window's spend exceeds this percent of the usual spend of one window (300 = 3x). */
    multiplePercent: z.number().int().min(101).max(1_000_000).default(300),
    /** In a currency without a minSpend: payments the window must hold before it can fire. */
    minPayments: z.number().int().min(1).max(100_000).default(3),
    /**
     * Per currency (a USD entry covers every USD stablecoin): spend the window must reach before it
     * can fire. It replaces minPayments for that currency, so one large payment can fire.
     */
    minSpend: z.array(MinSpend).max(20).default([]),
    /** Also watch each agent on its own (the org as a whole is always watched). */
    perAgent: z.boolean().default(false),
  })
  .refine((v) => v.windowMinutes * 24 <= v.baselineHours * 60, {
    message: "baselineHours must span at least 24 windows (windowMinutes * 24 <= baselineHours * 60)",
    path: ["baselineHours"],
  });
export type VelocityAlert = z.output<typeof VelocityAlert>;

export const NewPayeeAlert = z.object({
  enabled: z.boolean().default(false),
  /** Also fire when an agent pays a payee it never paid, though another agent of the org did. */
  perAgent: z.boolean().default(false),
});
export type NewPayeeAlert = z.output<typeof NewPayeeAlert>;

export const AlertsConfig = z.object({
  velocity: VelocityAlert.prefault({}),
  newPayee: NewPayeeAlert.prefault({}),
});
export type AlertsConfig = z.output<typeof AlertsConfig>;

export function alertsEnabled(a: AlertsConfig): boolean {
  return a.velocity.enabled || a.newPayee.enabled;
}
