import pg from "pg";

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

/**
 * Creates (or updates) the migration role and the application role in the database `client` is connected to,
 * hands the existing NeonHub objects to the migration role and grants the application role DML on them and on
 * everything the migration role creates later. Run it as a superuser or the database owner; it is idempotent.
 */
export async function createDatabaseRoles(client: pg.Client, options: DatabaseRolesOptions): Promise<void> {
  const schema = options.schema ?? "public";
  const run = async (template: string, ...values: unknown[]) => {
    // format() quotes identifiers (%I) and literals (%L) on the server, so names and passwords cannot inject SQL.
    const { rows } = await client.query<{ statement: string }>(`SELECT format($1, ${values.map((_, index) => `$${index + 2}::text`).join(", ")}) AS statement`, [template, ...values]);
    await client.query(rows[0]!.statement);
  };
  const database = (await client.query<{ name: string }>("SELECT current_database() AS name")).rows[0]!.name;

  for (const [role, password] of [
    [options.migratorRole, options.migratorPassword],
    [options.appRole, options.appPassword],
  ] as const) {
    const exists = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount! > 0;
    if (!exists) await run("CREATE ROLE %I LOGIN", role);
    if (password) await run("ALTER ROLE %I WITH LOGIN PASSWORD %L", role, password);
  }
  const { migratorRole: migrator, appRole: app } = options;
  await run("GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", database, migrator);
  await run("GRANT CONNECT ON DATABASE %I TO %I", database, app);
  await run("REVOKE CREATE ON SCHEMA %I FROM PUBLIC", schema);
  await run("GRANT USAGE, CREATE ON SCHEMA %I TO %I", schema, migrator);
  await run("GRANT USAGE ON SCHEMA %I TO %I", schema, app);
  await run("REVOKE CREATE ON SCHEMA %I FROM %I", schema, app);
  // The migration role has no CREATE on the database, which creating even a trusted extension needs: pg_trgm, behind
  // the trigram index of intent search, is created here where the server offers it.
  const trigrams = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'");
  if (trigrams.rowCount! > 0) await run("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA %I", schema);

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
  for (const object of owned.rows) await run(`ALTER ${object.kind} %I.%I OWNER TO %I`, schema, object.name, migrator);

  await run("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I", schema, app);
  await run("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I", schema, app);
  await run("ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I", migrator, schema, app);
  await run("ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I", migrator, schema, app);
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
