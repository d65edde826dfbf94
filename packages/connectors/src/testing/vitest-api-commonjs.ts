// Stands in for vitest-api.ts in the CommonJS build: everything else of the testing subpath works from require(),
// and a suite that needs vitest explains how to load it instead of failing on vitest's own require() error.
import type * as Vitest from "vitest";
import { ConfigurationError } from "@neonhub/core";

function unavailable(): never {
  throw new ConfigurationError("The conformance and contract suites run on vitest, which is ESM-only: import this testing subpath from an ES module.");
}

export const afterAll = unavailable as unknown as typeof Vitest.afterAll;
export const afterEach = unavailable as unknown as typeof Vitest.afterEach;
export const beforeAll = unavailable as unknown as typeof Vitest.beforeAll;
export const beforeEach = unavailable as unknown as typeof Vitest.beforeEach;
export const describe = unavailable as unknown as typeof Vitest.describe;
export const expect = unavailable as unknown as typeof Vitest.expect;
export const it = unavailable as unknown as typeof Vitest.it;
