// The agent-pays forms of tollgate_fetch: a 402's offers as MCP challenges, and the agent's MCP
// credential back as the exact HTTP header mppx's server reads (the 402's `request` string, not a
// re-spelling of it).
import { Credential } from "mppx";
import { describe, expect, it } from "vitest";
import {
  agentHeaderCredential,
  detectHttpPaymentRequired,
  mcpChallengeOf,
  parseAuthChallenges,
  paymentChallengeObject,
} from "../../src/payments";
import { answer, mpp402 } from "./http-fixtures";

async function mppOffer() {
  const res = await mpp402();
  const found = detectHttpPaymentRequired(answer(402, res.headers))!;
  const params = parseAuthChallenges(res.headers.get("WWW-Authenticate")!)[0]!.params;
  return { offer: found.offers[0]!, request: params.get("request")! };
}

describe("an agent's MPP credential as the HTTP header", () => {
  it("echoes the 402's request string exactly, from the MCP-form object", async () => {
    const { offer, request } = await mppOffer();
    const challenge = mcpChallengeOf([offer], null, "pay")!;
    expect(challenge.kind).toBe("mpp");
    const echoed = (challenge as { data: { challenges: Array<Record<string, unknown>> } }).data
      .challenges[0]!;
    expect(typeof echoed.request).toBe("object");
    const header = agentHeaderCredential(offer, "org.paymentauth/credential", {
      challenge: echoed,
      payload: { token: "ok" },
    });
    if (typeof header === "string") throw new Error(header);
    expect(header.name).toBe("Authorization");
    const wire = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(atob(header.value.slice(8).replace(/-/g, "+").replace(/_/g, "/")), (c) =>
          c.charCodeAt(0),
        ),
      ),
    ) as { challenge: { request: string } };
    expect(wire.challenge.request).toBe(request);
    expect(Credential.deserialize(header.value).challenge.id).toBe(offer.offerKey);
  });

  it("refuses an x402 credential for an MPP offer, and one with no payload", async () => {
    const { offer } = await mppOffer();
    expect(agentHeaderCredential(offer, "x402/payment", { x402Version: 2 })).toBeTypeOf("string");
    expect(agentHeaderCredential(offer, "org.paymentauth/credential", { challenge: offer.raw })).toBeTypeOf(
      "string",
    );
  });
});

describe("a challenge's request must be the canonical base64url of its JSON", () => {
  it("refuses a second spelling of the same bytes (non-zero trailing bits)", () => {
    // 10 bytes of JCS JSON: 14 base64url characters, the last one's low 4 bits carry no data.
    const request = btoa('{"a":"bc"}').replace(/=+$/, "");
    expect(request).toHaveLength(14);
    expect(request.at(-1)).toBe("Q");
    const respelled = `${request.slice(0, -1)}R`; // "Q" is 010000: R sets a spare bit
    expect(atob(`${respelled}==`)).toBe(atob(`${request}==`));
    const read = (r: string) =>
      paymentChallengeObject(
        parseAuthChallenges(`Payment id="x", realm="r", method="test", intent="charge", request="${r}"`)[0]!,
      );
    expect(read(request)).toMatchObject({ request: { a: "bc" } });
    expect(read(respelled)).toBe("request is not the canonical base64url of its JSON");
  });
});
