// Placeholder: the tenant ledger Durable Object (reserve/commit/release) is built in src/ledger/.
import { DurableObject } from "cloudflare:workers";

export class TenantLedger extends DurableObject<Env> {
  async ping(): Promise<string> {
    return "pong";
  }
}
