import type pg from "pg";

/** How much `seedProductionSize` writes. */
export const PRODUCTION_SIZE = { runs: 500_000, organizations: 200, usersPerOrganization: 10, schedules: 3_000, connections: 2_000 };

/** Agents the runs belong to: twelve, as a host serving the example agents and a few of its own would have. */
const AGENTS = `ARRAY['echo','support.triage','content.writer','learning.tune','social.post','ads.report','shop.orders','mail.digest','lead.score','seo.audit','chat.reply','billing.notify']`;

/**
 * Runs over 30 days, run n created n * 5.2 s ago (n = 1 the newest). Organization k holds about (k + 1)^0.5 - k^0.5, over 200^0.5,
 * of the runs: `org-0` holds 7 % (35,000 runs), the smallest about 1,250. Statuses: 2 % QUEUED and
 * 0.5 % RUNNING among the last day's runs (a lease lapsed on one RUNNING run in 5), 1 % WAITING over the month
 * (a tenth of them due, half waiting for a signal), 5 % FAILED, 1 % CANCELLED, 1 % TIMED_OUT, the rest
 * COMPLETED. One run in ten is a child of an older run, three in ten carry an idempotency key, one in five has three
 * journal steps with a tool execution each, one in ten a signal, and every second one three metrics.
 */
const RUNS_SQL = `
  INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "input", "output",
    "idempotencyKey", "attempts", "createdAt", "startedAt", "completedAt", "durationMs", "parentRunId", "fence", "leaseOwner",
    "leaseExpiresAt", "wakeAt")
  SELECT 'run-' || n, (${AGENTS})[1 + (n * 7) % 12], '1.0.0', 'org-' || org, 'user-' || org || '-' || (n / 7) % 10,
    CASE WHEN n % 4 = 0 THEN NULL ELSE (ARRAY['Summarize the weekly report','Answer the customer about their order',
      'Draft a post about the launch','Refund request from a customer','Score the new leads'])[1 + n % 5] || ' #' || n END,
    status::"RunStatus", '{"topic":"launch","audience":"customers"}'::jsonb,
    CASE WHEN status = 'COMPLETED' THEN '{"text":"done"}'::jsonb END,
    CASE WHEN n % 10 < 3 THEN 'key-' || n END, 1, created, created,
    CASE WHEN status IN ('COMPLETED','FAILED','CANCELLED','TIMED_OUT') THEN created + interval '2 seconds' END,
    CASE WHEN status IN ('COMPLETED','FAILED','CANCELLED','TIMED_OUT') THEN 200 + n % 4000 END,
    CASE WHEN n % 10 = 3 THEN 'run-' || (n + 1) END, 1,
    CASE WHEN status = 'RUNNING' THEN 'executor-' || n % 4 END,
    CASE WHEN status = 'RUNNING' THEN CASE WHEN n % 1000 = 5 THEN now() - interval '1 minute' ELSE now() + interval '30 seconds' END END,
    CASE WHEN status = 'WAITING' AND n % 1000 = 10 THEN now() - interval '10 seconds'
         WHEN status = 'WAITING' AND n % 1000 < 500 THEN now() + make_interval(hours => n % 48) END
  FROM (
    SELECT n, floor(200 * power(((n::bigint * 7919) % 1000000) / 1000000.0, 2))::int AS org,
      now() - make_interval(secs => n * 5.2) AS created,
      CASE WHEN n <= 17000 AND n % 50 = 2 THEN 'QUEUED'
           WHEN n <= 17000 AND n % 200 = 5 THEN 'RUNNING'
           WHEN n % 100 = 10 THEN 'WAITING'
           WHEN n % 100 BETWEEN 11 AND 15 THEN 'FAILED'
           WHEN n % 100 = 16 THEN 'CANCELLED'
           WHEN n % 100 = 17 THEN 'TIMED_OUT'
           ELSE 'COMPLETED' END AS status
    FROM generate_series(1, $1::int) AS n
  ) AS generated`;

