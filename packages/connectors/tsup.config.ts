import { packageBuild } from "../../tsup.base.config.js";

export default packageBuild({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  // vitest is the consumer's own test runner; the testing subpath must use their copy.
  external: ["vitest"],
});
