// The parts of MCP results and params the gateway reads, as zod schemas: upstream replies and client
// requests are external input. Loose objects, so fields we do not read pass through unchanged.
import { z } from "zod";

export const ListedTool = z.looseObject({
  name: z.string(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});
export type ListedTool = z.infer<typeof ListedTool>;

export const ToolsListResult = z.looseObject({
  tools: z.array(z.unknown()),
  nextCursor: z.string().optional(),
});

const Capabilities = z.record(z.string(), z.unknown());

export const InitializeResult = z.looseObject({
  protocolVersion: z.string().optional(),
  capabilities: Capabilities.optional(),
});
export type InitializeResult = z.infer<typeof InitializeResult>;

export const InitializeParams = z.looseObject({
  protocolVersion: z.string().optional(),
  capabilities: z.looseObject({ elicitation: z.unknown().optional() }).optional(),
});

export const ErrorObject = z.looseObject({ message: z.string() });

/** Parses `value`, or null (callers decide what an unreadable value means). */
export function parseOrNull<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | null {
  const r = schema.safeParse(value);
  return r.success ? r.data : null;
}
