import { randomBytes } from "node:crypto";
import { sampleOAuthGrant, sampleOAuthState } from "@neonhub/core/testing";
import { expect, it } from "vitest";
import { encryptionKeyId, type NeonhubDatabase } from "../index.js";

const EARLIER = new Date(Date.UTC(2020, 0, 1));
const NOW = new Date(Date.UTC(2030, 0, 1));

/** A fresh key and the stores a rotation from `oldKey` to it needs. */
export function rotationFrom(database: NeonhubDatabase, oldKey = randomBytes(32).toString("base64")) {
  const newKey = randomBytes(32).toString("hex");
  return {
    oldKey,
    /** A host not restarted yet: it seals with the old key. */
    before: database.createOAuthStateStore({ encryptionKey: oldKey }),
    /** A host during the rotation: it seals with the new key and reads both. */
    during: database.createOAuthStateStore({ encryptionKey: newKey, previousKeys: [oldKey] }),
    /** A host once the old key is gone. */
    after: database.createOAuthStateStore({ encryptionKey: newKey }),
  };
}

/**
 * The key rotation of pending authorizations and grants, on the database `database()` returns. Each test leaves no
 * state or grant behind, so that the counts of the next one are exact.
 */
export function oauthKeyRotationTests(database: () => NeonhubDatabase): void {
  it("re-seals states and grants of a previous key so that the new key alone opens them, and deletes expired ones", async () => {
    const { before, during, after } = rotationFrom(database());
    const state = sampleOAuthState({ completion: "confirm" });
    const expiredState = sampleOAuthState({ expiresAt: EARLIER });
    const grant = sampleOAuthGrant();
    const expiredGrant = sampleOAuthGrant({ expiresAt: EARLIER });
    for (const record of [state, expiredState]) await before.create(record);
    for (const record of [grant, expiredGrant]) await before.createGrant(record);
    const current = sampleOAuthState();
    await during.create(current);
    expect(await during.countStale()).toEqual({ states: 2, grants: 2 });
    // Without the rotation, the callback of this authorization fails once the old key is gone.
    await expect(after.consume(state.state)).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
    await before.create(state);

    expect(await during.reencrypt(NOW)).toEqual({
      states: { reencrypted: 1, skipped: 0, expired: 1, unreadable: 0, unreadableKeyIds: [] },
      grants: { reencrypted: 1, skipped: 0, expired: 1, unreadable: 0, unreadableKeyIds: [] },
    });
    expect(await during.countStale()).toEqual({ states: 0, grants: 0 });
    expect(await during.reencrypt(NOW)).toEqual({ states: { reencrypted: 0, skipped: 0, expired: 0, unreadable: 0, unreadableKeyIds: [] }, grants: { reencrypted: 0, skipped: 0, expired: 0, unreadable: 0, unreadableKeyIds: [] } });

    expect(await after.consume(state.state)).toEqual(state);
    expect(await after.consumeGrant(grant.grant)).toEqual(grant);
    expect(await after.consume(current.state)).toEqual(current);
    expect(await after.consume(expiredState.state)).toBeNull();
    expect(await after.consumeGrant(expiredGrant.grant)).toBeNull();
  });

  it("counts the rows a host still sealing with the old key wrote after the rotation", async () => {
    const { before, during } = rotationFrom(database());
    await during.reencrypt(NOW);
    const late = sampleOAuthState();
    await before.create(late);
    expect(await during.countStale()).toEqual({ states: 1, grants: 0 });
    expect(await during.consume(late.state)).toEqual(late);
  });

  it("re-seals more states than one batch holds", async () => {
    const { before, during, after } = rotationFrom(database());
    const states = Array.from({ length: 130 }, () => sampleOAuthState());
    for (const record of states) await before.create(record);
    expect((await during.reencrypt(NOW)).states).toEqual({ reencrypted: 130, skipped: 0, expired: 0, unreadable: 0, unreadableKeyIds: [] });
    expect(await during.countStale()).toEqual({ states: 0, grants: 0 });
    for (const record of states) expect(await after.consume(record.state)).toEqual(record);
  });

  it("leaves a state and a grant sealed with a key not configured as they were, counts them, and re-seals the others", async () => {
    const { before, during, after } = rotationFrom(database());
    const unknownKey = randomBytes(32).toString("base64");
    const sealedWithUnknown = database().createOAuthStateStore({ encryptionKey: unknownKey });
    const [lostState, keptState] = [sampleOAuthState(), sampleOAuthState()];
    const lostGrant = sampleOAuthGrant();
    await sealedWithUnknown.create(lostState);
    await sealedWithUnknown.createGrant(lostGrant);
    // Expiry is judged before opening: an expired row of the unknown key is deleted all the same.
    await sealedWithUnknown.create(sampleOAuthState({ expiresAt: EARLIER }));
    await before.create(keptState);

    const keyId = encryptionKeyId(unknownKey);
    expect(await during.reencrypt(NOW)).toEqual({
      states: { reencrypted: 1, skipped: 0, expired: 1, unreadable: 1, unreadableKeyIds: [keyId] },
      grants: { reencrypted: 0, skipped: 0, expired: 0, unreadable: 1, unreadableKeyIds: [keyId] },
    });
    expect(await during.countStale()).toEqual({ states: 1, grants: 1 });
    expect(await after.consume(keptState.state)).toEqual(keptState);
    expect(await sealedWithUnknown.consume(lostState.state)).toEqual(lostState);
    expect(await sealedWithUnknown.consumeGrant(lostGrant.grant)).toEqual(lostGrant);
  });
}
