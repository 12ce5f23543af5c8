// The simulated world: orgs with budgets small enough that calls must be refused, each behind its
// own upstream host (so the witness of a host is one org's ground truth), plus fault upstreams.

import { env } from "cloudflare:workers";
import { ledgerFor } from "../../src/ledger/client";
import { type Seeded, seedOrg } from "../helpers/seed";
import { witnessHost } from "../helpers/witness";

/** Slow enough to outlast the test UPSTREAM_TIMEOUT_MS (4000). */
export const STALL_MS = 4_500;

const SHOP_POLICY = `version: "1"
description: "sim shop: per-call cap, daily budgets, a rate limit, a global budget"
tools:
  paid_echo:
    rules:
      - name: "echo budget"
        spend:
          per_call: 5.00
          daily: 12.00
  generate_image:
    rules:
      - name: "image rate"
        rate_limit: 3/minute
  "*":
    rules:
      - name: "shop global"
        spend:
          daily: 25.00
`;

const DESK_POLICY = `version: "1"
description: "sim desk: New York days across DST, session and hourly budgets"
timezone: "America/New_York"
tools:
  paid_echo:
    rules:
      - name: "desk echo"
        spend:
          per_call: 4.00
          daily: 9.00
          session: 5.00
  slow_paid:
    rules:
      - name: "slow session"
        spend:
          session: 0.30
  "*":
    rules:
      - name: "desk hourly"
        spend:
          hourly: 6.00
`;

const WEATHER_POLICY = `version: "1"
tools:
  "*":
    rules:
      - name: "weather daily"
        spend:
          daily: 0.04
`;

const FAULT_POLICY = `version: "1"
tools:
  "*":
    rules:
      - name: "fault budget"
        spend:
          per_call: 1.00
          daily: 3.00
`;

export type OrgName = "shop" | "desk" | "weather" | "stall" | "error500" | "garbage";

export type SimOrg = Seeded & {
  name: OrgName;
  host: string;
  /** Policy limits the model checks independently of the ledger (base units, 6 decimals). */
  timeZone: string;
};

async function org(
  name: OrgName,
  path: string,
  opts: Parameters<typeof seedOrg>[0],
  timeZone = "UTC",
): Promise<SimOrg> {
  const host = witnessHost();
  const seeded = await seedOrg({ ...opts, upstreams: [{ namespace: name, url: `https://${host}${path}` }] });
  return { ...seeded, name, host, timeZone };
}

export type World = Record<OrgName, SimOrg>;

export async function buildWorld(): Promise<World> {
  const shop = await org("shop", "/mcp", {
    policy: SHOP_POLICY,
    agents: [
      {
        name: "alpha",
        isDefault: true,
        mandate: { budgetDaily: "20000000", perTransactionLimit: "6000000" },
      },
      { name: "beta" },
    ],
  });
  const desk = await org(
    "desk",
    "/json/mcp",
    {
      policy: DESK_POLICY,
      agents: [
        { name: "main", isDefault: true, mandate: { budgetDaily: "15000000", timeZone: "America/New_York" } },
      ],
    },
    "America/New_York",
  );
  const weather = await org("weather", "/x402/mcp", {
    policy: WEATHER_POLICY,
    agents: [
      { name: "main", isDefault: true, mandate: { currency: "USDC", decimals: 6, budgetDaily: "50000" } },
    ],
  });
  const stall = await org("stall", `/stall-after-settle/mcp?delay=${STALL_MS}`, { policy: FAULT_POLICY });
  const error500 = await org("error500", "/error500/mcp", { policy: FAULT_POLICY });
  const garbage = await org("garbage", "/garbage/mcp", { policy: FAULT_POLICY });
  return { shop, desk, weather, stall, error500, garbage };
}

export function ledgerOf(o: SimOrg) {
  return ledgerFor(env, o.orgId);
}
