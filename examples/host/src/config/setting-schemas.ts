import { encryptionKeyId } from "@neonhub/persistence-prisma";
import { z } from "zod";

/** The entries of a comma-separated list, without blanks. */
export const commaList = (value: string | undefined) => (value ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0);

/** A value is read without the blanks around it, and a blank one counts as unset, as an empty one does. */
export const blankToUndefined = (value: unknown) => (typeof value !== "string" ? value : value.trim() === "" ? undefined : value.trim());
export const optionalText = z.preprocess(blankToUndefined, z.string().min(1).optional());

const PLAIN_DIGITS = /^[0-9]+$/;

interface IntegerBounds {
  min: number;
  max: number;
}

/**
 * Reads an integer setting written as plain decimal digits. `Number()` reads a blank value as 0 (a blank `PORT` would
 * listen on a random port, a blank `NEONHUB_RUN_RETENTION_DAYS` keep every run) and `0x10`, `1e1` or `16.0` as
 * numbers, so anything but digits is refused.
 */
const digitsToInteger = (message: string) => (value: unknown, context: z.RefinementCtx) => {
  const text = blankToUndefined(value);
  if (text === undefined) return undefined;
  if (typeof text === "string" && PLAIN_DIGITS.test(text)) return Number(text);
  context.addIssue({ code: "custom", message, input: value });
  return z.NEVER;
};
const boundedInteger = (bounds: IntegerBounds, message: string) => z.number().int({ message }).min(bounds.min, { message }).max(bounds.max, { message });
const rangeMessage = (bounds: IntegerBounds) => `must be plain decimal digits, from ${bounds.min} to ${bounds.max}`;
/** An integer setting with a default, which a blank or unset variable gives. */
export const integerSetting = (bounds: IntegerBounds, defaultValue: number, message = rangeMessage(bounds)) =>
  z.preprocess(digitsToInteger(message), boundedInteger(bounds, message).default(defaultValue));
/** An integer setting without a default: undefined when the variable is blank or unset. */
export const optionalIntegerSetting = (bounds: IntegerBounds, message = rangeMessage(bounds)) => z.preprocess(digitsToInteger(message), boundedInteger(bounds, message).optional());
export const urlWithProtocols = (protocols: string[]) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
        message: `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(" or ")}`,
      })
      .optional(),
  );

/** User info written before the host (`https://user@host`), which the URL parser drops when it is empty (`https://@host`). */
const USER_INFO = /^[a-z][a-z0-9+.-]*:[/\\]*[^/\\?#]*@/i;

/**
 * The OAuth redirect URI is `<public URL>/v1/oauth/callback`: after a query or a fragment the path would not be the
 * callback's, and user info would be sent to every provider in the URI.
 */
const isBaseOfPaths = (value: string) => {
  const url = new URL(value);
  return !/[?#]/.test(url.href) && url.username === "" && url.password === "" && !USER_INFO.test(value);
};
export const publicUrlSetting = urlWithProtocols(["https:", "http:"]).refine((value) => value === undefined || isBaseOfPaths(value), {
  message: "must have no query (?), fragment (#) or user info (user@): the OAuth redirect URI is <NEONHUB_PUBLIC_URL>/v1/oauth/callback",
});

const KEY_FORMAT = "32 random bytes, as 64 hex characters or as base64 (`openssl rand -base64 32`)";
/** The credential store's own reading of a key, so that the two cannot disagree on what a key is. */
const isEncryptionKey = (value: string) => {
  try {
    encryptionKeyId(value);
    return true;
  } catch {
    return false;
  }
};
export const credentialsKeySetting = optionalText.refine((value) => value === undefined || isEncryptionKey(value), { message: `must be ${KEY_FORMAT}` });
// Keys are secrets: a problem names the entry by its place, never by its value.
export const previousKeysSetting = optionalText.superRefine((value, context) => {
  const keys = commaList(value);
  keys.forEach((key, index) => {
    if (!isEncryptionKey(key)) context.addIssue({ code: "custom", message: `entry ${index + 1} of ${keys.length} is not ${KEY_FORMAT}` });
  });
});