const JOURNAL_SQL = [
  `INSERT INTO "RunStep" ("runId", "position", "key", "kind", "status", "output", "attempts", "startedAt", "completedAt")
   SELECT "id", p, 'slack.postMessage#' || p, 'TOOL', 'SUCCEEDED', '{"ts":"1.0"}'::jsonb, 1, "createdAt", "createdAt"
   FROM "AgentRun", generate_series(0, 2) AS p WHERE substr("id", 5)::int % 5 = 0`,
  `INSERT INTO "ToolExecution" ("id", "runId", "organizationId", "connector", "action", "status", "input", "output", "attempt",
     "startedAt", "completedAt", "durationMs", "stepKey")
   SELECT "id" || '-tool-' || p, "id", "organizationId", (ARRAY['slack','email','shopify'])[1 + p], 'send', CASE WHEN p = 2 AND "status" = 'FAILED' THEN 'FAILED' ELSE 'SUCCEEDED' END::"ToolExecutionStatus",
     '{"channel":"#general"}'::jsonb, '{"ts":"1.0"}'::jsonb, 1, "createdAt", "createdAt", 40, 'slack.postMessage#' || p
   FROM "AgentRun", generate_series(0, 2) AS p WHERE substr("id", 5)::int % 5 = 0`,
  `INSERT INTO "RunSignal" ("runId", "name", "payload", "sentBy", "sentAt")
   SELECT "id", 'approval', '{"approved":true}'::jsonb, "userId", "createdAt" FROM "AgentRun" WHERE substr("id", 5)::int % 10 = 0`,
  `INSERT INTO "AgentRunMetric" ("runId", "name", "value", "unit", "createdAt")
   SELECT "id", metric, 1 + substr("id", 5)::int % 900, 'ms', "createdAt"
   FROM "AgentRun", unnest(ARRAY['run.duration','run.attempts','run.tool_calls']) AS metric
   WHERE "completedAt" IS NOT NULL AND substr("id", 5)::int % 2 = 0`,
];

/** Schedules, a few dozen due; connections (16 connectors at most per organization); API keys, settings and OAuth states. */
const OTHER_TABLES_SQL = [
  `INSERT INTO "Schedule" ("id", "organizationId", "agentName", "cron", "timeZone", "input", "enabled", "nextRunAt", "createdBy", "createdAt", "updatedAt")
   SELECT 'schedule-' || n, 'org-' || n % 200, (${AGENTS})[1 + n % 12], '*/15 * * * *', 'UTC', '{}'::jsonb, n % 10 <> 0,
     now() + make_interval(secs => n * 1.2 - 60), 'user-' || n % 200 || '-0', now() - make_interval(mins => n), now()
   FROM generate_series(1, $1::int) AS n`,
  `INSERT INTO "ConnectorAuth" ("id", "organizationId", "connector", "authType", "encryptedCredentials", "encryptionKeyId", "updatedAt")
   SELECT gen_random_uuid(), 'org-' || n % 200, (ARRAY['EMAIL','SMS','WHATSAPP','REDDIT','INSTAGRAM','FACEBOOK','X','YOUTUBE','TIKTOK','GOOGLE_ADS',
     'GOOGLE_SEARCH_CONSOLE','SHOPIFY','STRIPE','SLACK','DISCORD','LINKEDIN'])[1 + (n / 200) % 16], 'OAUTH2', 'key-1:sealed', 'key-1', now()
   FROM generate_series(0, $1::int - 1) AS n`,
  `INSERT INTO "ApiKey" ("id", "organizationId", "userId", "name", "prefix", "keyHash", "scopes")
   SELECT 'key-' || n, 'org-' || n % 200, 'user-' || n % 200 || '-0', 'key ' || n, 'nh_' || n, md5('key-' || n), ARRAY['runs:read','runs:write']
   FROM generate_series(1, 1000) AS n`,
  `INSERT INTO "AgentSetting" ("organizationId", "agentName", "values", "updatedBy", "updatedAt")
   SELECT 'org-' || o, (${AGENTS})[1 + a], '{"tone":"friendly"}'::jsonb, 'user-' || o || '-0', now()
   FROM generate_series(0, 199) AS o, generate_series(0, 11) AS a`,
  `INSERT INTO "OAuthState" ("stateHash", "organizationId", "userId", "connector", "codeVerifier", "redirectUri", "returnUrl", "expiresAt")
   SELECT md5('state-' || n), 'org-' || n % 200, 'user-0', 'SLACK', 'sealed', 'https://host/callback', '/', now() + make_interval(secs => n - 400)
   FROM generate_series(1, 500) AS n`,
  `INSERT INTO "OAuthGrant" ("grantHash", "organizationId", "userId", "connector", "tokens", "expiresAt")
   SELECT md5('grant-' || n), 'org-' || n % 200, 'user-0', 'SLACK', 'sealed', now() + make_interval(secs => n - 400)
   FROM generate_series(1, 500) AS n`,
];

/** Fills a migrated, empty database with {@link PRODUCTION_SIZE}, then vacuums and analyzes it (about a minute). */
export async function seedProductionSize(client: pg.Client): Promise<void> {
  await client.query(RUNS_SQL, [PRODUCTION_SIZE.runs]);
  for (const statement of JOURNAL_SQL) await client.query(statement);
  const [schedules, connections, ...rest] = OTHER_TABLES_SQL;
  await client.query(schedules!, [PRODUCTION_SIZE.schedules]);
  await client.query(connections!, [PRODUCTION_SIZE.connections]);
  for (const statement of rest) await client.query(statement);
  await client.query("VACUUM ANALYZE");
}
