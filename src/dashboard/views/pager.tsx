// The link to a list's next page (lists are read a page at a time, never whole).

/** `/dashboard/<path>?cursor=…` keeping the other query parameters, or null on the last page. */
export function nextPageHref(path: string, cursor: string | null, params: Record<string, string> = {}) {
  if (!cursor) return null;
  return `${path}?${new URLSearchParams({ ...params, cursor })}`;
}

export function NextPage({ href, label }: { href: string | null; label: string }) {
  if (!href) return null;
  return (
    <p>
      <a href={href} rel="next">
        {label}
      </a>
    </p>
  );
}
