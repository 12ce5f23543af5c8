import { drizzle } from "drizzle-orm/d1";
import { hex } from "../auth/encoding";
import * as schema from "./schema";

export type Db = ReturnType<typeof db>;

export function db(env: Env) {
  return drizzle(env.DB, { schema });
}

/** Prefixed random ids: readable in logs and URLs, unguessable. */
export function newId(prefix: string): string {
  return `${prefix}_${hex(crypto.getRandomValues(new Uint8Array(12)))}`;
}
