// Both eras on one URL in both directions (issue 14): one org with a 2025-era upstream (the SDK v1
// demo server) and a 2026-07-28 upstream (the spec-built fixture), reached by the v1 SDK client and by
// a raw 2026-07-28 client. Each client sees both upstreams' tools merged, calls a free tool on each,
// and pays on each: the 2025 upstream charges with -32042, the 2026 one in MPP's result-metadata form.
// Every settlement is a committed transaction, whichever era asked and whichever era was paid.
import { env } from "cloudflare:workers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerFor } from "../../src/ledger/client";
import { connectMcp, payCredential, type WireChallenge, withPayer } from "../helpers/mcp-client";
import { modernCall } from "../helpers/modern-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function bothEras() {
  const [legacy, modern] = [witnessHost(), witnessHost()];
  const org = await seedOrg({
    upstreams: [
      { namespace: "legacy", url: `https://${legacy}/mcp` },
      { namespace: "modern", url: `https://${modern}/modern/mcp` },
    ],
  });
  return { org, legacy, modern, mcp: org.url(org.agentKeys.main!) };
}

async function committed(orgId: string) {
  await ledgerFor(env, orgId).flush();
  const rows = await env.DB.prepare(
    "SELECT tool, committed_amount FROM transactions WHERE org_id = ? AND status = 'committed' ORDER BY created_at",
  )
    .bind(orgId)
    .all<{ tool: string; committed_amount: string }>();
  return rows.results;
}

type PaymentRequired = { challenges: WireChallenge[] };

