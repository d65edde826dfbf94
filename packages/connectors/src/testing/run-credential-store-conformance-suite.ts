import { type CredentialStoreConformanceOptions as CoreCredentialStoreConformanceOptions, runCredentialStoreConformanceSuite as runCoreSuite } from "@neonhub/core/testing";

/** Options of {@link runCredentialStoreConformanceSuite}. @deprecated Use `CredentialStoreConformanceOptions` of `@neonhub/core/testing`. */
export type CredentialStoreConformanceOptions = CoreCredentialStoreConformanceOptions;

/**
 * The `CredentialStore` conformance suite of `@neonhub/core/testing`, where the suites of every store port live.
 * @deprecated Import `runCredentialStoreConformanceSuite` from `@neonhub/core/testing`.
 */
export const runCredentialStoreConformanceSuite: (options: CredentialStoreConformanceOptions) => void = runCoreSuite;
