// Which agent a governance tool speaks about: the calling agent, or (org keys only) one named agent.

import type { Mandate } from "../../policy";
import { currentMandateRow } from "../../services/mandates";
import { mandateFromRow } from "../../services/stored";
import type { GatewayCtx } from "../context";

export type TargetAgent = { id: string; name: string; mandate: Mandate | null };

export async function targetAgent(g: GatewayCtx, name: string | undefined): Promise<TargetAgent | null> {
  const self = g.tenant.agent;
  if (name === undefined || name === self.name)
    return { id: self.id, name: self.name, mandate: g.tenant.mandate };
  if (g.tenant.keyScope !== "org") return null;
  const other = g.tenant.orgAgents.find((a) => a.name === name);
  if (!other) return null;
  const row = await currentMandateRow(g.env, g.tenant.orgId, other.id);
  return { id: other.id, name: other.name, mandate: row ? mandateFromRow(row, other.name) : null };
}
