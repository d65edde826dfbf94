// The test functions of the consumer's own vitest, used by the suites of this subpath. The CommonJS build replaces
// this module with vitest-api-commonjs.ts (see tsup.base.config.ts), because vitest cannot be loaded with require().
export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
