import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCredentialCipher, encryptionKeyId } from "./credential-cipher.js";
import { CredentialsUnreadableError } from "./credentials-unreadable-error.js";
import { sealInFirstFormat } from "../test-support/seal-in-first-format.js";

const newKey = () => randomBytes(32).toString("base64");
const caught = (open: () => unknown) => {
  try {
    open();
  } catch (error) {
    return error;
  }
  throw new Error("expected the value not to open");
};

describe("the credential cipher's refusals", () => {
  const [keyA, keyB, keyC] = [newKey(), newKey(), newKey()];
  const sealedWithC = createCredentialCipher(keyC).encrypt({ apiKey: "sk" }, "org", "stripe");
  const rotating = createCredentialCipher({ current: keyB, previous: [keyA] });

  it("names the key of a value sealed with a key that is not configured", () => {
    const error = caught(() => rotating.decrypt(sealedWithC, "org", "stripe"));
    expect(CredentialsUnreadableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", isRetryable: false, reason: "key_not_configured", keyId: encryptionKeyId(keyC) });
    expect((error as Error).message).toBe(`The stored credentials of "stripe" could not be decrypted: they were sealed with key ${encryptionKeyId(keyC)}, which is not configured.`);
  });

  it("tells a value its key does not authenticate (moved to another connector, or altered) from one of an unknown key", () => {
    const sealedWithA = createCredentialCipher(keyA).encrypt({ apiKey: "sk" }, "org", "stripe");
    const moved = caught(() => rotating.decrypt(sealedWithA, "org", "hubspot"));
    expect(CredentialsUnreadableError.isInstance(moved)).toBe(true);
    expect(moved).toMatchObject({ code: "STORE_UNAVAILABLE", reason: "authentication_failed", keyId: encryptionKeyId(keyA) });
    const body = Buffer.from(sealedWithA.slice(17), "base64");
    body[body.length - 1] = (body[body.length - 1] as number) ^ 1;
    expect(caught(() => rotating.decrypt(`${encryptionKeyId(keyA)}:${body.toString("base64")}`, "org", "stripe"))).toMatchObject({ reason: "authentication_failed" });
  });

  it("refuses a value of an unknown format with a plain store error, not as an unreadable one", () => {
    const error = caught(() => rotating.decrypt(`${encryptionKeyId(keyA)}:${Buffer.from("not sealed").toString("base64")}`, "org", "stripe"));
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", message: 'The stored credentials of "stripe" have an unknown format.' });
    expect(CredentialsUnreadableError.isInstance(error)).toBe(false);
  });
});

describe("values sealed before key ids existed", () => {
  const [keyA, keyB, keyC] = [newKey(), newKey(), newKey()];
  const sealedWithA = sealInFirstFormat(keyA, { apiKey: "sk_first" }, "org", "stripe");

  it("opens them with the current key or with a previous one, and names no key for them", () => {
    expect(createCredentialCipher(keyA).decrypt(sealedWithA, "org", "stripe")).toEqual({ apiKey: "sk_first" });
    const rotating = createCredentialCipher({ current: keyB, previous: [keyC, keyA] });
    expect(rotating.decrypt(sealedWithA, "org", "stripe")).toEqual({ apiKey: "sk_first" });
    expect(rotating.keyIdOf(sealedWithA)).toBeNull();
  });

  it("refuses one that no configured key opens, or that moved to another connector, as unreadable without a key id", () => {
    for (const [cipher, connector] of [[createCredentialCipher({ current: keyB, previous: [keyC] }), "stripe"], [createCredentialCipher(keyA), "hubspot"]] as const) {
      const error = caught(() => cipher.decrypt(sealedWithA, "org", connector));
      expect(CredentialsUnreadableError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", reason: "authentication_failed", keyId: null });
    }
  });

  it("seals again in the current format, under the current key's id", () => {
    const resealed = createCredentialCipher({ current: keyB, previous: [keyA] }).encrypt({ apiKey: "sk_first" }, "org", "stripe");
    expect(resealed.startsWith(`${encryptionKeyId(keyB)}:`)).toBe(true);
    expect(caught(() => createCredentialCipher(keyA).decrypt(resealed, "org", "stripe"))).toMatchObject({ reason: "key_not_configured" });
  });
});