describe("a 2025 upstream and a 2026-07-28 upstream behind one URL", () => {
  it("the v1 SDK client lists, calls and pays on both", async () => {
    const o = await bothEras();
    const raw = await connectMcp(o.mcp);
    clients.push(raw);
    const client = withPayer(raw);
    const { tools } = await raw.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(["legacy__echo", "modern__modern_echo", "modern__modern_paid"]),
    );

    expect((await raw.callTool({ name: "legacy__echo", arguments: { text: "old" } })).content).toEqual([
      { type: "text", text: "old" },
    ]);
    expect((await raw.callTool({ name: "modern__modern_echo", arguments: { text: "new" } })).content).toEqual(
      [{ type: "text", text: "new" }],
    );
    const paidOld = await client.callTool({
      name: "legacy__paid_echo",
      arguments: { text: "a", price: "0.25" },
    });
    expect(paidOld.content).toEqual([{ type: "text", text: "a" }]);
    const paidNew = await client.callTool({ name: "modern__modern_paid", arguments: { text: "b" } });
    expect(paidNew.content).toEqual([{ type: "text", text: "b" }]);

    expect((await witness(o.legacy)).settlements).toHaveLength(1);
    expect((await witness(o.modern)).settlements).toHaveLength(1);
    expect(await committed(o.org.orgId)).toEqual(
      expect.arrayContaining([
        { tool: "legacy__paid_echo", committed_amount: "250000" },
        { tool: "modern__modern_paid", committed_amount: "400000" },
      ]),
    );
  });

  it("a raw 2026-07-28 client lists, calls and pays on both, with no -32042 in its era", async () => {
    const o = await bothEras();
    const list = await modernCall(o.mcp, "tools/list");
    expect(list.body.result?.resultType).toBe("complete");
    const names = ((list.body.result?.tools ?? []) as { name: string }[]).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["legacy__paid_echo", "modern__modern_paid"]));

    const free = await modernCall(o.mcp, "tools/call", {
      name: "modern__modern_echo",
      arguments: { text: "x" },
    });
    expect(free.body.result).toMatchObject({
      resultType: "complete",
      content: [{ type: "text", text: "x" }],
    });

    for (const [name, args, amount] of [
      ["legacy__paid_echo", { text: "a", price: "0.25" }, "250000"],
      ["modern__modern_paid", { text: "b" }, "400000"],
    ] as const) {
      const asked = await modernCall(o.mcp, "tools/call", { name, arguments: args });
      expect(asked.body.error, name).toBeUndefined();
      const meta = asked.body.result?._meta as Record<string, PaymentRequired> | undefined;
      const challenge = meta?.["org.paymentauth/payment-required"]?.challenges[0];
      expect(challenge, name).toBeDefined();
      const paid = await modernCall(
        o.mcp,
        "tools/call",
        { name, arguments: args },
        { meta: { "org.paymentauth/credential": payCredential(challenge!) } },
      );
      expect(paid.body.result, name).toMatchObject({ resultType: "complete" });
      expect(paid.body.result?.isError, name).not.toBe(true);
      expect(
        ((paid.body.result?._meta ?? {}) as Record<string, unknown>)["org.paymentauth/receipt"],
        name,
      ).toBeTruthy();
      expect(await committed(o.org.orgId)).toEqual(
        expect.arrayContaining([{ tool: name, committed_amount: amount }]),
      );
    }
    expect((await witness(o.legacy)).settlements).toHaveLength(1);
    expect((await witness(o.modern)).settlements).toHaveLength(1);
  });

  it("resources, prompts and completion reach the upstream that owns them, for both clients", async () => {
    const o = await bothEras();
    const raw = await connectMcp(o.mcp);
    clients.push(raw);
    const uris = (await raw.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(["demo://reports/paid", "modern://notes/today"]));
    const note = await raw.readResource({ uri: "modern://notes/today" });
    expect(note.contents).toEqual([
      { uri: "modern://notes/today", mimeType: "text/plain", text: "notes for today" },
    ]);
    const unpaid = (await raw
      .readResource({ uri: "demo://reports/paid" })
      .catch((e: unknown) => e)) as McpError;
    expect(unpaid.code).toBe(-32042);
    const challenge = (unpaid.data as PaymentRequired).challenges[0]!;
    const report = await raw.readResource({
      uri: "demo://reports/paid",
      _meta: { "org.paymentauth/credential": payCredential(challenge) },
    });
    expect(report.contents).toEqual([{ uri: "demo://reports/paid", text: "The paid report." }]);
    const prompts = (await raw.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toEqual(expect.arrayContaining(["legacy__paid_prompt", "modern__modern_summary"]));
    const prompt = await raw.getPrompt({ name: "modern__modern_summary", arguments: { topic: "tolls" } });
    expect(prompt.messages[0]?.content).toEqual({ type: "text", text: "Summarise tolls (2026-07-28)." });
    const completion = await raw.complete({
      ref: { type: "ref/prompt", name: "modern__modern_summary" },
      argument: { name: "topic", value: "to" },
    });
    expect(completion.completion.values).toEqual(["tolls", "tokens"]);

    const modern = async (method: string, params: Record<string, unknown>) => {
      const r = await modernCall(o.mcp, method, params);
      expect(r.body.error, method).toBeUndefined();
      expect(r.body.result?.resultType, method).toBe("complete");
      return r.body.result!;
    };
    const listed = (await modern("resources/list", {})).resources as { uri: string }[];
    expect(listed.map((r) => r.uri)).toEqual(
      expect.arrayContaining(["demo://reports/paid", "modern://notes/today"]),
    );
    expect((await modern("resources/read", { uri: "modern://notes/today" })).contents).toEqual(note.contents);
    const got = await modern("prompts/get", {
      name: "modern__modern_summary",
      arguments: { topic: "tokens" },
    });
    expect(got.messages).toEqual([
      { role: "user", content: { type: "text", text: "Summarise tokens (2026-07-28)." } },
    ]);
    const done = await modern("completion/complete", {
      ref: { type: "ref/prompt", name: "modern__modern_summary" },
      argument: { name: "topic", value: "tr" },
    });
    expect(done.completion).toMatchObject({ values: ["traces"] });

    // Only the owner saw each request: the legacy upstream never got the modern upstream's reads.
    expect((await witness(o.legacy)).settlements).toHaveLength(1);
    expect(await committed(o.org.orgId)).toEqual([
      { tool: "resource:demo://reports/paid", committed_amount: "300000" },
    ]);
    const legacySeen = (await witness(o.legacy)).requests.map((r) => r.rpcMethod);
    expect(legacySeen).not.toContain("prompts/get");
    expect(legacySeen).not.toContain("completion/complete");
    expect((await witness(o.modern)).runs).toEqual(
      expect.arrayContaining([
        { tool: "resources/read", args: { uri: "modern://notes/today" } },
        { tool: "prompts/get", args: { name: "modern_summary", topic: "tokens" } },
      ]),
    );
  });
});
