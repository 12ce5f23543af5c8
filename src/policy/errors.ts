// Compile errors: one shape, always pointing at a line/column and a dotted path into the document.
import { z } from "zod";

export const PolicyErrorSchema = z.object({
  line: z.number().nullable(),
  column: z.number().nullable(),
  /** e.g. tools.generate_image.rules[0].spend.daily */
  path: z.string(),
  message: z.string(),
});
export type PolicyError = z.infer<typeof PolicyErrorSchema>;

export type DocPath = readonly (string | number)[];

export function formatPath(path: DocPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

export type Locator = (path: DocPath, atKey?: boolean) => { line: number; column: number } | null;

/** Collects errors for one compilation, resolving positions through the source locator. */
export class ErrorSink {
  readonly errors: PolicyError[] = [];
  constructor(private readonly locate: Locator) {}

  add(path: DocPath, message: string, atKey = false): void {
    const pos = this.locate(path, atKey);
    this.errors.push({
      line: pos?.line ?? null,
      column: pos?.column ?? null,
      path: formatPath(path),
      message,
    });
  }
}
