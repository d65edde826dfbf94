import { randomBytes, randomUUID } from "node:crypto";
import { callOutcome, HOSTILE_TEXTS } from "./call-outcome.js";
import { describe, expect, it } from "./vitest-api.js";
import { openStoreAroundSuite, type StoreConformanceOptions } from "./store-conformance-options.js";
import type { ExpiredOAuthGrant, OAuthCompletion, OAuthGrantRecord, OAuthStateRecord, OAuthStateStore } from "../ports/oauth-state-store.js";

/** Options of {@link runOAuthStateStoreConformanceSuite}. */
export type OAuthStateStoreConformanceOptions = StoreConformanceOptions<OAuthStateStore>;

const LATER = new Date(Date.UTC(2099, 0, 1, 12, 0, 0, 7));
const secret = () => randomBytes(32).toString("base64url");
/** Before the expiry of any grant the other tests keep (2001 onwards), so that the sweeps below take only their own. */
const SWEEP_CUTOFF = new Date(Date.UTC(1995, 5, 1, 12, 0, 0, 500));
const withoutGrant = ({ grant: _grant, ...expired }: OAuthGrantRecord): ExpiredOAuthGrant => expired;

/** A pending authorization; each call gets a fresh state and organization. */
export function sampleOAuthState(overrides: Partial<OAuthStateRecord> = {}): OAuthStateRecord {
  return {
    state: secret(),
    organizationId: `org-${randomUUID()}`,
    userId: "user-1",
    connector: "acme-oauth",
    codeVerifier: secret(),
    redirectUri: "https://api.example.com/v1/oauth/callback",
    returnUrl: "https://app.example.com/settings/connections?tab=acme",
    completion: "callback",
    expiresAt: LATER,
    ...overrides,
  };
}

/** A grant waiting to be confirmed; each call gets a fresh grant, organization and tokens. */
export function sampleOAuthGrant(overrides: Partial<OAuthGrantRecord> = {}): OAuthGrantRecord {
  return {
    grant: secret(),
    organizationId: `org-${randomUUID()}`,
    userId: "user-1",
    connector: "acme-oauth",
    tokens: { accessToken: `access-${secret()}`, refreshToken: `refresh-${secret()}` },
    tokensExpireAt: new Date(Date.UTC(2099, 0, 1, 13, 0, 0, 999)),
    expiresAt: LATER,
    ...overrides,
  };
}

/**
 * The behaviour every {@link OAuthStateStore} adapter must show, including that of two hosts racing for one state
 * or one grant. Call it at the top level of a vitest file:
 * @example
 * runOAuthStateStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryOAuthStateStore() });
 */
