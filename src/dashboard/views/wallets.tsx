// Org wallets as the operator reads them: each wallet with its caps, status and payment methods (kind
// and address only: a method's key is write-only), the add-method and remove forms, and the create form.
import type { WalletMethodView, WalletView } from "../../services/schemas/wallets";
import type { View } from "../context";
import { time } from "../format";
import { Amount } from "./amount";
import { Input, Select } from "./field";
import { Csrf, Layout } from "./layout";
import { NextPage } from "./pager";

export const METHOD_KIND_OPTIONS = [
  { value: "mpp-test", label: "mpp-test (the demo's test charge; no key)" },
  { value: "mpp-evm", label: "mpp-evm (MPP charge signed with an EVM key)" },
  { value: "x402-evm", label: "x402-evm (x402 exact, EIP-3009, EVM key)" },
] as const;

export function WalletsPage(props: { v: View; wallets: WalletView[]; nextHref: string | null }) {
  const { v, wallets } = props;
  return (
    <Layout v={v} title="Wallets">
      <p class="muted">
        Agents in tollgate-pays mode are paid for from a wallet: Tollgate answers the upstream's payment
        challenge itself, inside the agent's mandate and the wallet's caps. Keys are sealed when added and
        never shown again.
      </p>
      {wallets.length === 0 ? <p class="muted">No wallets yet.</p> : null}
      <div id="wallets">
        {wallets.map((w) => (
          <WalletCard w={w} v={v} />
        ))}
      </div>
      <NextPage href={props.nextHref} label="More wallets" />
      <NewWalletForm csrf={v.csrf} />
    </Layout>
  );
}

function WalletStatus({ status }: { status: WalletView["status"] }) {
  return <span class={`status ${status === "active" ? "allowed" : "denied"}`}>{status}</span>;
}

function WalletCard({ w, v }: { w: WalletView; v: View }) {
  const active = w.status === "active";
  return (
    <section class="card stack" id={w.id} data-wallet={w.name} aria-labelledby={`${w.id}-h`}>
      <h2 id={`${w.id}-h`}>{w.name}</h2>
      <p>
        Status: <WalletStatus status={w.status} /> · caps: daily <Amount m={w.caps.daily} />, total{" "}
        <Amount m={w.caps.total} /> · created {time(w.createdAt, v.tz)}
      </p>
      <form method="post" action={`/dashboard/wallets/${w.id}/status`} class="inline">
        <Csrf token={v.csrf} />
        <input type="hidden" name="status" value={active ? "disabled" : "active"} />
        <button
          type="submit"
          class={active ? "danger" : ""}
          aria-label={`${active ? "Disable" : "Enable"} wallet ${w.name}`}
        >
          {active ? "Disable wallet" : "Enable wallet"}
        </button>
      </form>
      <MethodTable w={w} csrf={v.csrf} tz={v.tz} />
      <AddMethodForm w={w} csrf={v.csrf} />
    </section>
  );
}

function MethodTable({ w, csrf, tz }: { w: WalletView; csrf: string; tz: string }) {
  if (w.methods.length === 0) return <p class="muted">No payment methods: this wallet cannot pay yet.</p>;
  return (
    <div class="table-wrap">
      <table class="methods">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Address</th>
            <th scope="col">Added</th>
            <th scope="col">Remove</th>
          </tr>
        </thead>
        <tbody>
          {w.methods.map((m) => (
            <MethodRow w={w} m={m} csrf={csrf} tz={tz} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MethodRow({ w, m, csrf, tz }: { w: WalletView; m: WalletMethodView; csrf: string; tz: string }) {
  return (
    <tr data-method={m.id}>
      <td>{m.kind}</td>
      <td>{m.address ? <code>{m.address}</code> : <span class="muted">none (test method)</span>}</td>
      <td>{time(m.createdAt, tz)}</td>
      <td>
        <form method="post" action={`/dashboard/wallets/${w.id}/methods/${m.id}/delete`} class="inline">
          <Csrf token={csrf} />
          <button type="submit" class="danger" aria-label={`Remove ${m.kind} method ${m.address ?? m.id}`}>
            Remove
          </button>
        </form>
      </td>
    </tr>
  );
}

function AddMethodForm({ w, csrf }: { w: WalletView; csrf: string }) {
  return (
    <form
      method="post"
      action={`/dashboard/wallets/${w.id}/methods`}
      class="row"
      aria-label={`Add a payment method to ${w.name}`}
    >
      <Csrf token={csrf} />
      <Select id={`${w.id}-kind`} name="kind" label="Method kind" options={METHOD_KIND_OPTIONS} />
      <Input
        id={`${w.id}-key`}
        name="privateKey"
        label="Private key (EVM kinds)"
        type="password"
        autocomplete="off"
        size={30}
        maxlength={80}
        hint="0x + 64 hex digits; sealed at once, never shown again."
      />
      <button type="submit">Add method</button>
    </form>
  );
}

function NewWalletForm({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/dashboard/wallets" class="stack card" aria-labelledby="new-wallet-h">
      <h2 id="new-wallet-h">New wallet</h2>
      <Csrf token={csrf} />
      <Input id="w-name" name="name" label="Wallet name" required maxlength={200} />
      <div class="row">
        <Input id="w-currency" name="currency" label="Cap currency" required value="pathUSD" size={10} />
        <Input id="w-daily" name="daily" label="Daily cap" inputmode="decimal" size={9} />
        <Input id="w-total" name="total" label="Total cap" inputmode="decimal" size={9} />
      </div>
      <p class="muted">Caps in major units of the currency (5.00); leave one empty for no cap.</p>
      <button type="submit">Create wallet</button>
    </form>
  );
}
