// The README's policy examples are the tested fixture files, byte for byte.
import { describe, expect, it } from "vitest";
import readme from "../README.md?raw";
import globalBudget from "./fixtures/policies/global-daily-budget.yaml?raw";
import imageBudget from "./fixtures/policies/image-budget.yaml?raw";

const fixtures: Record<string, string> = {
  "global-daily-budget.yaml": globalBudget,
  "image-budget.yaml": imageBudget,
};

describe("README.md", () => {
  it("shows its policy examples exactly as the fixtures the policy tests load", () => {
    const shown = [...readme.matchAll(/<!-- fixture: ([\w.-]+) -->\n```yaml\n([\s\S]*?)```/g)];
    expect(shown.map((m) => m[1]).sort()).toEqual(Object.keys(fixtures).sort());
    for (const [, name, body] of shown) expect(body, name).toBe(fixtures[name ?? ""]);
  });

  it("shows the two commands", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });
});
