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

/** PostgreSQL's SQLSTATE for a missing privilege (`insufficient_privilege`). */
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * Creates (or updates) the migration role and the application role in the database `client` is connected to,
 * hands the existing NeonHub objects to the migration role and grants the application role DML on them and on
 * everything the migration role creates later. Run it as a superuser or the database owner; it is idempotent.
 * @throws MissingPrivilegeError when the connected role lacks a privilege a step needs, naming the step and the privilege.
 */
export async function createDatabaseRoles(client: pg.Client, options: DatabaseRolesOptions): Promise<void> {
  const schema = options.schema ?? "public";
  const { database, user } = (await client.query<{ database: string; user: string }>('SELECT current_database() AS database, current_user AS "user"')).rows[0]!;
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
    if (!exists) await run(`create role "${role}"`, "the CREATEROLE attribute or superuser", "CREATE ROLE %I LOGIN", role);
    if (password) await run(`set the password of role "${role}"`, "the CREATEROLE attribute (from PostgreSQL 16 also ADMIN OPTION on the role) or superuser", "ALTER ROLE %I WITH LOGIN PASSWORD %L", role, password);
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
  const owned = await client.query<{ kind: string; name: string }>(
    `SELECT 'TABLE' AS kind, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND pg_get_userbyid(c.relowner) <> $2
     UNION ALL
     SELECT 'TYPE', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typtype = 'e' AND pg_get_userbyid(t.typowner) <> $2`,
    [schema, migrator],
  );
  for (const object of owned.rows) {
    const step = `hand ${object.kind.toLowerCase()} "${schema}"."${object.name}" to "${migrator}"`;
    await run(step, `ownership of it and ${memberOfMigrator}`, `ALTER ${object.kind} %I.%I OWNER TO %I`, schema, object.name, migrator);
  }

  await run(`grant "${app}" DML on the tables`, memberOfMigrator, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I", schema, app);
  await run(`grant "${app}" the sequences`, memberOfMigrator, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I", schema, app);
  const defaults = `set the default privileges of "${migrator}"`;
  await run(defaults, memberOfMigrator, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I", migrator, schema, app);
  await run(defaults, memberOfMigrator, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I", migrator, schema, app);
}

/** {@link createDatabaseRoles} on a connection of its own to `url`. */
export async function createDatabaseRolesAt(url: string, options: DatabaseRolesOptions): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await createDatabaseRoles(client, options);
  } finally {
    await client.end();
  }
}
