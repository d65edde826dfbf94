import pg from "pg";
import { MissingPrivilegeError } from "./missing-privilege-error.js";

/** The two roles of a deployment. */
export interface DatabaseRolesOptions {
  /** Owns the tables and runs migrations (DDL). */
  migratorRole: string;
  migratorPassword?: string;
  /** Used by the application: reads and writes rows, cannot change the schema (DML only). */
  appRole: string;
  appPassword?: string;
  schema?: string;
}

/** What {@link createDatabaseRoles} changed besides the grants it always makes. */
export interface DatabaseRolesReport {
  /** The roles it created; empty when both existed. */
  createdRoles: string[];
  /** The connected role, when it was made a member of the migration role; null when it needed no membership. */
  grantedMigratorRoleTo: string | null;
}

/** PostgreSQL's SQLSTATE for a missing privilege (`insufficient_privilege`). */
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * Creates (or updates) the migration role and the application role in the database `client` is connected to,
 * hands the existing NeonHub objects to the migration role and grants the application role DML on them and on
 * everything the migration role creates later. It is idempotent.
 *
 * Run it as a superuser, or as the database's owner with the CREATEROLE attribute (a managed service's administrator
 * user). Handing tables to the migration role and setting its default privileges need membership in it; a connected
 * role that is not a superuser and not yet such a member is granted it (`GRANT migrator TO current_user`, with
 * INHERIT and SET from PostgreSQL 16), which CREATEROLE allows on PostgreSQL 15 and, from 16, ADMIN OPTION on the
 * role, which the role that created it has.
 * @throws MissingPrivilegeError when the connected role lacks a privilege a step needs, naming the step and the privilege.
 */
