// The admin REST API (/api/v1): deployment routes on the root app, org routes on one app mounted twice,
// at /orgs/:orgId (documented) and at the /org shorthand (same handlers; the caller's own org).
import { Hono } from "hono";
import { adminApp } from "./define";
import { type AdminEnv, limitBody } from "./middleware";
import { serveDocument } from "./openapi";
import { activityRoutes } from "./routes/activity";
import { agentRoutes } from "./routes/agents";
import { auditRoutes } from "./routes/audit";
import { oauthClientRoutes } from "./routes/oauth";
import { deploymentOrgRoutes, orgRoutes } from "./routes/orgs";
import { policyRoutes } from "./routes/policies";
import { upstreamRoutes } from "./routes/upstreams";
import { deploymentWalletRoutes, walletRoutes } from "./routes/wallets";
import { webhookRoutes } from "./routes/webhooks";

const ORG_RESOURCES = [
  orgRoutes,
  agentRoutes,
  policyRoutes,
  upstreamRoutes,
  webhookRoutes,
  walletRoutes,
  activityRoutes,
  oauthClientRoutes,
  auditRoutes,
];

export { wellKnownRoutes } from "./well-known";

export function adminRoutes() {
  const root = adminApp();
  root.use("*", limitBody);
  deploymentOrgRoutes(root);
  deploymentWalletRoutes(root);
  const org = adminApp();
  for (const register of ORG_RESOURCES) register(org);
  // Mounting copies the routes (and, for an OpenAPIHono, their documentation) as they are now.
  root.route("/orgs/:orgId", org);
  root.route("/org", new Hono<AdminEnv>().route("/", org));
  serveDocument(root);
  return root;
}
