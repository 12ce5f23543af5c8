// docs/webhooks.md's verification samples are real code: the manual one must match doc-sample.ts verbatim,
// and it and the standardwebhooks library must accept a genuine delivery and reject tampered or stale ones.

import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import doc from "../../docs/webhooks.md?raw";
import { signWebhook } from "../../src/events";
import { verifyTollgateWebhook } from "./doc-sample";
import sample from "./doc-sample.ts?raw";
import { dispatcher, received, seedEndpoint, testEvent } from "./helpers";

function request(headers: Record<string, string>, body: string): Request {
  return new Request("https://receiver.example/hook", { method: "POST", headers, body });
}

/** One delivery the dispatcher really sent, signed 30 days ahead (so the real alarm stays asleep). */
async function realDelivery() {
  const ep = await seedEndpoint();
  const now = Date.now();
  const later = now + 30 * 86_400_000;
  await dispatcher(ep.orgId).enqueue({ orgId: ep.orgId, events: [testEvent(ep.orgId, now)], now: later });
  await dispatcher(ep.orgId).deliverDue({ now: later });
  const [req] = await received(ep.name);
  return { secret: ep.secret, headers: req!.headers, body: req!.body };
}

describe("docs/webhooks.md verification samples", () => {
  it("the manual sample is the code in doc-sample.ts", () => {
    const code = sample.slice(sample.indexOf("\n") + 1);
    expect(doc).toContain(`\`\`\`ts\n${code}\`\`\``);
  });

  it("the manual sample accepts a delivery the dispatcher sent and rejects tampering and stale timestamps", async () => {
    const { secret, headers, body } = await realDelivery();
    // The dispatcher signed 30 days ahead: stale for a receiver living now.
    await expect(verifyTollgateWebhook(request(headers, body), secret)).rejects.toThrow("stale webhook");

    const fresh = await signWebhook(secret, headers["webhook-id"]!, body, Math.floor(Date.now() / 1000));
    expect(await verifyTollgateWebhook(request(fresh, body), secret)).toMatchObject({ type: "webhook.test" });
    await expect(verifyTollgateWebhook(request(fresh, `${body} `), secret)).rejects.toThrow(
      "bad webhook signature",
    );
    const { "webhook-id": _id, ...noId } = fresh;
    await expect(verifyTollgateWebhook(request(noId, body), secret)).rejects.toThrow(
      "missing webhook headers",
    );
  });

  it("the library sample's call, new Webhook(secret).verify(body, headers), agrees on the same inputs", async () => {
    const { secret, headers, body } = await realDelivery();
    expect(doc).toContain("new Webhook(process.env.TOLLGATE_WEBHOOK_SECRET)");
    expect(doc).toContain("webhook.verify(body, req.headers)");
    const webhook = new Webhook(secret);
    expect(() => webhook.verify(body, headers)).toThrow("Message timestamp too new");
    const fresh = await signWebhook(secret, headers["webhook-id"]!, body, Math.floor(Date.now() / 1000));
    expect(webhook.verify(body, fresh)).toMatchObject({ type: "webhook.test" });
    expect(() => webhook.verify(`${body} `, fresh)).toThrow("No matching signature found");
    const stale = await signWebhook(
      secret,
      headers["webhook-id"]!,
      body,
      Math.floor(Date.now() / 1000) - 301,
    );
    expect(() => webhook.verify(body, stale)).toThrow("Message timestamp too old");
  });
});