export async function createDatabaseRoles(client: pg.Client, options: DatabaseRolesOptions): Promise<DatabaseRolesReport> {
  const schema = options.schema ?? "public";
  const session = await client.query<{ database: string; user: string; superuser: boolean; version: number }>(
    `SELECT current_database() AS database, current_user AS "user", r.rolsuper AS superuser,
            current_setting('server_version_num')::int AS version
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const { database, user, superuser, version } = session.rows[0]!;
  const report: DatabaseRolesReport = { createdRoles: [], grantedMigratorRoleTo: null };
  // Each statement names what it does and what it needs, so that a refusal says which privilege is missing.
  const run = async (step: string, privilege: string, template: string, ...values: unknown[]) => {
    try {
      // format() quotes identifiers (%I) and literals (%L) on the server, so names and passwords cannot inject SQL.
      const { rows } = await client.query<{ statement: string }>(`SELECT format($1, ${values.map((_, index) => `$${index + 2}::text`).join(", ")}) AS statement`, [template, ...values]);
      await client.query(rows[0]!.statement);
    } catch (error) {
      if ((error as { code?: unknown }).code === INSUFFICIENT_PRIVILEGE) throw new MissingPrivilegeError(step, privilege, user, error as Error);
      throw error;
    }
  };
  const { migratorRole: migrator, appRole: app } = options;
  const ownsDatabase = `ownership of database "${database}" (or superuser)`;
  const ownsSchema = `ownership of schema "${schema}" (or superuser)`;
  const memberOfMigrator = `membership in role "${migrator}" or superuser (GRANT "${migrator}" TO "${user}")`;

  for (const [role, password] of [
    [migrator, options.migratorPassword],
    [app, options.appPassword],
  ] as const) {
    const exists = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount! > 0;
    if (!exists) {
      await run(`create role "${role}"`, "the CREATEROLE attribute or superuser", "CREATE ROLE %I LOGIN", role);
      report.createdRoles.push(role);
    }
    if (password) await run(`set the password of role "${role}"`, "the CREATEROLE attribute (from PostgreSQL 16 also ADMIN OPTION on the role) or superuser", "ALTER ROLE %I WITH LOGIN PASSWORD %L", role, password);
  }
  if (!superuser && !(await actsAsRole(client, migrator, version))) {
    // From PostgreSQL 16 the creator of a role holds ADMIN OPTION on it but neither inherits its privileges nor may
    // SET ROLE to it, and both are needed below; PostgreSQL 15 has no such options, and CREATEROLE may grant any role.
    const grant = version >= 160000 ? "GRANT %I TO %I WITH INHERIT TRUE, SET TRUE" : "GRANT %I TO %I";
    const privilege = `the CREATEROLE attribute (from PostgreSQL 16 also ADMIN OPTION on "${migrator}", which its creator has) or superuser; or a superuser may run GRANT "${migrator}" TO "${user}"`;
    await run(`grant role "${migrator}" to "${user}"`, privilege, grant, migrator, user);
    report.grantedMigratorRoleTo = user;
  }
  await run(`grant CONNECT, TEMPORARY on database "${database}"`, ownsDatabase, "GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", database, migrator);
  await run(`grant CONNECT on database "${database}"`, ownsDatabase, "GRANT CONNECT ON DATABASE %I TO %I", database, app);
  await run(`revoke CREATE on schema "${schema}" from PUBLIC`, ownsSchema, "REVOKE CREATE ON SCHEMA %I FROM PUBLIC", schema);
  await run(`grant USAGE, CREATE on schema "${schema}"`, ownsSchema, "GRANT USAGE, CREATE ON SCHEMA %I TO %I", schema, migrator);
  await run(`grant USAGE on schema "${schema}"`, ownsSchema, "GRANT USAGE ON SCHEMA %I TO %I", schema, app);
  await run(`revoke CREATE on schema "${schema}"`, ownsSchema, "REVOKE CREATE ON SCHEMA %I FROM %I", schema, app);
  // The migration role has no CREATE on the database, which creating even a trusted extension needs: pg_trgm, behind
  // the trigram index of intent search, is created here where the server offers it.
  const trigrams = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'");
  if (trigrams.rowCount! > 0) await run("create extension pg_trgm", `CREATE on database "${database}" (or superuser)`, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA %I", schema);

  // Tables (with their sequences) and enum types created before the roles existed move to the migration role.
  const owned = await client.query<{ kind: string; name: string; owner: string }>(
    `SELECT 'TABLE' AS kind, c.relname AS name, pg_get_userbyid(c.relowner) AS owner
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND pg_get_userbyid(c.relowner) <> $2
     UNION ALL
     SELECT 'TYPE', t.typname, pg_get_userbyid(t.typowner) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typtype = 'e' AND pg_get_userbyid(t.typowner) <> $2`,
    [schema, migrator],
  );
  for (const object of owned.rows) {
    const step = `hand ${object.kind.toLowerCase()} "${schema}"."${object.name}" to "${migrator}"`;
    const privilege = `ownership of it, held by "${object.owner}" (or membership in that role), and ${memberOfMigrator}`;
    await run(step, privilege, `ALTER ${object.kind} %I.%I OWNER TO %I`, schema, object.name, migrator);
  }

  await run(`grant "${app}" DML on the tables`, memberOfMigrator, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I", schema, app);
  await run(`grant "${app}" the sequences`, memberOfMigrator, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I", schema, app);
  const defaults = `set the default privileges of "${migrator}"`;
  await run(defaults, memberOfMigrator, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I", migrator, schema, app);
  await run(defaults, memberOfMigrator, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I", migrator, schema, app);
  return report;
}

/** Whether the connected role has the privileges of `role` and, from PostgreSQL 16, may also SET ROLE to it. */
async function actsAsRole(client: pg.Client, role: string, version: number): Promise<boolean> {
  const set = version >= 160000 ? " AND pg_has_role($1, 'SET')" : "";
  const { rows } = await client.query<{ acts: boolean }>(`SELECT pg_has_role($1, 'USAGE')${set} AS acts`, [role]);
  return rows[0]!.acts;
}

/** {@link createDatabaseRoles} on a connection of its own to `url`. */
export async function createDatabaseRolesAt(url: string, options: DatabaseRolesOptions): Promise<DatabaseRolesReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await createDatabaseRoles(client, options);
  } finally {
    await client.end();
  }
}
