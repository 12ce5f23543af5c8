// docs/policy-format.md shows the fixture files verbatim; this keeps the page and the tested files identical.
import { describe, expect, it } from "vitest";
import doc from "../../docs/policy-format.md?raw";
import getStarted from "../fixtures/policies/getting-started.yaml?raw";
import globalBudget from "../fixtures/policies/global-daily-budget.yaml?raw";
import imageBudget from "../fixtures/policies/image-budget.yaml?raw";
import features from "../fixtures/policies/intercept-features.yaml?raw";
import research from "../fixtures/policies/research-report-approval.yaml?raw";
import shadow from "../fixtures/policies/shadow-mode.yaml?raw";
import ext from "../fixtures/policies/tollgate-extensions.yaml?raw";
import { compileOk } from "./helpers";

const fixtures: Record<string, string> = {
  "getting-started.yaml": getStarted,
  "global-daily-budget.yaml": globalBudget,
  "image-budget.yaml": imageBudget,
  "intercept-features.yaml": features,
  "research-report-approval.yaml": research,
  "shadow-mode.yaml": shadow,
  "tollgate-extensions.yaml": ext,
};

describe("docs/policy-format.md", () => {
  const shown = [...doc.matchAll(/<!-- fixture: ([\w.-]+) -->\n```yaml\n([\s\S]*?)```/g)];

  it("shows every fixture once, byte for byte", () => {
    expect(shown.map((m) => m[1]).sort()).toEqual(Object.keys(fixtures).sort());
    for (const [, name, body] of shown) expect(body, name).toBe(fixtures[name ?? ""]);
  });

  it("every fixture compiles", () => {
    for (const source of Object.values(fixtures)) compileOk(source);
  });
});
