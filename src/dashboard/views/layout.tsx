// The page frame: skip link, header with org, navigation, time zone picker and sign-out, then main.
import type { Child } from "hono/jsx";
import type { View } from "../context";
import { timeZones } from "../timezones";
import { Select } from "./field";

const NAV = [
  ["/dashboard", "Overview"],
  ["/dashboard/approvals", "Approvals"],
  ["/dashboard/transactions", "Transactions"],
  ["/dashboard/agents", "Agents"],
  ["/dashboard/wallets", "Wallets"],
  ["/dashboard/keys", "Keys"],
  ["/dashboard/connected", "Connected apps"],
  ["/dashboard/policies", "Policies"],
  ["/dashboard/integrations", "Upstreams & webhooks"],
] as const;

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

function isCurrent(path: string, href: string): boolean {
  return href === "/dashboard" ? path === "/dashboard" || path === "/dashboard/" : path.startsWith(href);
}

/** A secret shown once after it was created (API key, webhook signing secret). */
export function SecretOnce(props: { id: string; title: string; note: string; secret: string }) {
  return (
    <div class="card" role="status">
      <p>
        <strong>{props.title}</strong> {props.note}
      </p>
      <p class="secret" id={props.id}>
        {props.secret}
      </p>
    </div>
  );
}

export function Shell(props: { title: string; children: Child; refreshSeconds?: number; goTo?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Tollgate`}</title>
        <link rel="stylesheet" href="/dashboard/static/style.css" />
        {props.refreshSeconds ? (
          <noscript>
            <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
          </noscript>
        ) : null}
        {props.goTo ? <meta http-equiv="refresh" content={`0;url=${props.goTo}`} /> : null}
        <script src="/dashboard/static/app.js" defer />
      </head>
      <body>{props.children}</body>
    </html>
  );
}

export function Layout(props: { v: View; title: string; children: Child; refreshSeconds?: number }) {
  const { v } = props;
  return (
    <Shell title={props.title} refreshSeconds={props.refreshSeconds ?? 0}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Tollgate</span>
        <span class="org">{v.orgName}</span>
        <form method="post" action="/dashboard/tz" class="tz">
          <Csrf token={v.csrf} />
          <input type="hidden" name="back" value={v.path} />
          <Select id="tz-select" name="tz" label="Time zone" options={timeZones(v.tz)} value={v.tz} />
          <button type="submit">Set</button>
        </form>
        <form method="post" action="/dashboard/signout">
          <Csrf token={v.csrf} />
          <button type="submit">Sign out</button>
        </form>
      </header>
      <nav aria-label="Main">
        <ul>
          {NAV.map(([href, label]) => (
            <li>
              <a href={href} aria-current={isCurrent(v.path, href) ? "page" : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabindex={-1}>
        <h1>{props.title}</h1>
        {v.flash ? (
          <p class={`flash ${v.flash.kind}`} role={v.flash.kind === "error" ? "alert" : "status"}>
            {v.flash.text}
          </p>
        ) : null}
        {props.children}
      </main>
    </Shell>
  );
}
