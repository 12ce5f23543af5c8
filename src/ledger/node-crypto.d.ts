// The one node:crypto call the ledger makes (nodejs_compat provides it at runtime). The project
// has no @types/node; if it gains them, this declaration merges with theirs.
declare module "node:crypto" {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
