// A line diff by longest common subsequence, for showing a policy draft against the active version.
// Pure; quadratic in lines, so very long inputs fall back to "all removed, all added".

export type DiffLine = {
  op: "same" | "add" | "del";
  text: string;
  oldLine: number | null;
  newLine: number | null;
};

const MAX_CELLS = 4_000_000;

export function lineDiff(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS) {
    return [
      ...a.map((text, i) => ({ op: "del" as const, text, oldLine: i + 1, newLine: null })),
      ...b.map((text, j) => ({ op: "add" as const, text, oldLine: null, newLine: j + 1 })),
    ];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], flattened row-major.
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: "same", text: a[i]!, oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      // On a tie, removals come before additions, as in unified diffs.
      out.push({ op: "del", text: a[i]!, oldLine: i + 1, newLine: null });
      i++;
    } else {
      out.push({ op: "add", text: b[j]!, oldLine: null, newLine: j + 1 });
      j++;
    }
  }
  return out;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
