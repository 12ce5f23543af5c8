// Attack: the compromised-wallet-plugin case. The agent sends each payment to an address the org has
// never paid (a tool that lets the caller name the payee). Every first payment to a new address is a
// payee.new event naming the address and the transaction; a repeat, even in other letter case, is not.
// The set of known payees is bounded (MAX_KNOWN_PAYEES, least recently paid forgotten first: a
// forgotten payee alerts again, never the other way round; test/events/watch.test.ts).
import { describe, expect, it } from "vitest";
import { seedEndpoint } from "../events/helpers";
import { withPayer } from "../helpers/mcp-client";
import { witness } from "../helpers/witness";
import { addr, setAlerts, waitForEvents, waitForObserved } from "../mcp/alert-helpers";
import { attackOrg, connect, transactions } from "./helpers";

const mandate = { currency: "PATHUSD", decimals: 6, budgetDaily: "1000000000" };

describe("an agent paying a fresh address on every call", () => {
  it("raises payee.new for each new address, and none for a repeat", { timeout: 30_000 }, async () => {
    const org = await attackOrg({ agents: [{ name: "main", isDefault: true, mandate }] });
    // Velocity on too, so the test can wait until every payment was watched.
    await setAlerts(org.orgId, { newPayee: { enabled: true }, velocity: { enabled: true } });
    const hook = await seedEndpoint({ orgId: org.orgId, events: ["payee.new"] });
    const payer = withPayer(await connect(org.url(org.agentKeys.main!)));
    const fresh = [11, 12, 13, 14, 15].map(addr);
    for (const [i, payTo] of fresh.entries())
      await payer.callTool({ name: "paid_echo", arguments: { text: `p${i}`, price: "0.10", payTo } });
    // The same address again, upper-cased: the same payee.
    const again = `0x${fresh[0]!.slice(2).toUpperCase()}`;
    await payer.callTool({ name: "paid_echo", arguments: { text: "again", price: "0.10", payTo: again } });

    await waitForObserved(org.orgId, 6, 0);
    const events = await waitForEvents(hook.endpointId, "payee.new", 5);
    expect(events.map((e) => (e.data as { payee: string }).payee).sort()).toEqual([...fresh].sort());
    const rows = await transactions(org.orgId);
    const committed = new Set(rows.filter((r) => r.status === "committed").map((r) => r.id));
    expect(committed.size).toBe(6);
    for (const e of events)
      expect(committed.has((e.data as { transactionId: string }).transactionId)).toBe(true);
    // Each went to the address the agent named, and the upstream ran each call.
    expect((await witness(org.host)).runs.filter((r) => r.tool === "paid_echo")).toHaveLength(6);
  });
});
