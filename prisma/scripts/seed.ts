// `pnpm db:seed`: the example host's agents and the 16 platform connector kinds, into DATABASE_URL or the embedded database
// in NEONHUB_DATA_DIR (default: the example host's, examples/host/.neonhub). Safe to run again: rows are upserted.
import { connectionFromEnvironment, describeConnection } from "../../packages/persistence-prisma/src/tooling/connection-from-environment.js";
import { seedConnection } from "../../packages/persistence-prisma/src/tooling/seed-from-environment.js";
import { withHostDataDir } from "./host-data-dir.js";

const connection = connectionFromEnvironment(withHostDataDir(process.env));
const seeded = await seedConnection(connection);
console.log(`${describeConnection(connection)}: seeded ${seeded.agents} agents and ${seeded.connectors} connectors.`);
