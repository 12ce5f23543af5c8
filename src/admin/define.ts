// One declaration per admin route: the Hono handler (auth -> org scope -> validation -> service) and its
// OpenAPI entry come from the same object, so the document cannot drift from what is served.
import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env";
import { config } from "../env";
import { AppError } from "../errors";
import { authenticate, bearerToken, orgScope, type Principal } from "../services/auth";
import { requireOrg } from "../services/orgs";
import { validate } from "../services/validate";

/** public: no auth; deployment: ADMIN_TOKEN only; org: under /orgs/:orgId (and the /org shorthand). */
export type Access = "public" | "deployment" | "org";
export type Method = "get" | "post" | "put" | "patch" | "delete";

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type HandlerInput<B, Q> = {
  env: Env;
  /** The org acted on ("" for non-org routes). */
  orgId: string;
  principal: Principal | null;
  params: Record<string, string>;
  body: B;
  query: Q;
  now: number;
};

export type RouteDef<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
> = {
  method: Method;
  /** Hono path; for "org" access it is relative to /orgs/:orgId ("" for the org itself). */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  response: z.ZodType;
  status?: 200 | 201;
  /** Extra error codes worth documenting beyond the auth/validation ones. */
  errors?: number[];
  handle: (input: HandlerInput<Out<B>, Out<Q>>) => Promise<unknown> | unknown;
};

/** What the OpenAPI document needs to know about a route (type-erased). */
export type RouteDoc = {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  response: z.ZodType;
  status: number;
  errors: number[];
};

export class AdminRouter {
  readonly docs: RouteDoc[] = [];
  constructor(private readonly app: Hono<AppEnv>) {}

  add<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    def: RouteDef<B, Q>,
  ): this {
    const handler = (c: Context<AppEnv>) => run(c, def);
    if (def.access === "org") {
      this.app.on(def.method.toUpperCase(), `/orgs/:orgId${def.path}`, handler);
      this.app.on(def.method.toUpperCase(), `/org${def.path}`, handler);
    } else {
      this.app.on(def.method.toUpperCase(), def.path, handler);
    }
    this.docs.push({
      method: def.method,
      path: def.access === "org" ? `/orgs/:orgId${def.path}` : def.path,
      summary: def.summary,
      tag: def.tag,
      access: def.access,
      body: def.body,
      query: def.query,
      response: def.response,
      status: def.status ?? 200,
      errors: def.errors ?? [],
    });
    return this;
  }
}

async function run<B extends z.ZodType | undefined, Q extends z.ZodType | undefined>(
  c: Context<AppEnv>,
  def: RouteDef<B, Q>,
): Promise<Response> {
  const now = Date.now();
  let principal: Principal | null = null;
  let orgId = "";
  if (def.access !== "public") {
    principal = await authenticate(c.env, bearerToken(c.req.header("authorization")), now);
    if (def.access === "deployment" && principal.kind !== "deployment") {
      throw new AppError("FORBIDDEN", "Only the deployment admin token may do this");
    }
    if (def.access === "org") {
      orgId = orgScope(principal, c.req.param("orgId") ?? null);
      if (principal.kind === "deployment") await requireOrg(c.env, orgId);
    }
  }
  const query = (def.query ? validate(def.query, c.req.query(), "query") : undefined) as Out<Q>;
  const body = (def.body ? validate(def.body, await readJson(c), "body") : undefined) as Out<B>;
  const result = await def.handle({ env: c.env, orgId, principal, params: c.req.param(), body, query, now });
  return c.json(result as object, (def.status ?? 200) as 200);
}

async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.length > config(c.env).MAX_BODY_BYTES)
    throw new AppError("PAYLOAD_TOO_LARGE", "Body is too large");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Body must be valid JSON");
  }
}