export function runOAuthStateStoreConformanceSuite(options: OAuthStateStoreConformanceOptions): void {
  describe(`OAuthStateStore conformance: ${options.name}`, () => {
    let store!: OAuthStateStore;
    openStoreAroundSuite(options, (opened) => (store = opened));

    it("declares the port version", () => {
      expect(store.specificationVersion).toBe("v1");
    });

    it("returns a state once, with its completion, and null for an unknown or used one", async () => {
      for (const completion of ["callback", "confirm"] as const) {
        const record = sampleOAuthState({ completion });
        await store.create(record);
        expect(await store.consume(record.state)).toEqual(record);
        expect(await store.consume(record.state)).toBeNull();
      }
      expect(await store.consume(secret())).toBeNull();
    });

    it("gives a state to one of two consumers racing for it", async () => {
      const record = sampleOAuthState();
      await store.create(record);
      const answers = await Promise.all([store.consume(record.state), store.consume(record.state)]);
      expect(answers.filter((answer) => answer !== null)).toEqual([record]);
    });

    it("returns a grant once, with its tokens and their expiry to the millisecond, and null for an unknown or used one", async () => {
      const record = sampleOAuthGrant();
      await store.createGrant(record);
      expect(await store.consumeGrant(record.grant)).toEqual(record);
      expect(await store.consumeGrant(record.grant)).toBeNull();
      const accessOnly = sampleOAuthGrant({ tokens: { accessToken: `access-${secret()}` }, tokensExpireAt: null });
      await store.createGrant(accessOnly);
      expect(await store.consumeGrant(accessOnly.grant)).toEqual(accessOnly);
      expect(await store.consumeGrant(secret())).toBeNull();
    });

    it("refuses a second state or grant with the same value with ALREADY_EXISTS, and keeps the first", async () => {
      const state = sampleOAuthState();
      const grant = sampleOAuthGrant();
      await store.create(state);
      await store.createGrant(grant);
      const answers = {
        "another state, same value": await callOutcome(() => store.create(sampleOAuthState({ state: state.state }))),
        "the same state again": await callOutcome(() => store.create(state)),
        "an expired state, same value": await callOutcome(() => store.create(sampleOAuthState({ state: state.state, expiresAt: new Date(Date.UTC(2001, 0, 1)) }))),
        "another grant, same value": await callOutcome(() => store.createGrant(sampleOAuthGrant({ grant: grant.grant }))),
        "the same grant again": await callOutcome(() => store.createGrant(grant)),
      };
      expect(answers).toEqual({
        "another state, same value": "already exists state",
        "the same state again": "already exists state",
        "an expired state, same value": "already exists state",
        "another grant, same value": "already exists grant",
        "the same grant again": "already exists grant",
      });
      expect(await store.consume(state.state)).toEqual(state);
      expect(await store.consume(state.state)).toBeNull();
      expect(await store.consumeGrant(grant.grant)).toEqual(grant);
      expect(await store.consumeGrant(grant.grant)).toBeNull();
    });

    it("stores one of two states, and one of two grants, created at once with the same value, and refuses the other", async () => {
      const shared = secret();
      const states = [sampleOAuthState({ state: shared }), sampleOAuthState({ state: shared })];
      const grants = [sampleOAuthGrant({ grant: shared }), sampleOAuthGrant({ grant: shared })];
      const stateAnswers = await Promise.all(states.map((record) => callOutcome(() => store.create(record))));
      const grantAnswers = await Promise.all(grants.map((record) => callOutcome(() => store.createGrant(record))));
      expect([...stateAnswers].sort()).toEqual(["already exists state", "answered"]);
      expect([...grantAnswers].sort()).toEqual(["already exists grant", "answered"]);
      expect(await store.consume(shared)).toEqual(states[stateAnswers.indexOf("answered")]);
      expect(await store.consumeGrant(shared)).toEqual(grants[grantAnswers.indexOf("answered")]);
    });

    it("keeps grants and states apart: a grant is not a state, nor a state a grant", async () => {
      const shared = secret();
      const state = sampleOAuthState({ state: shared });
      const grant = sampleOAuthGrant({ grant: shared, organizationId: state.organizationId });
      await store.create(state);
      await store.createGrant(grant);
      expect(await store.consumeGrant(shared)).toEqual(grant);
      expect(await store.consumeGrant(shared)).toBeNull();
      expect(await store.consume(shared)).toEqual(state);
    });

    it("gives a grant to one of two consumers racing for it", async () => {
      const record = sampleOAuthGrant();
      await store.createGrant(record);
      const answers = await Promise.all([store.consumeGrant(record.grant), store.consumeGrant(record.grant)]);
      expect(answers.filter((answer) => answer !== null)).toEqual([record]);
    });

    it("refuses a state or a grant with a NUL character or an unpaired surrogate in a text it keeps, and keeps nothing", async () => {
      // PostgreSQL refuses NUL in a text column and would keep an unpaired surrogate changed into U+FFFD; a state or a
      // grant kept as its SHA-256 would be hashed with a surrogate changed so.
      const answers: Array<[string, string]> = [];
      const expected: Array<[string, string]> = [];
      const refusedStates: string[] = [];
      const refusedGrants: string[] = [];
      for (const [kind, text] of HOSTILE_TEXTS) {
        for (const field of ["state", "organizationId", "userId", "connector", "redirectUri", "returnUrl"] as const) {
          const record = sampleOAuthState({ [field]: `${sampleOAuthState()[field]}${text}` });
          answers.push([`create ${field} ${kind}`, await callOutcome(() => store.create(record))]);
          expected.push([`create ${field} ${kind}`, `refused ${field}`]);
          if (field !== "state") refusedStates.push(record.state);
        }
        for (const field of ["grant", "organizationId", "userId", "connector"] as const) {
          const record = sampleOAuthGrant({ [field]: `${sampleOAuthGrant()[field]}${text}` });
          answers.push([`createGrant ${field} ${kind}`, await callOutcome(() => store.createGrant(record))]);
          expected.push([`createGrant ${field} ${kind}`, `refused ${field}`]);
          if (field !== "grant") refusedGrants.push(record.grant);
        }
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
      for (const state of refusedStates) expect(await store.consume(state)).toBeNull();
      for (const grant of refusedGrants) expect(await store.consumeGrant(grant)).toBeNull();
    });

    it("refuses a state whose completion is neither callback nor confirm, and keeps nothing", async () => {
      const record = sampleOAuthState({ completion: "redirect" as OAuthCompletion });
      expect(await callOutcome(() => store.create(record))).toBe("refused completion");
      expect(await store.consume(record.state)).toBeNull();
    });

    it("keeps a PKCE verifier and a grant's tokens exactly as given, whatever characters they hold", async () => {
      // Adapters seal them, never keep them in a text column.
      const state = sampleOAuthState({ codeVerifier: "verifier \u0000 \uD800 \uD83D\uDE00" });
      await store.create(state);
      expect(await store.consume(state.state)).toEqual(state);
      const grant = sampleOAuthGrant({ tokens: { accessToken: "access \u0000", refreshToken: "refresh \uDC00" } });
      await store.createGrant(grant);
      expect(await store.consumeGrant(grant.grant)).toEqual(grant);
    });

    it("refuses to use a state or a grant given a NUL character or an unpaired surrogate, rather than one holding U+FFFD", async () => {
      // A state or a grant kept as its SHA-256 would be hashed with a surrogate changed into U+FFFD, finding the record
      // of one that holds U+FFFD. No kept state or grant holds either, so every store refuses both.
      const state = sampleOAuthState({ state: `${secret()}\uFFFD` });
      const grant = sampleOAuthGrant({ grant: `${secret()}\uFFFD` });
      await store.create(state);
      await store.createGrant(grant);
      const answers: Array<[string, string]> = [];
      const expected: Array<[string, string]> = [];
      for (const [kind, text] of HOSTILE_TEXTS) {
        answers.push([`consume ${kind}`, await callOutcome(() => store.consume(state.state.replace("\uFFFD", text)))]);
        expected.push([`consume ${kind}`, "refused state"]);
        answers.push([`consumeGrant ${kind}`, await callOutcome(() => store.consumeGrant(grant.grant.replace("\uFFFD", text)))]);
        expected.push([`consumeGrant ${kind}`, "refused grant"]);
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
      expect(await store.consume(state.state)).toEqual(state);
      expect(await store.consumeGrant(grant.grant)).toEqual(grant);
    });

    it("returns an expired grant (the caller says why it refuses it) until expired ones are deleted", async () => {
      const expired = sampleOAuthGrant({ expiresAt: new Date(Date.UTC(2001, 0, 1)) });
      await store.createGrant(expired);
      expect(await store.consumeGrant(expired.grant)).toEqual(expired);
    });

    /**
     * The store's `consumeExpiredGrants`, which the port leaves optional for adapters written before it; a test fails
     * here, before it stores anything that could change what the other tests find.
     */
    const expiredGrantSweep = (): ((now: Date, limit: number) => Promise<ExpiredOAuthGrant[]>) => {
      const consume = store.consumeExpiredGrants?.bind(store);
      if (consume === undefined) throw new Error("The store has no consumeExpiredGrants: without it a host deletes expired grants without revoking their tokens at the provider.");
      return consume;
    };

    it("removes and returns the grants that expired before the given instant, first expired first, at most limit at a time, with their tokens", async () => {
      const consumeExpiredGrants = expiredGrantSweep();
      const expiring = (ms: number, overrides: Partial<OAuthGrantRecord> = {}) => sampleOAuthGrant({ expiresAt: new Date(SWEEP_CUTOFF.getTime() - ms), ...overrides });
      const first = expiring(3_000);
      const second = expiring(2_000, { tokens: { accessToken: `access-${secret()}` }, tokensExpireAt: null });
      const third = expiring(1);
      const edge = expiring(0);
      const expiredState = sampleOAuthState({ expiresAt: new Date(SWEEP_CUTOFF.getTime() - 60_000) });
      for (const grant of [third, edge, first, second]) await store.createGrant(grant);
      await store.create(expiredState);

      expect(await consumeExpiredGrants(SWEEP_CUTOFF, 2)).toEqual([withoutGrant(first), withoutGrant(second)]);
      expect(await consumeExpiredGrants(SWEEP_CUTOFF, 2)).toEqual([withoutGrant(third)]);
      expect(await consumeExpiredGrants(SWEEP_CUTOFF, 2)).toEqual([]);
      for (const taken of [first, second, third]) expect(await store.consumeGrant(taken.grant)).toBeNull();
      // Neither a grant expiring at that very instant nor an expired state is taken.
      expect(await store.consumeGrant(edge.grant)).toEqual(edge);
      expect(await store.consume(expiredState.state)).toEqual(expiredState);
    });

    it("hands each expired grant to one of two sweeps racing for them", async () => {
      const consumeExpiredGrants = expiredGrantSweep();
      const expired = Array.from({ length: 6 }, (_, index) => sampleOAuthGrant({ expiresAt: new Date(SWEEP_CUTOFF.getTime() - 1_000 * (index + 1)) }));
      for (const grant of expired) await store.createGrant(grant);
      const answers = await Promise.all([consumeExpiredGrants(SWEEP_CUTOFF, 4), consumeExpiredGrants(SWEEP_CUTOFF, 4)]);
      const taken = answers.flat().map((grant) => grant.organizationId);
      expect([...taken].sort()).toEqual(expired.map((grant) => grant.organizationId).sort());
      expect(await consumeExpiredGrants(SWEEP_CUTOFF, 4)).toEqual([]);
    });

    it("refuses a sweep of expired grants with a limit out of 1 to 1,000 or an invalid instant, and removes nothing", async () => {
      const consumeExpiredGrants = expiredGrantSweep();
      const expired = sampleOAuthGrant({ expiresAt: new Date(SWEEP_CUTOFF.getTime() - 1) });
      await store.createGrant(expired);
      const answers: Array<[string, string]> = [];
      for (const limit of [0, -1, 1.5, Number.NaN, 1_001]) answers.push([`limit ${limit}`, await callOutcome(() => consumeExpiredGrants(SWEEP_CUTOFF, limit))]);
      answers.push(["invalid date", await callOutcome(() => consumeExpiredGrants(new Date(Number.NaN), 10))]);
      expect(Object.fromEntries(answers)).toEqual({
        "limit 0": "refused limit",
        "limit -1": "refused limit",
        "limit 1.5": "refused limit",
        "limit NaN": "refused limit",
        "limit 1001": "refused limit",
        "invalid date": "refused now",
      });
      expect(await consumeExpiredGrants(SWEEP_CUTOFF, 1_000)).toEqual([withoutGrant(expired)]);
    });

    it("deletes the states and grants that expired before the given instant, and only those", async () => {
      const cutoff = new Date(Date.UTC(2002, 0, 1));
      const oldState = sampleOAuthState({ expiresAt: new Date(cutoff.getTime() - 1) });
      const oldGrant = sampleOAuthGrant({ expiresAt: new Date(cutoff.getTime() - 60_000) });
      const edgeState = sampleOAuthState({ expiresAt: cutoff });
      const edgeGrant = sampleOAuthGrant({ expiresAt: cutoff });
      await store.create(oldState);
      await store.createGrant(oldGrant);
      await store.create(edgeState);
      await store.createGrant(edgeGrant);
      expect(await store.deleteExpired(cutoff)).toBe(2);
      expect(await store.consume(oldState.state)).toBeNull();
      expect(await store.consumeGrant(oldGrant.grant)).toBeNull();
      expect(await store.consume(edgeState.state)).toEqual(edgeState);
      expect(await store.consumeGrant(edgeGrant.grant)).toEqual(edgeGrant);
      expect(await store.deleteExpired(cutoff)).toBe(0);
    });
  });
}
