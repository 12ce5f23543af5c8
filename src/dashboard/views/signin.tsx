// The sign-in page: one field for an org admin key, and the reason a key was refused.
import { Input } from "./field";
import { Shell } from "./layout";

export function SignInPage({ error }: { error?: string }) {
  return (
    <Shell title="Sign in">
      <main id="main" class="signin">
        <h1>Sign in to Tollgate</h1>
        {error ? (
          <p class="flash error" role="alert" id="signin-error">
            {error}
          </p>
        ) : null}
        <form method="post" action="/dashboard/signin" class="stack">
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
