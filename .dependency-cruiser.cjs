// The dependency rule (ARCHITECTURE.md): route layers -> services -> infrastructure -> pure core.
// `npm run lint` runs this; a forbidden import fails CI.
const ROUTES = "^src/(admin|dashboard|mcp)/";
const SERVICES = "^src/services/";
const INFRA =
  "^src/(ledger|db|events|auth|upstream|net|wallets|receipts|trace)/|^src/(env|errors|ttl-cache)\\.ts$";
const CORE = "^src/(payments|money|policy|protocol)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle makes the layers meaningless; split the shared part out.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "nothing-imports-the-app",
      severity: "error",
      comment: "app.ts and index.ts only wire; nothing depends on them.",
      from: { path: "^src/", pathNot: "^src/index\\.ts$" },
      to: { path: "^src/(app|index)\\.ts$" },
    },
    {
      name: "routes-stay-apart",
      severity: "error",
      comment: "A route layer (admin, dashboard, mcp) never imports another; share through services.",
      from: { path: "^src/(admin|dashboard|mcp)/" },
      to: { path: "^src/(admin|dashboard|mcp)/", pathNot: "^src/$1/" },
    },
    {
      name: "services-below-routes",
      severity: "error",
      comment: "Services are shared by every route layer, so they never import one.",
      from: { path: SERVICES },
      to: { path: ROUTES },
    },
    {
      name: "infrastructure-below-services",
      severity: "error",
      comment:
        "The ledger, db, events, auth, upstream, net and wallets modules know nothing of services or routes.",
      from: { path: INFRA },
      to: { path: `${ROUTES}|${SERVICES}` },
    },
    {
      name: "core-is-pure",
      severity: "error",
      comment: "payments, money, policy and protocol import only each other (and npm packages): no I/O.",
      from: { path: CORE },
      to: { path: "^src/", pathNot: CORE },
    },
    {
      name: "lease-protocol-is-pure",
      severity: "error",
      comment:
        "src/ledger/lease is the pure lease protocol (docs/ledger-sharding.md): it imports only itself.",
      from: { path: "^src/ledger/lease/" },
      to: { path: "^src/|^cloudflare:", pathNot: "^src/ledger/lease/" },
    },
    {
      name: "core-has-no-workers-api",
      severity: "error",
      comment: "The pure core runs anywhere: no cloudflare:* modules.",
      from: { path: CORE },
      to: { dependencyTypes: ["core"], path: "^cloudflare:" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "\\.d\\.ts$" },
  },
};
