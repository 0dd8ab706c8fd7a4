/**
 * The build-time switches. `environment.ts` is the production build; the `development`
 * configuration swaps in `environment.development.ts` through angular.json `fileReplacements`,
 * so choosing storage plugins never means editing code.
 */
export interface Environment {
  readonly production: boolean;
  readonly localDb: {
    /** IndexedDB database name of the RxDB database. */
    readonly name: string;
    /**
     * Adds RxDB's dev-mode plugin (schema/query checks, deep-frozen documents) and wraps the
     * storage with the ajv schema validator. Slow and large: development builds only.
     */
    readonly devMode: boolean;
  };
}
