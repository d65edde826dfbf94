import { packageBuild } from "../../tsup.base.config.js";

export default packageBuild({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  // p-retry is ESM-only; bundling it keeps the CommonJS build loadable everywhere.
  noExternal: ["p-retry", "is-network-error"],
});
