// A hostile agent appends a shell command after the part an anchored regex checks. Intercept's
// policies are RE2: `\z` is end of text, so the suffix cannot hide behind a JS reading of `\z` as "z".
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp } from "../helpers/mcp-client";
import { seedOrg } from "../helpers/seed";
import { witness, witnessHost } from "../helpers/witness";

const POLICY = `version: "1"
tools:
  echo:
    rules:
      - name: "slug text only"
        conditions:
          - path: "args.text"
            op: "regex"
            value: "^[a-z0-9-]+\\\\z"
        on_deny: "echo takes a lowercase slug"
`;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("regex anchors as RE2 reads them", () => {
  it("a newline or suffix after an RE2 \\z anchor is refused before the upstream runs", async () => {
    const host = witnessHost();
    const org = await seedOrg({
      policy: POLICY,
      upstreams: [{ namespace: "w", url: `https://${host}/mcp` }],
    });
    const client = await connectMcp(org.url(org.agentKeys.main!));
    clients.push(client);

    for (const text of ["deployz; rm -rf /", "deploy-1\nrm -rf /"]) {
      const err = await client.callTool({ name: "echo", arguments: { text } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(McpError);
      expect((err as McpError).code).toBe(-32010);
      expect((err as McpError).message).toContain("echo takes a lowercase slug");
    }
    expect((await witness(host)).runs).toEqual([]);

    const ok = await client.callTool({ name: "echo", arguments: { text: "deploy-1" } });
    expect(ok.content).toEqual([{ type: "text", text: "deploy-1" }]);
    expect((await witness(host)).runs).toEqual([{ tool: "echo", args: { text: "deploy-1" } }]);
  });
});
