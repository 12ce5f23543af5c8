// Policy display pieces: source with line numbers (error lines marked), the LCS line diff, and the
// dry-run decision.
import { lineDiff } from "../diff";

export type CompileError = { line: number | null; column: number | null; path: string; message: string };
export type DryRun = {
  policy: { id: string | null; version: number | null } | null;
  mandate: { id: string; version: number } | null;
  decision: {
    action: string;
    shadow: boolean;
    wouldHave: string | null;
    rules: { name: string; source: string; passed: boolean; reason: string }[];
    denial: { code: string; rule: string; message: string } | null;
  };
};

export function CodeView({ source, errors }: { source: string; errors: CompileError[] }) {
  const bad = new Set(errors.map((e) => e.line).filter((l): l is number => l !== null));
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return (
    <section class="code" id="policy-code" aria-label="Policy source with line numbers">
      {lines.map((text, i) => (
        <>
          <span class={bad.has(i + 1) ? "ln err" : "ln"} id={`L${i + 1}`}>
            {i + 1}
            {bad.has(i + 1) ? <span class="sr-only"> (error)</span> : null}
          </span>
          <pre>{text || " "}</pre>
        </>
      ))}
    </section>
  );
}

export function DiffView({ oldText, newText }: { oldText: string; newText: string }) {
  const d = lineDiff(oldText, newText);
  const added = d.filter((l) => l.op === "add").length;
  const removed = d.filter((l) => l.op === "del").length;
  return (
    <section class="diff" id="policy-diff" aria-label={`Line diff: ${added} added, ${removed} removed`}>
      <p class="muted">
        {added} line{added === 1 ? "" : "s"} added, {removed} removed
      </p>
      {d.map((l) => (
        <div class={l.op}>
          <span class="n">{l.oldLine ?? ""}</span> <span class="n">{l.newLine ?? ""}</span>{" "}
          {l.op === "add" ? "+ " : l.op === "del" ? "- " : "  "}
          {l.text}
        </div>
      ))}
    </section>
  );
}

export function DryRunResult({ r }: { r: DryRun }) {
  const d = r.decision;
  return (
    <section class="card" id="dry-run" aria-labelledby="dry-h">
      <h2 id="dry-h">Dry run: {d.action}</h2>
      {d.shadow ? <p>Shadow mode: enforce mode would have answered {d.wouldHave}.</p> : null}
      {d.denial ? (
        <p>
          <code>{d.denial.code}</code> by rule “{d.denial.rule}”: {d.denial.message}
        </p>
      ) : null}
      {r.mandate ? <p class="muted">With the agent's mandate v{r.mandate.version}.</p> : null}
      <ul>
        {d.rules.map((rule) => (
          <li>
            <span class={`status ${rule.passed ? "allowed" : "denied"}`}>
              {rule.passed ? "pass" : "fail"}
            </span>{" "}
            {rule.name} <span class="muted">({rule.source})</span> {rule.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}
