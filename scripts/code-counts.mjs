// Prints the shape figures ARCHITECTURE.md tracks for src/: files over 300 lines, functions over 60
// lines, import cycles and `as` casts (`as const` excluded). Usage: node scripts/code-counts.mjs [dir]
import fs from "node:fs";
import path from "node:path";
import { cruise } from "dependency-cruiser";
import ts from "typescript";

const root = path.resolve(process.argv[2] ?? ".");
const srcDir = path.join(root, "src");

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

const longFiles = [];
const longFunctions = [];
let casts = 0;
for (const file of sources(srcDir)) {
  const text = fs.readFileSync(file, "utf8");
  const rel = path.relative(root, file);
  const lines = text.split("\n").length;
  if (lines > 300) longFiles.push(`${rel} (${lines})`);
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const visit = (node) => {
    if (ts.isAsExpression(node) && node.type.getText(sf) !== "const") casts++;
    if (ts.isTypeAssertionExpression?.(node)) casts++;
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.end).line;
      if (end - start + 1 > 60) {
        const name =
          node.name?.getText(sf) ?? ts.getNameOfDeclaration?.(node.parent)?.getText(sf) ?? "(anonymous)";
        longFunctions.push(`${rel}:${start + 1} ${name} (${end - start + 1})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

const result = await cruise([srcDir], {
  validate: true,
  ruleSet: { forbidden: [{ name: "no-circular", severity: "error", from: {}, to: { circular: true } }] },
  doNotFollow: { path: "node_modules" },
  tsPreCompilationDeps: true,
  exclude: { path: "\\.d\\.ts$" },
});
const cycles = new Set();
for (const v of result.output.summary.violations) {
  const members = [v.from, ...(v.cycle ?? []).map((c) => c.name ?? c)].map((p) =>
    path.relative(root, path.resolve(p)),
  );
  cycles.add([...new Set(members)].sort().join(" <-> "));
}

console.log(`files over 300 lines: ${longFiles.length}`);
for (const f of longFiles) console.log(`  ${f}`);
console.log(`functions over 60 lines: ${longFunctions.length}`);
for (const f of longFunctions) console.log(`  ${f}`);
console.log(`import cycles: ${cycles.size}`);
for (const c of cycles) console.log(`  ${c}`);
console.log(`\`as\` casts (not \`as const\`): ${casts}`);
