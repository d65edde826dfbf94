import { cp } from "node:fs/promises";
import { packageBuild } from "../../tsup.base.config.js";

export default packageBuild({
  entry: { index: "src/index.ts", "bin/neonhub-migrate": "src/bin/neonhub-migrate.ts" },
  // The generated Prisma client and the migrations folder are located through import.meta.url, also in CommonJS.
  shims: true,
  // The committed migrations ship inside the package, where openNeonhubDatabase looks for them first.
  onSuccess: async () => {
    await cp("../../prisma/migrations", "dist/migrations", { recursive: true });
  },
});
