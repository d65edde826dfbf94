-- Intent search (ILIKE '%text%') reads a trigram index instead of every run of the organization, where the server
-- offers pg_trgm. Where it does not, or where this role may not create the extension, runs are searched as before and
-- the migration still succeeds. Not in schema.prisma, which cannot make an index optional (docs/database.md).
-- Prisma's driver adapters split a script at every semicolon, even one inside a string: the blocks below are escape
-- strings that spell theirs \073, so that Prisma's CLI applies this migration as NeonHub's migrator does.
DO E'
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE "name" = ''pg_trgm'') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm\073
    EXCEPTION WHEN insufficient_privilege OR feature_not_supported THEN
      RAISE NOTICE ''pg_trgm not created (%): intent search goes on without its trigram index, see docs/database.md'', SQLERRM\073
    END\073
  END IF\073
END';

-- The operator class is named by the extension's schema, which may be outside the search path (an administrator may
-- have created the extension beforehand in a schema of its own).
-- IF NOT EXISTS: on a large table the index may be built beforehand with CREATE INDEX CONCURRENTLY (docs/database.md).
DO E'
DECLARE
  "extensionSchema" name\073
BEGIN
  SELECT n.nspname INTO "extensionSchema"
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = ''pg_trgm''\073
  IF "extensionSchema" IS NOT NULL THEN
    EXECUTE format(''CREATE INDEX IF NOT EXISTS "AgentRun_intent_trgm_idx" ON "AgentRun" USING GIN ("intent" %I.gin_trgm_ops)'', "extensionSchema")\073
  END IF\073
END';
