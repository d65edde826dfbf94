import type { ApiKeyRecord } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { describeApiKey } from "./describe-api-key.js";

const record: ApiKeyRecord = {
  id: "key_1",
  organizationId: "org_keys",
  userId: "ops",
  name: "dashboard",
  prefix: "nh_abcdefg",
  scopes: ["runs:read", "schedules:read"],
  createdAt: new Date(Date.UTC(2026, 5, 1)),
  revokedAt: null,
  expiresAt: null,
};

describe("describeApiKey", () => {
  it("names the key's scopes between its user and its creation, comma-separated", () => {
    expect(describeApiKey(record, Date.UTC(2026, 5, 2))).toBe(
      "key_1  nh_abcdefg...  dashboard  user=ops  scopes=runs:read,schedules:read  created=2026-06-01T00:00:00.000Z  expires=never  active",
    );
  });

  it("says none for a key stored without scopes, which no route accepts", () => {
    expect(describeApiKey({ ...record, scopes: [] }, Date.UTC(2026, 5, 2))).toContain("  scopes=none  created=");
  });
});
