import { packageBuild } from "../../tsup.base.config.js";

// The host is an application: ES modules only and no declarations.
export default packageBuild({ entry: { main: "src/main.ts", worker: "src/worker.ts", keys: "src/cli/keys.ts", connections: "src/cli/connections.ts", smoke: "src/smoke/smoke.ts" }, format: ["esm"], dts: false });
