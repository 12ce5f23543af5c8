/// <reference types="vite/client" />
// An MCP key in /<key>/mcp is a secret in a URL: nothing may copy request URLs into platform logs.
// Workers invocation logs record the URL, so they are off; console lines never print a URL or path.
import { describe, expect, it } from "vitest";
import wranglerText from "../../wrangler.jsonc?raw";

const sources = import.meta.glob(["../../src/**/*.ts", "../../src/**/*.tsx"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

/** Drops // and /* comments outside strings, so JSON.parse reads the JSONC. */
function stripJsonComments(text: string): string {
  return text.replace(
    /("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (_m, str: string | undefined) => str ?? "",
  );
}

/** Every console.* call in `source`, from `console.` to its closing parenthesis. */
function consoleCalls(source: string): string[] {
  const calls: string[] = [];
  for (const m of source.matchAll(/console\.\w+\(/g)) {
    let depth = 0;
    let i = m.index;
    for (; i < source.length; i++) {
      if (source[i] === "(") depth++;
      else if (source[i] === ")" && --depth === 0) break;
    }
    calls.push(source.slice(m.index, i + 1));
  }
  return calls;
}

describe("the MCP key in the URL never reaches platform logs", () => {
  it("keeps observability for console output but turns invocation logs off", () => {
    const config = JSON.parse(stripJsonComments(wranglerText)) as {
      observability?: { enabled?: boolean; logs?: { invocation_logs?: boolean } };
    };
    expect(config.observability?.enabled).toBe(true);
    expect(config.observability?.logs?.invocation_logs).toBe(false);
  });

  it("has no console line in src/ that prints a request URL or path", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    const offending: string[] = [];
    for (const [file, source] of Object.entries(sources)) {
      for (const call of consoleCalls(source)) {
        // safeHost() keeps only the host of an operator URL (its path may hold a token).
        const checked = call.replace(/safeHost\([^)]*\)/g, "");
        if (/\burl\b|\.url\b|pathname|\.path\b|req\b|request\b|c\.req|headers/i.test(checked)) {
          offending.push(`${file}: ${call}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
