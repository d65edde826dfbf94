import { createCipheriv, randomBytes } from "node:crypto";
import { parseEncryptionKey } from "../credentials/credential-cipher.js";

/**
 * Seals credentials as the first release did, before key ids: base64 of a version byte (1), a 12-byte IV, the
 * 16-byte GCM tag and the body, with no `<key id>:` prefix. Stored rows of that release still hold such values.
 */
export function sealInFirstFormat(encodedKey: string, plain: Record<string, string>, organizationId: string, connector: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", parseEncryptionKey(encodedKey), iv);
  cipher.setAAD(Buffer.from(`${organizationId}\u0000${connector}`, "utf8"));
  const body = Buffer.concat([cipher.update(JSON.stringify(plain), "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]).toString("base64");
}
