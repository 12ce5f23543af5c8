// Tool results for governance tools: a text for the model plus the same facts as structuredContent.
export function ok(text: string, structured: Record<string, unknown>) {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

export function fail(text: string, structured?: Record<string, unknown>) {
  return {
    isError: true,
    content: [{ type: "text", text }],
    ...(structured ? { structuredContent: structured } : {}),
  };
}
