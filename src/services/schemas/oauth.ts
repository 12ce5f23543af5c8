// OAuth connected clients as the admin API shows them: one grant, the client it went to, the agent it
// acts as (null: org-wide), the scopes. Never a token.
import { z } from "zod";
import { EpochMs } from "./common";

export const ConnectedClientView = z.object({
  grantId: z.string(),
  clientId: z.string().describe("the OAuth client_id: a registered id or a metadata document URL"),
  clientName: z.string(),
  agentId: z.string().nullable().describe("the agent the client acts as; null: the whole org"),
  scope: z.array(z.string()),
  createdAt: EpochMs,
  expiresAt: EpochMs.nullable().describe("when the grant (its refresh token) expires"),
});
export type ConnectedClientView = z.infer<typeof ConnectedClientView>;
