// The one node:async_hooks class the demo upstream uses (nodejs_compat provides it at runtime). The
// project has no @types/node; if it gains them, this declaration merges with theirs.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, fn: () => R): R;
  }
}
