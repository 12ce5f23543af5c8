// Form handling shared by the pages: read fields, run a service call, and answer with a redirect
// carrying a flash message. Faults the operator can act on become the message; others propagate.
import { AppError } from "../errors";
import { type DashContext, setFlash } from "./context";

export type Form = Record<string, string | File | (string | File)[]>;

export async function form(c: DashContext): Promise<Form> {
  return (await c.req.parseBody({ all: true })) as Form;
}

/** A text field, trimmed; "" when absent. */
export function field(f: Form, name: string): string {
  const v = f[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" ? s.trim() : "";
}

/** A text field with its whitespace kept (policy sources). */
export function rawField(f: Form, name: string): string {
  const v = f[name];
  return typeof v === "string" ? v : "";
}

export function userFacing(err: unknown): err is AppError {
  return err instanceof AppError && err.code !== "INTERNAL";
}

export async function act(c: DashContext, back: string, run: () => Promise<string>): Promise<Response> {
  try {
    setFlash(c, "ok", await run());
  } catch (err) {
    if (!userFacing(err)) throw err;
    setFlash(c, "error", err.message);
  }
  return c.redirect(back, 303);
}

/** Only dashboard paths are valid redirect targets (no open redirect through a form field). */
export function safeBack(value: string, fallback = "/dashboard"): string {
  return /^\/dashboard(\/[A-Za-z0-9/_.-]*)?(\?[A-Za-z0-9=&_.%-]*)?$/.test(value) ? value : fallback;
}
