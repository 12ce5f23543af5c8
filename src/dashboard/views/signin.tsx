// The sign-in page: one field for an org admin key, and the reason a key was refused.
import { Input } from "./field";
import { Shell } from "./layout";

export function SignInPage({ error, next }: { error?: string; next?: string }) {
  return (
    <Shell title="Sign in">
      <main id="main" class="signin">
        <h1>Sign in to Tollgate</h1>
        {error ? (
          <p class="flash error" role="alert" id="signin-error">
            {error}
          </p>
        ) : null}
        {next ? <p id="signin-next">Sign in to review the app that asked to connect.</p> : null}
        <form method="post" action="/dashboard/signin" class="stack">
          {next ? <input type="hidden" name="next" value={next} /> : null}
          <Input
            id="key"
            name="key"
            label="Org admin key"
            type="password"
            autocomplete="off"
            required
            placeholder="tg_adm_…"
            describedBy={error ? "signin-error" : undefined}
          />
          <button type="submit">Sign in</button>
        </form>
        <p class="muted">The key is checked once; the browser keeps only a signed session cookie.</p>
      </main>
    </Shell>
  );
}

/** One same-origin hop to the page the operator was sent to, so the session cookie comes along. */
export function SameSiteHop({ href }: { href: string }) {
  return (
    <Shell title="Continue" goTo={href}>
      <main id="main" class="signin">
        <p>
          <a href={href} id="continue">
            Continue to Tollgate
          </a>
        </p>
      </main>
    </Shell>
  );
}
