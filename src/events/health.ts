// Endpoint health: a success clears failing_since; a failure starts it; 3 days of failure with no
// success disables the endpoint (status + disabled_reason) and logs a notice without secrets.
import type { Db } from "../db/client";
import { DISABLE_AFTER_MS, shouldDisable } from "./backoff";
import { disableIfFailingSince, type EndpointRow, markEndpointFailing, markEndpointHealthy } from "./store";

/** Records the attempt's effect on the endpoint; true when this call disabled it. */
export async function noteEndpointHealth(
  d: Db,
  endpoint: EndpointRow,
  attempt: { ok: boolean; error: string | null },
  now: number,
): Promise<boolean> {
  if (attempt.ok) {
    if (endpoint.failingSince !== null) await markEndpointHealthy(d, endpoint.id);
    return false;
  }
  await markEndpointFailing(d, endpoint.id, now);
  if (endpoint.failingSince === null || !shouldDisable(endpoint.failingSince, now)) return false;
  const since = new Date(endpoint.failingSince).toISOString();
  const reason = `every delivery failed since ${since} (3 days); last error: ${attempt.error}`;
  if (!(await disableIfFailingSince(d, endpoint.id, now - DISABLE_AFTER_MS, reason))) return false;
  // Host only: a URL path or query can carry the receiver's own token.
  console.warn("webhook endpoint disabled", {
    orgId: endpoint.orgId,
    endpointId: endpoint.id,
    host: safeHost(endpoint.url),
    reason,
  });
  return true;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid url)";
  }
}
