import { ConfigurationError } from "@neonhub/core";

const BRAND = Symbol.for("@neonhub/persistence-prisma/missing-privilege");

/**
 * The database refused a step of setting up the roles because the connected role lacks a privilege: a setup problem,
 * not an outage, so its code is `CONFIGURATION_INVALID`, and running again helps only once the privilege is granted. `step` says what was
 * being done, `privilege` what it needs; the message says both in one line.
 */
export class MissingPrivilegeError extends ConfigurationError {
  readonly [BRAND] = true;
  /** What was being done, like `create role "neonhub_migrator"`. */
  readonly step: string;
  /** What the connected role needs for it, like `the CREATEROLE attribute or superuser`. */
  readonly privilege: string;
  /** The role the script was connected as. */
  readonly role: string;

  constructor(step: string, privilege: string, role: string, cause: { message: string }) {
    super(`Could not ${step} as "${role}" (${cause.message}): that needs ${privilege}.`, { cause });
    this.name = "MissingPrivilegeError";
    this.step = step;
    this.privilege = privilege;
    this.role = role;
  }

  /** True for this error, from this copy of the package or another one. */
  static override isInstance(value: unknown): value is MissingPrivilegeError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
