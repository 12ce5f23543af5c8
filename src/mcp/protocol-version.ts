// MCP protocol revisions the gateway accepts in the MCP-Protocol-Version header. A missing header means
// 2025-03-26 (Streamable HTTP spec); any other value is a transport fault (HTTP 400).
export const SUPPORTED_PROTOCOL_VERSIONS = [
  "2024-11-05",
  "2025-03-26",
  "2025-06-18",
  "2025-11-25",
  "2026-07-28",
] as const;

export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];

/** The header's value when supported, "2025-03-26" when absent, null when unsupported. */
export function acceptedProtocolVersion(header: string | null): ProtocolVersion | null {
  if (header === null) return "2025-03-26";
  const v = header.trim();
  return (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(v) ? (v as ProtocolVersion) : null;
}
