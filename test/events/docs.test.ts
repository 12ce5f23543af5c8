// docs/webhooks.md's verification sample is real code: it must match doc-sample.ts verbatim, and it
// must accept a genuine delivery and reject tampered or stale ones.

import { describe, expect, it } from "vitest";
import doc from "../../docs/webhooks.md?raw";
import { signPayload } from "../../src/events";
import { verifyTollgateWebhook } from "./doc-sample";
import sample from "./doc-sample.ts?raw";
import { dispatcher, received, seedEndpoint, testEvent } from "./helpers";

function request(header: string, body: string): Request {
  return new Request("https://receiver.example/hook", {
    method: "POST",
    headers: { "Tollgate-Signature": header },
    body,
  });
}

describe("docs/webhooks.md verification sample", () => {
  it("is the code in doc-sample.ts", () => {
    const code = sample.slice(sample.indexOf("\n") + 1);
    expect(doc).toContain(`\`\`\`ts\n${code}\`\`\``);
  });

  it("accepts a delivery the dispatcher sent and rejects tampering and stale timestamps", async () => {
    const ep = await seedEndpoint();
    const now = Date.now();
    // Enqueued in the future so the real alarm stays asleep; delivered with the real clock's seconds.
    const later = now + 30 * 86_400_000;
    await dispatcher(ep.orgId).enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, now)], now: later });
    await dispatcher(ep.orgId).deliverDue({ now: later });
    const [req] = await received(ep.name);
    const header = req!.headers["tollgate-signature"]!;
    // The dispatcher signed at `later`: stale for a receiver living at `now`.
    await expect(verifyTollgateWebhook(request(header, req!.body), ep.secret)).rejects.toThrow(
      "stale webhook",
    );

    const fresh = await signPayload(ep.secret, req!.body, Math.floor(Date.now() / 1000));
    expect(await verifyTollgateWebhook(request(fresh, req!.body), ep.secret)).toMatchObject({
      type: "webhook.test",
    });
    await expect(verifyTollgateWebhook(request(fresh, `${req!.body} `), ep.secret)).rejects.toThrow(
      "bad webhook signature",
    );
    await expect(verifyTollgateWebhook(request("t=1", req!.body), ep.secret)).rejects.toThrow("malformed");
  });
});
