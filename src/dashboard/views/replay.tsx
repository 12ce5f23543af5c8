// "What would this change do?": the replay of the editor's text over the recorded calls of the last
// days, as totals and a table of the calls whose decision flips (services/replay.ts).
import type { ReplayView } from "../../services/schemas/replay";
import { money, time } from "../format";
import { Select } from "./field";

export const REPLAY_DAYS = ["1", "7", "30"] as const;

export function ReplayFields({ days }: { days: string }) {
  return (
    <fieldset class="row">
      <legend>What would this change do? Replay it over the recorded calls</legend>
      <Select
        id="r-days"
        name="replayDays"
        label="Period"
        options={REPLAY_DAYS.map((d) => ({
          value: d,
          label: d === "1" ? "last 24 hours" : `last ${d} days`,
        }))}
        value={days}
      />
      <button type="submit" name="action" value="replay" class="secondary">
        Replay
      </button>
    </fieldset>
  );
}

const amounts = (list: ReplayView["totals"]["prevented"]) =>
  list.length === 0 ? "nothing" : list.map((m) => money(m)).join(", ");

export function ReplayResult({ r, tz }: { r: ReplayView; tz: string }) {
  const t = r.totals;
  return (
    <section class="card" id="replay" aria-labelledby="replay-h">
      <h2 id="replay-h">
        Replay: {t.changed} of {t.calls} calls would change
      </h2>
      <p>
        {t.allowToDeny} allowed would be refused, {t.denyToAllow} refused would be allowed, {t.toApproval}{" "}
        would need approval. Spend prevented: <strong>{amounts(t.prevented)}</strong>; spend newly allowed:{" "}
        <strong>{amounts(t.allowed)}</strong>.
      </p>
      {r.firstDivergence ? (
        <p>
          First divergence: {time(r.firstDivergence.at, tz)}, <code>{r.firstDivergence.tool ?? "?"}</code>.
        </p>
      ) : null}
      {r.calls.length > 0 ? <FlipTable r={r} tz={tz} /> : null}
      <ul class="muted">
        {r.warnings.map((w) => (
          <li>{w}</li>
        ))}
      </ul>
    </section>
  );
}

function FlipTable({ r, tz }: { r: ReplayView; tz: string }) {
  return (
    <table aria-label="Calls whose decision changes">
      <thead>
        <tr>
          <th>When</th>
          <th>Agent</th>
          <th>Tool</th>
          <th>Price</th>
          <th>Was</th>
          <th>Would be</th>
        </tr>
      </thead>
      <tbody>
        {r.calls.map((c) => (
          <tr>
            <td>{time(c.at, tz)}</td>
            <td>{c.agentId ?? "—"}</td>
            <td>
              <code>{c.tool ?? "—"}</code>
            </td>
            <td>{c.price ? money(c.price) : "—"}</td>
            <td>
              <span class={`status ${c.old.decision === "allow" ? "allowed" : "denied"}`}>
                {c.old.decision}
              </span>
            </td>
            <td>
              <span class={`status ${c.new.decision === "allow" ? "allowed" : "denied"}`}>
                {c.new.decision}
              </span>{" "}
              {c.new.reasonCode ? <code>{c.new.reasonCode}</code> : null} {c.new.rule ?? ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
