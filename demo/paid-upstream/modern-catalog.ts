// Resources, prompts and completion on the 2026-07-28 demo server, so both eras can be tried on every
// method, not only tools. Plain data; each answer is a complete result in that revision's shape.
import { recordRun } from "./witness";

type Msg = { id?: unknown; method?: unknown; params?: Record<string, unknown> };

export const MODERN_NOTE_URI = "modern://notes/today";

const TOPICS = ["tolls", "tokens", "traces"];

/** The result of one catalogue method, or null when `method` is not one of them. */
export function modernCatalog(msg: Msg): Record<string, unknown> | { error: string } | null {
  const p = msg.params ?? {};
  switch (msg.method) {
    case "resources/list":
      return { resources: [{ uri: MODERN_NOTE_URI, name: "today", mimeType: "text/plain" }] };
    case "resources/templates/list":
      return { resourceTemplates: [{ uriTemplate: "modern://notes/{day}", name: "notes by day" }] };
    case "resources/read": {
      const uri = String(p.uri ?? "");
      if (!uri.startsWith("modern://notes/")) return { error: `Unknown resource: ${uri}` };
      recordRun("resources/read", { uri });
      return { contents: [{ uri, mimeType: "text/plain", text: `notes for ${uri.slice(15)}` }] };
    }
    case "prompts/list":
      return {
        prompts: [{ name: "modern_summary", arguments: [{ name: "topic", required: true }] }],
      };
    case "prompts/get": {
      if (p.name !== "modern_summary") return { error: `Unknown prompt: ${String(p.name)}` };
      const topic = String((p.arguments as { topic?: unknown } | undefined)?.topic ?? "");
      recordRun("prompts/get", { name: p.name, topic });
      return {
        messages: [{ role: "user", content: { type: "text", text: `Summarise ${topic} (2026-07-28).` } }],
      };
    }
    case "completion/complete": {
      const value = String((p.argument as { value?: unknown } | undefined)?.value ?? "");
      const values = TOPICS.filter((t) => t.startsWith(value));
      return { completion: { values, total: values.length, hasMore: false } };
    }
    default:
      return null;
  }
}
