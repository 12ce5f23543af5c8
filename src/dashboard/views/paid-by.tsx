// Who paid (or pays) for a call: the org wallet by name when Tollgate paid, "agent" otherwise.
export type WalletNames = ReadonlyMap<string, string>;

export function PaidBy({ walletId, wallets }: { walletId: string | null; wallets: WalletNames }) {
  if (walletId === null) return <>agent</>;
  return <a href={`/dashboard/wallets#${walletId}`}>wallet {wallets.get(walletId) ?? walletId}</a>;
}

/** The wallet an agent's calls are paid from: its own in tollgate-pays mode, none in agent-pays. */
export function payingWallet(a: { payMode: string; walletId: string | null } | undefined): string | null {
  return a?.payMode === "tollgate-pays" ? a.walletId : null;
}

/** Which wallet pays each agent's calls (null: the agent pays), and the wallets' names. */
export type Payers = { wallets: WalletNames; byAgent: ReadonlyMap<string, string | null> };

export function AgentPaidBy({ agentId, payers }: { agentId: string; payers: Payers }) {
  return <PaidBy walletId={payers.byAgent.get(agentId) ?? null} wallets={payers.wallets} />;
}
