import { randomUUID } from "node:crypto";
import { callOutcome, HOSTILE_TEXTS } from "./call-outcome.js";
import { describe, expect, it } from "./vitest-api.js";
import { openStoreAroundSuite, type StoreConformanceOptions } from "./store-conformance-options.js";
import type { ConnectionAuthType, ConnectionCredentials, ConnectionInput, ConnectionStatus, CredentialStore } from "../ports/credential-store.js";

/** Options of {@link runCredentialStoreConformanceSuite}. */
export type CredentialStoreConformanceOptions = StoreConformanceOptions<CredentialStore>;

const EXPIRES_AT = new Date(Date.UTC(2099, 0, 1, 12, 0, 0, 7));
const AUTH_TYPES: readonly ConnectionAuthType[] = ["none", "api_key", "bearer", "basic", "oauth2"];

/** A connection to put; each call gets a fresh organization and tokens so tests do not see each other's connections. */
export function sampleConnectionInput(overrides: Partial<ConnectionInput> = {}): ConnectionInput {
  return {
    organizationId: `org-${randomUUID()}`,
    connector: "acme",
    authType: "oauth2",
    credentials: { accessToken: `access-${randomUUID()}`, refreshToken: `refresh-${randomUUID()}` },
    expiresAt: EXPIRES_AT,
    ...overrides,
  };
}

