-- API keys gained scopes for schedules and connections: each /v1 route of the host now needs one scope. Keys issued
-- with the earlier default, exactly runs:read and runs:write, could use every route, so they keep that access. Keys
-- issued with other scopes keep exactly the scopes they name.
UPDATE "ApiKey"
SET "scopes" = ARRAY['runs:read', 'runs:write', 'schedules:read', 'schedules:write', 'connections:read', 'connections:write']::TEXT[]
WHERE "scopes" @> ARRAY['runs:read', 'runs:write']::TEXT[]
  AND "scopes" <@ ARRAY['runs:read', 'runs:write']::TEXT[];
