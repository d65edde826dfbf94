import { packageBuild } from "../../tsup.base.config.js";

export default packageBuild({ entry: { index: "src/index.ts" } });