/** The connection `put` stores for `input` at `version`, with no use or error recorded. */
const storedFrom = (input: ConnectionInput, version = 1): ConnectionCredentials => ({
  organizationId: input.organizationId,
  connector: input.connector,
  authType: input.authType,
  credentials: input.credentials,
  expiresAt: input.expiresAt ?? null,
  status: input.status ?? "ACTIVE",
  version,
  lastUsedAt: null,
  lastError: null,
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every {@link CredentialStore} adapter must show: puts that create and replace with versions,
 * compare-and-swap updates with one winner among concurrent ones, exclusive updates that run one at a time and write
 * nothing when they throw, status and expiry changes, use records that keep the version, lists without secrets,
 * organizations kept apart, values handed out as copies, and deletion. Call it at the top level of a vitest file:
 * @example
 * runCredentialStoreConformanceSuite({ name: "postgres", createStore: async () => database.createCredentialStore({ encryptionKey }) });
 */
export function runCredentialStoreConformanceSuite(options: CredentialStoreConformanceOptions): void {
  describe(`CredentialStore conformance: ${options.name}`, () => {
    let store!: CredentialStore;
    openStoreAroundSuite(options, (opened) => (store = opened));

    it("declares the port version and answers null for an unknown connection", async () => {
      expect(store.specificationVersion).toBe("v1");
      expect(await store.get(`org-${randomUUID()}`, "acme")).toBeNull();
    });

    it("creates a connection at version 1, ACTIVE, with no use or error, and reads it back with every field", async () => {
      const input = sampleConnectionInput();
      expect(await store.put(input)).toEqual(storedFrom(input));
      expect(await store.get(input.organizationId, input.connector)).toEqual(storedFrom(input));
      const expired = sampleConnectionInput({ status: "EXPIRED" });
      expect(await store.put(expired)).toEqual(storedFrom(expired));
    });

    it("keeps every auth type", async () => {
      const organizationId = `org-${randomUUID()}`;
      for (const authType of AUTH_TYPES) {
        const input = sampleConnectionInput({ organizationId, connector: `acme-${authType.replace("_", "-")}`, authType, credentials: authType === "none" ? {} : { apiKey: "key-1" } });
        await store.put(input);
        expect(await store.get(organizationId, input.connector)).toEqual(storedFrom(input));
      }
    });

    it("replaces a connection: the version goes up, the fields are the new ones, the error is cleared and the last use kept", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const at = new Date(Date.UTC(2026, 0, 3, 4, 5, 6, 789));
      await store.recordUse(input.organizationId, input.connector, { at, error: "Acme refused the token." });
      const replacement = { ...input, authType: "bearer" as const, credentials: { accessToken: "static-token" }, expiresAt: null, status: "ERROR" as const };
      const replaced = await store.put(replacement);
      // Credentials are replaced as a whole: the old refresh token is gone.
      expect(replaced).toEqual({ ...storedFrom(replacement, 2), lastUsedAt: at });
      expect(await store.get(input.organizationId, input.connector)).toEqual(replaced);
      expect(await store.put(input)).toEqual({ ...storedFrom(input, 3), lastUsedAt: at });
    });

    it("takes puts racing to create one connection as a create and replacements, never as a failure or a duplicate", async () => {
      const organizationId = `org-${randomUUID()}`;
      const inputs = Array.from({ length: 5 }, (_, index) => sampleConnectionInput({ organizationId, credentials: { accessToken: `access-${index}` } }));
      const written = await Promise.all(inputs.map((input) => store.put(input)));
      expect(written.map((connection) => connection.version).sort()).toEqual([1, 2, 3, 4, 5]);
      const last = written.find((connection) => connection.version === 5);
      expect(await store.get(organizationId, "acme")).toEqual(last);
      expect(await store.list(organizationId)).toEqual([expect.objectContaining({ connector: "acme", version: 5 })]);
    });

    it("stores a connection put without expiresAt as not expiring, also when it replaces one that expires", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const { expiresAt: _expiresAt, ...withoutExpiry } = { ...input, authType: "bearer" as const, credentials: { accessToken: "static-token" } };
      const replaced = await store.put(withoutExpiry);
      expect(replaced).toMatchObject({ version: 2, expiresAt: null, credentials: { accessToken: "static-token" } });
      expect(await store.get(input.organizationId, input.connector)).toEqual(replaced);
    });

    it("keeps expiry and use instants to the millisecond, from year 1 to 9999", async () => {
      for (const instant of [new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), new Date(new Date(0).setUTCFullYear(1, 0, 1)), new Date(Date.UTC(2026, 6, 1, 0, 0, 0, 1))]) {
        const input = sampleConnectionInput({ expiresAt: instant });
        expect((await store.put(input)).expiresAt).toEqual(instant);
        await store.recordUse(input.organizationId, input.connector, { at: instant, error: null });
        expect(await store.get(input.organizationId, input.connector)).toMatchObject({ expiresAt: instant, lastUsedAt: instant });
      }
    });

    it("keeps secret values exactly as given, whatever characters they hold", async () => {
      // Secret values are sealed by database adapters, never kept in a text column: NUL and unpaired surrogates pass.
      const credentials = { accessToken: "a\u0000b", refreshToken: "\uD800lone", clientSecret: "pair \uD83D\uDE00", password: "", "name with spaces": "x".repeat(4_096) };
      const input = sampleConnectionInput({ credentials });
      expect((await store.put(input)).credentials).toEqual(credentials);
      expect((await store.get(input.organizationId, input.connector))?.credentials).toEqual(credentials);
      const changed = { apiKey: "\uDC00\u0000" };
      expect((await store.update(input.organizationId, input.connector, 1, { credentials: changed }))?.credentials).toEqual(changed);
      expect((await store.get(input.organizationId, input.connector))?.credentials).toEqual(changed);
    });

    it("refuses an unknown auth type or status, an instant no database keeps and a version that is not an integer, writing nothing", async () => {
      const input = sampleConnectionInput();
      const stored = await store.put(input);
      const { organizationId, connector } = input;
      const invalid = new Date(Number.NaN);
      const tooLate = new Date(Date.UTC(10_000, 0, 1));
      const calls: Array<[string, string, () => Promise<unknown>]> = [
        ["put authType", "authType", () => store.put({ ...input, authType: "password" as ConnectionAuthType })],
        ["put status", "status", () => store.put({ ...input, status: "PAUSED" as ConnectionStatus })],
        ["put expiresAt invalid", "expiresAt", () => store.put({ ...input, expiresAt: invalid })],
        ["put expiresAt year 10000", "expiresAt", () => store.put({ ...input, expiresAt: tooLate })],
        ["update status", "status", () => store.update(organizationId, connector, 1, { status: "PAUSED" as ConnectionStatus })],
        ["update expiresAt", "expiresAt", () => store.update(organizationId, connector, 1, { expiresAt: invalid })],
        ["update expectedVersion", "expectedVersion", () => store.update(organizationId, connector, 1.5, { status: "EXPIRED" })],
        ["updateExclusively status", "status", () => store.updateExclusively(organizationId, connector, async () => ({ status: "PAUSED" as ConnectionStatus }))],
        ["updateExclusively expiresAt", "expiresAt", () => store.updateExclusively(organizationId, connector, async () => ({ expiresAt: tooLate }))],
        ["recordUse at", "at", () => store.recordUse(organizationId, connector, { at: invalid, error: null })],
      ];
      const answers: Array<[string, string]> = [];
      for (const [name, , call] of calls) answers.push([name, await callOutcome(call)]);
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(calls.map(([name, field]) => [name, `refused ${field}`])));
      expect(await store.get(organizationId, connector)).toEqual(stored);
      // A refused exclusive update released the connection: the next one runs at once.
      expect(await store.updateExclusively(organizationId, connector, async () => ({ status: "EXPIRED" }))).toMatchObject({ version: 2, status: "EXPIRED" });
    });

    it("refuses a NUL character or an unpaired surrogate in a text it keeps in plain, rather than keeping it changed, and writes nothing", async () => {
      // PostgreSQL refuses NUL in a text column, and would keep an unpaired surrogate changed into U+FFFD.
      const input = sampleConnectionInput();
      const stored = await store.put(input);
      const { organizationId, connector } = input;
      const answers: Array<[string, string]> = [];
      const expected: Array<[string, string]> = [];
      for (const [kind, text] of HOSTILE_TEXTS) {
        const calls: Array<[string, string, () => Promise<unknown>]> = [
          ["put organizationId", "organizationId", () => store.put(sampleConnectionInput({ organizationId: `org-${text}` }))],
          ["put connector", "connector", () => store.put(sampleConnectionInput({ organizationId, connector: `acme-${text}` }))],
          ["put authType", "authType", () => store.put(sampleConnectionInput({ organizationId, connector: "other", authType: `bearer${text}` as ConnectionAuthType }))],
          ["update lastError", "lastError", () => store.update(organizationId, connector, 1, { lastError: `refused ${text}` })],
          ["updateExclusively lastError", "lastError", () => store.updateExclusively(organizationId, connector, async () => ({ status: "EXPIRED", lastError: `refused ${text}` }))],
          ["recordUse error", "error", () => store.recordUse(organizationId, connector, { at: new Date(Date.UTC(2026, 0, 3)), error: `refused ${text}` })],
        ];
        for (const [name, field, call] of calls) {
          answers.push([`${name} ${kind}`, await callOutcome(call)]);
          expected.push([`${name} ${kind}`, `refused ${field}`]);
        }
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
      expect(await store.list(organizationId)).toEqual([expect.objectContaining({ connector, version: 1, lastError: null, lastUsedAt: null })]);
      expect(await store.get(organizationId, connector)).toEqual(stored);
      // A refused exclusive update released the connection: the next one runs at once.
      expect(await store.updateExclusively(organizationId, connector, async () => ({ lastError: "refused \uD83D\uDE00" }))).toMatchObject({ version: 2, lastError: "refused \uD83D\uDE00" });
    });

    it("refuses a call given a NUL character or an unpaired surrogate in a text it looks up, rather than answering what matched", async () => {
      // PostgreSQL refuses a query holding NUL, and would compare an unpaired surrogate changed into U+FFFD: the
      // connection of an organization whose id holds U+FFFD would match. No kept text holds either, so every store
      // refuses both.
      const input = sampleConnectionInput({ organizationId: `org-${randomUUID()}-\uFFFD`, connector: "acme-\uFFFD" });
      const stored = await store.put(input);
      const calls = (organizationId: string, connector: string): Array<[string, () => Promise<unknown>]> => [
        ["get", () => store.get(organizationId, connector)],
        ["update", () => store.update(organizationId, connector, 1, { status: "REVOKED" })],
        ["updateExclusively", () => store.updateExclusively(organizationId, connector, async () => ({ status: "REVOKED" }))],
        ["recordUse", () => store.recordUse(organizationId, connector, { at: new Date(Date.UTC(2026, 0, 3)), error: "refused" })],
        ["delete", () => store.delete(organizationId, connector)],
      ];
      const answers: Array<[string, string]> = [];
      const expected: Array<[string, string]> = [];
      for (const [kind, replacement] of [["NUL", "\u0000"], ["lone surrogate", "\uD800"], ["lone low surrogate", "\uDC00"]] as const) {
        const organizationId = input.organizationId.replace("\uFFFD", replacement);
        const connector = input.connector.replace("\uFFFD", replacement);
        for (const [name, call] of [...calls(organizationId, input.connector), ["list", () => store.list(organizationId)] as const]) {
          answers.push([`${name}(organizationId) ${kind}`, await callOutcome(call)]);
          expected.push([`${name}(organizationId) ${kind}`, "refused organizationId"]);
        }
        for (const [name, call] of calls(input.organizationId, connector)) {
          answers.push([`${name}(connector) ${kind}`, await callOutcome(call)]);
          expected.push([`${name}(connector) ${kind}`, "refused connector"]);
        }
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
      expect(await store.get(input.organizationId, input.connector)).toEqual(stored);
    });

    it("applies an update only at the expected version, and answers null for a stale version or an unknown connection", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const expiresAt = new Date(Date.UTC(2099, 0, 2, 0, 0, 0, 1));
      const updated = await store.update(input.organizationId, input.connector, 1, { credentials: { accessToken: "access-2", refreshToken: "refresh-2" }, expiresAt });
      expect(updated).toEqual({ ...storedFrom(input, 2), credentials: { accessToken: "access-2", refreshToken: "refresh-2" }, expiresAt });
      expect(await store.update(input.organizationId, input.connector, 1, { credentials: { accessToken: "stale" } })).toBeNull();
      expect(await store.update(input.organizationId, input.connector, 3, { status: "EXPIRED" })).toBeNull();
      expect(await store.get(input.organizationId, input.connector)).toEqual(updated);
      expect(await store.update(input.organizationId, "unknown", 1, { status: "EXPIRED" })).toBeNull();
      expect(await store.get(input.organizationId, "unknown")).toBeNull();
    });

    it("changes only what an update names, and counts an update with no changes as a write", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const at = new Date(Date.UTC(2026, 0, 3));
      await store.recordUse(input.organizationId, input.connector, { at, error: null });
      const base = { ...storedFrom(input), lastUsedAt: at };
      expect(await store.update(input.organizationId, input.connector, 1, { status: "EXPIRED", lastError: "Acme refused the refresh." })).toEqual({ ...base, version: 2, status: "EXPIRED", lastError: "Acme refused the refresh." });
      expect(await store.update(input.organizationId, input.connector, 2, { expiresAt: null })).toEqual({ ...base, version: 3, status: "EXPIRED", lastError: "Acme refused the refresh.", expiresAt: null });
      expect(await store.update(input.organizationId, input.connector, 3, { status: "ACTIVE", lastError: null })).toEqual({ ...base, version: 4, expiresAt: null });
      expect(await store.update(input.organizationId, input.connector, 4, {})).toEqual({ ...base, version: 5, expiresAt: null });
      expect(await store.get(input.organizationId, input.connector)).toEqual({ ...base, version: 5, expiresAt: null });
    });

    it("lets exactly one of concurrent updates of the same version win", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const results = await Promise.all(["a", "b", "c", "d"].map((token) => store.update(input.organizationId, input.connector, 1, { credentials: { accessToken: token } })));
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(await store.get(input.organizationId, input.connector)).toEqual(winners[0]);
    });

    it("runs exclusive updates of one connection one at a time, each seeing the previous one's write", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      let inside = 0;
      let most = 0;
      const seen: string[] = [];
      const results = await Promise.all(
        ["a", "b", "c"].map((token) =>
          store.updateExclusively(input.organizationId, input.connector, async (current) => {
            inside += 1;
            most = Math.max(most, inside);
            seen.push(current.credentials.accessToken ?? "");
            await pause(5);
            inside -= 1;
            return { credentials: { accessToken: token } };
          }),
        ),
      );
      expect(most).toBe(1);
      expect(seen[0]).toBe(input.credentials.accessToken);
      expect(new Set(seen).size).toBe(3);
      expect(results.map((result) => result?.version).sort()).toEqual([2, 3, 4]);
      const stored = await store.get(input.organizationId, input.connector);
      expect(stored?.version).toBe(4);
      expect(await store.updateExclusively(input.organizationId, input.connector, async () => null)).toEqual(stored);
      expect(await store.get(input.organizationId, input.connector)).toEqual(stored);
    });

    it("answers null to an exclusive update of an unknown connection, without calling it", async () => {
      let called = false;
      const change = async () => {
        called = true;
        return { status: "EXPIRED" as const };
      };
      expect(await store.updateExclusively(`org-${randomUUID()}`, "acme", change)).toBeNull();
      expect(called).toBe(false);
    });

    it("rethrows the error of an exclusive update as it is, writes nothing, and releases the connection at once", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const failure = new Error("provider down");
      await expect(store.updateExclusively(input.organizationId, input.connector, async () => Promise.reject(failure))).rejects.toBe(failure);
      expect(await store.get(input.organizationId, input.connector)).toEqual(storedFrom(input));
      const startedAt = Date.now();
      expect(await store.updateExclusively(input.organizationId, input.connector, async () => ({ status: "EXPIRED", lastError: "refused" }))).toEqual({
        ...storedFrom(input, 2),
        status: "EXPIRED",
        lastError: "refused",
      });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    });

    it("records uses without changing the version, clears the error after a success, and ignores an unknown connection", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const failedAt = new Date(Date.UTC(2026, 0, 3, 0, 0, 0, 1));
      await store.recordUse(input.organizationId, input.connector, { at: failedAt, error: "Acme refused the token." });
      expect(await store.get(input.organizationId, input.connector)).toEqual({ ...storedFrom(input), lastUsedAt: failedAt, lastError: "Acme refused the token." });
      const usedAt = new Date(Date.UTC(2026, 0, 4));
      await store.recordUse(input.organizationId, input.connector, { at: usedAt, error: null });
      expect(await store.get(input.organizationId, input.connector)).toEqual({ ...storedFrom(input), lastUsedAt: usedAt });
      await store.recordUse(input.organizationId, "unknown", { at: usedAt, error: null });
      expect(await store.get(input.organizationId, "unknown")).toBeNull();
    });

    it("lists an organization's connections without secrets, with their history", async () => {
      const organizationId = `org-${randomUUID()}`;
      const first = sampleConnectionInput({ organizationId, connector: "acme" });
      const second = sampleConnectionInput({ organizationId, connector: "zenith", authType: "api_key", credentials: { apiKey: `key-${randomUUID()}` }, expiresAt: null });
      await store.put(second);
      await store.put(first);
      await store.put(sampleConnectionInput());
      const at = new Date(Date.UTC(2026, 0, 3));
      await store.recordUse(organizationId, "acme", { at, error: "Acme refused the token." });
      const listed = await store.list(organizationId);
      const { credentials: _first, ...firstSummary } = { ...storedFrom(first), lastUsedAt: at, lastError: "Acme refused the token." };
      const { credentials: _second, ...secondSummary } = storedFrom(second);
      expect(listed).toEqual([
        { ...firstSummary, createdAt: expect.any(Date), updatedAt: expect.any(Date) },
        { ...secondSummary, createdAt: expect.any(Date), updatedAt: expect.any(Date) },
      ]);
      const shown = JSON.stringify(listed);
      for (const secret of [...Object.values(first.credentials), ...Object.values(second.credentials)]) expect(shown).not.toContain(secret);
      expect(await store.list(`org-${randomUUID()}`)).toEqual([]);
    });

    it("lists connections ordered by connector id as JavaScript compares texts, whatever the database's collation", async () => {
      const organizationId = `org-${randomUUID()}`;
      const connectors = ["zeta", "b", "a-c", "ab", "a0", "B", "\u00e9", "a_b"];
      for (const connector of connectors) await store.put(sampleConnectionInput({ organizationId, connector }));
      // By UTF-16 code unit: upper case before lower case, "-" and digits before letters, accents after.
      expect((await store.list(organizationId)).map((summary) => summary.connector)).toEqual(["B", "a-c", "a0", "a_b", "ab", "b", "zeta", "\u00e9"]);
    });

    it("keeps when a connection was created, and moves when it was updated on every change but a use record", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const summary = async () => (await store.list(input.organizationId))[0];
      const created = await summary();
      expect(created?.updatedAt.getTime()).toBeGreaterThanOrEqual(created?.createdAt.getTime() ?? Number.POSITIVE_INFINITY);
      let last = created?.updatedAt.getTime() ?? Number.POSITIVE_INFINITY;
      const changes: Array<[string, () => Promise<unknown>]> = [
        ["put", () => store.put(input)],
        ["update", () => store.update(input.organizationId, input.connector, 2, { status: "ERROR" })],
        ["updateExclusively", () => store.updateExclusively(input.organizationId, input.connector, async () => ({ status: "ACTIVE" }))],
      ];
      for (const [name, change] of changes) {
        await pause(5);
        await change();
        const changed = await summary();
        expect(changed?.createdAt, name).toEqual(created?.createdAt);
        expect(changed?.updatedAt.getTime(), name).toBeGreaterThan(last);
        last = changed?.updatedAt.getTime() ?? Number.POSITIVE_INFINITY;
      }
      // A use is recorded in lastUsedAt; an exclusive update that changes nothing writes nothing.
      const unchanged: Array<[string, () => Promise<unknown>]> = [
        ["recordUse", () => store.recordUse(input.organizationId, input.connector, { at: new Date(), error: "refused" })],
        ["updateExclusively writing nothing", () => store.updateExclusively(input.organizationId, input.connector, async () => null)],
        ["updateExclusively that throws", () => store.updateExclusively(input.organizationId, input.connector, async () => Promise.reject(new Error("down"))).catch(() => undefined)],
      ];
      for (const [name, call] of unchanged) {
        await pause(5);
        await call();
        expect((await summary())?.updatedAt.getTime(), name).toBe(last);
      }
    });

    it("keeps organizations apart: another organization's connection is neither read, changed, used nor deleted", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      const other = `org-${randomUUID()}`;
      let called = false;
      expect(await store.get(other, input.connector)).toBeNull();
      expect(await store.list(other)).toEqual([]);
      expect(await store.update(other, input.connector, 1, { status: "REVOKED" })).toBeNull();
      expect(
        await store.updateExclusively(other, input.connector, async () => {
          called = true;
          return { status: "REVOKED" };
        }),
      ).toBeNull();
      await store.recordUse(other, input.connector, { at: new Date(Date.UTC(2026, 0, 3)), error: "refused" });
      expect(await store.delete(other, input.connector)).toBe(false);
      expect(called).toBe(false);
      expect(await store.get(input.organizationId, input.connector)).toEqual(storedFrom(input));
      // A connection of the same connector in another organization is another connection.
      const sibling = sampleConnectionInput({ organizationId: other, connector: input.connector, credentials: { apiKey: "other-key" }, authType: "api_key" });
      expect(await store.put(sibling)).toEqual(storedFrom(sibling));
      expect(await store.get(input.organizationId, input.connector)).toEqual(storedFrom(input));
    });

    it("hands out copies: changing what was put or read changes nothing stored", async () => {
      const input = sampleConnectionInput({ credentials: { accessToken: "access-1" }, expiresAt: new Date(EXPIRES_AT) });
      const expected = storedFrom({ ...input, credentials: { ...input.credentials }, expiresAt: new Date(EXPIRES_AT) });
      const written = await store.put(input);
      input.credentials.accessToken = "changed after put";
      input.expiresAt?.setTime(0);
      written.credentials.accessToken = "changed in the answer";
      written.expiresAt?.setTime(0);
      const read = await store.get(input.organizationId, input.connector);
      expect(read).toEqual(expected);
      if (read !== null) {
        read.credentials.accessToken = "changed in a read";
        read.expiresAt?.setTime(0);
      }
      const [listed] = await store.list(input.organizationId);
      listed?.expiresAt?.setTime(0);
      expect(await store.get(input.organizationId, input.connector)).toEqual(expected);
    });

    it("deletes a connection once", async () => {
      const input = sampleConnectionInput();
      await store.put(input);
      expect(await store.delete(input.organizationId, input.connector)).toBe(true);
      expect(await store.get(input.organizationId, input.connector)).toBeNull();
      expect(await store.list(input.organizationId)).toEqual([]);
      expect(await store.delete(input.organizationId, input.connector)).toBe(false);
      expect(await store.put(input)).toEqual(storedFrom(input));
    });
  });
}
