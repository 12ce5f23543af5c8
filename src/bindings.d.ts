// Secrets and test-only bindings that `wrangler types` cannot see.
interface TollgateExtraEnv {
  ADMIN_TOKEN?: string;
  SESSION_SECRET?: string;
  ALLOWED_HOSTS?: string;
  ALLOWED_ORIGINS?: string;
  TEST_MIGRATIONS?: import("cloudflare:test").D1Migration[];
}
interface Env extends TollgateExtraEnv {}
declare namespace Cloudflare {
  interface Env extends TollgateExtraEnv {}
}
