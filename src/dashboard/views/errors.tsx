// Pages for what went wrong: no such page, and an error message inside the frame when signed in.
import type { View } from "../context";
import { Layout, Shell } from "./layout";

export function NotFoundPage({ v }: { v: View }) {
  return (
    <Layout v={v} title="Not found">
      <p>No such page.</p>
    </Layout>
  );
}

/** `v` is null before sign-in: the message then stands alone, without navigation. */
export function ErrorPage({ v, title, message }: { v: View | null; title: string; message: string }) {
  const body = (
    <p class="flash error" role="alert">
      {message}
    </p>
  );
  return v ? (
    <Layout v={v} title={title}>
      {body}
    </Layout>
  ) : (
    <Shell title={title}>
      <main id="main">{body}</main>
    </Shell>
  );
}
