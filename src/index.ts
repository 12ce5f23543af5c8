// Worker entry: wires the app and exports the Durable Object classes.
import { createApp } from "./app";

export { WebhookDispatcher } from "./events/dispatcher";
export { TenantLedger } from "./ledger/tenant-ledger";
export { ElicitationRelay } from "./mcp/elicitation-relay";
export { RequestRoutes } from "./mcp/request-routes";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
