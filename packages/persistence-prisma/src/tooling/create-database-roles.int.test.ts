import { randomBytes } from "node:crypto";
import { sampleRunInput } from "@neonhub/core/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase } from "../index.js";
import { createDatabaseRolesAt } from "./create-database-roles.js";
import { MissingPrivilegeError } from "./missing-privilege-error.js";
import { runRolesCommand } from "./run-roles-command.js";
import { TEST_DATABASE_URL, createScratchDatabase, withAdmin, type ScratchDatabase } from "./scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the database role tests.");

describe.skipIf(!TEST_DATABASE_URL)("migration and application roles", () => {
  const suffix = randomBytes(4).toString("hex");
  const roles = { migratorRole: `neonhub_migrator_${suffix}`, appRole: `neonhub_app_${suffix}`, migratorPassword: "migrator-secret", appPassword: "app-secret" };
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    await createDatabaseRolesAt(scratch.url, roles);
    // Migrations run as the migration role, which then owns every table.
    const asMigrator = await openNeonhubDatabase({ url: scratch.urlAs(roles.migratorRole, roles.migratorPassword), applyMigrations: true });
    await asMigrator.close();
  });
  afterAll(async () => {
    await scratch?.drop();
    await withAdmin(TEST_DATABASE_URL!, async (client) => {
      for (const role of [roles.appRole, roles.migratorRole]) await client.query(`DROP ROLE IF EXISTS "${role}"`);
    });
  });

  it("lets the application role write and read runs", async () => {
    const database = await openNeonhubDatabase({ url: scratch.urlAs(roles.appRole, roles.appPassword) });
    try {
      expect(await database.pendingMigrations()).toEqual([]);
      const input = sampleRunInput();
      await database.runStore.createRun(input);
      const finished = await database.runStore.finishRun({
        organizationId: input.organizationId,
        runId: input.id,
        status: "COMPLETED",
        statusReason: "completed",
        output: { ok: true },
        error: null,
        attempts: 1,
        completedAt: new Date(),
        durationMs: 5,
        metrics: [{ name: "duration_ms", value: 5, unit: "ms" }],
      });
      expect(finished.status).toBe("COMPLETED");
      expect(await database.runStore.listRunMetrics(input.organizationId, input.id)).toHaveLength(1);
    } finally {
      await database.close();
    }
  });

  it.each([
    ["create", 'CREATE TABLE "Intruder" ("id" TEXT)'],
    ["alter", 'ALTER TABLE "AgentRun" ADD COLUMN "intruder" TEXT'],
    ["drop", 'DROP TABLE "ToolExecution"'],
    ["truncate", 'TRUNCATE "AgentRun" CASCADE'],
  ])("refuses the application role to %s tables", async (_verb, statement) => {
    const client = new pg.Client({ connectionString: scratch.urlAs(roles.appRole, roles.appPassword) });
    await client.connect();
    try {
      await expect(client.query(statement)).rejects.toMatchObject({ code: "42501" });
    } finally {
      await client.end();
    }
  });

  it("creates pg_trgm, so that the migration role builds the trigram index of intent search", async () => {
    await withAdmin(scratch.url, async (client) => {
      expect((await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).rows).toHaveLength(1);
      const index = await client.query<{ owner: string }>(
        `SELECT pg_get_userbyid(c.relowner) AS owner FROM pg_class c WHERE c.relname = 'AgentRun_intent_trgm_idx'`,
      );
      expect(index.rows).toEqual([{ owner: roles.migratorRole }]);
    });
  });

  it("lets the migration role change the schema", async () => {
    const client = new pg.Client({ connectionString: scratch.urlAs(roles.migratorRole, roles.migratorPassword) });
    await client.connect();
    try {
      await client.query('ALTER TABLE "AgentRun" ADD COLUMN "scratch" TEXT');
      await client.query('ALTER TABLE "AgentRun" DROP COLUMN "scratch"');
    } finally {
      await client.end();
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)("roles set up by a database owner that is not a superuser", () => {
  const suffix = randomBytes(4).toString("hex");
  const owner = `neonhub_owner_${suffix}`;
  const roles = { migratorRole: `neonhub_migrator_${suffix}`, appRole: `neonhub_app_${suffix}` };
  const otherRoles = { migratorRole: `neonhub_migrator_other_${suffix}`, appRole: `neonhub_app_other_${suffix}` };
  let scratch: ScratchDatabase;
  const asAdmin = (statement: string) => withAdmin(scratch.url, (client) => client.query(statement));

  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    await asAdmin(`CREATE ROLE "${owner}" LOGIN NOCREATEROLE`);
    await asAdmin(`ALTER DATABASE "${scratch.name}" OWNER TO "${owner}"`);
    // The owner migrated the database, so it owns the tables that the migration role is to take over.
    const asOwner = await openNeonhubDatabase({ url: scratch.urlAs(owner), applyMigrations: true });
    await asOwner.close();
  });
  afterAll(async () => {
    await scratch?.drop();
    await withAdmin(TEST_DATABASE_URL!, async (client) => {
      for (const role of [roles.appRole, roles.migratorRole, otherRoles.appRole, otherRoles.migratorRole, owner]) await client.query(`DROP ROLE IF EXISTS "${role}"`);
    });
  });

  it("names the step refused for want of CREATEROLE, and the privilege, in one line", async () => {
    const lines: string[] = [];
    const code = await runRolesCommand({ DATABASE_URL: scratch.urlAs(owner), NEONHUB_MIGRATOR_ROLE: roles.migratorRole, NEONHUB_APP_ROLE: roles.appRole }, {
      log: (line) => lines.push(line),
      error: (line) => lines.push(line),
    });
    expect(code).toBe(1);
    expect(lines.at(-1)).toBe(
      `db:roles: Could not create role "${roles.migratorRole}" as "${owner}" (permission denied to create role): that needs the CREATEROLE attribute or superuser.`,
    );
  });

  it("with CREATEROLE, as a managed service's administrator has, creates the roles and makes itself a member of the migration role", async () => {
    await asAdmin(`ALTER ROLE "${owner}" CREATEROLE`);
    expect(await createDatabaseRolesAt(scratch.urlAs(owner), roles)).toEqual({ createdRoles: [roles.migratorRole, roles.appRole], grantedMigratorRoleTo: owner });
    await withAdmin(scratch.url, async (client) => {
      const owners = await client.query<{ owner: string }>(`SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`);
      expect(owners.rows).toEqual([{ owner: roles.migratorRole }]);
    });
    const database = await openNeonhubDatabase({ url: scratch.urlAs(roles.appRole) });
    try {
      await database.runStore.createRun(sampleRunInput());
    } finally {
      await database.close();
    }
    // Run again, it needs no new membership.
    expect(await createDatabaseRolesAt(scratch.urlAs(owner), roles)).toEqual({ createdRoles: [], grantedMigratorRoleTo: null });
  });

  it("without CREATEROLE, refuses roles a superuser created until the superuser makes it a member of the migration role", async () => {
    await asAdmin(`ALTER ROLE "${owner}" NOCREATEROLE`);
    for (const role of [otherRoles.migratorRole, otherRoles.appRole]) await asAdmin(`CREATE ROLE "${role}" LOGIN`);
    const refused = createDatabaseRolesAt(scratch.urlAs(owner), otherRoles);
    await expect(refused).rejects.toSatisfy(MissingPrivilegeError.isInstance);
    await expect(refused).rejects.toMatchObject({
      code: "CONFIGURATION_INVALID",
      isRetryable: false,
      role: owner,
      step: `grant role "${otherRoles.migratorRole}" to "${owner}"`,
      privilege: expect.stringContaining(`or a superuser may run GRANT "${otherRoles.migratorRole}" TO "${owner}"`),
    });
    await asAdmin(`GRANT "${otherRoles.migratorRole}" TO "${owner}"`);
    expect(await createDatabaseRolesAt(scratch.urlAs(owner), otherRoles)).toEqual({ createdRoles: [], grantedMigratorRoleTo: null });
  });
});
