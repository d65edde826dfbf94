import { describe, expect, it } from "vitest";
import { MissingPrivilegeError } from "./missing-privilege-error.js";
import { runRolesCommand } from "./run-roles-command.js";

function recorder() {
  const lines = { log: [] as string[], error: [] as string[] };
  return { lines, output: { log: (line: string) => lines.log.push(line), error: (line: string) => lines.error.push(line) } };
}

const environment = { DATABASE_URL: "postgres://owner@db.internal/neonhub", NEONHUB_MIGRATOR_PASSWORD: "m", NEONHUB_APP_PASSWORD: "a" };

describe("db:roles", () => {
  it("says in one line which step was refused and which privilege it needs, with exit code 1", async () => {
    const { lines, output } = recorder();
    const refused = new MissingPrivilegeError('create role "neonhub_migrator"', "the CREATEROLE attribute or superuser", "owner", new Error("permission denied to create role"));
    expect(await runRolesCommand(environment, output, () => Promise.reject(refused))).toBe(1);
    expect(lines.error).toEqual([
      'db:roles: Could not create role "neonhub_migrator" as "owner" (permission denied to create role): that needs the CREATEROLE attribute or superuser.',
    ]);
    expect(lines.log).toEqual([]);
  });

  it("tells any other failure in one line without a stack trace", async () => {
    const { lines, output } = recorder();
    expect(await runRolesCommand(environment, output, () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")))).toBe(1);
    expect(lines.error).toEqual(["db:roles: connect ECONNREFUSED 127.0.0.1:5432"]);
  });

  it("creates the roles named in the environment and says so", async () => {
    const { lines, output } = recorder();
    const calls: unknown[] = [];
    const code = await runRolesCommand({ ...environment, NEONHUB_APP_ROLE: "hub_app" }, output, async (...call) => {
      calls.push(call);
      return { createdRoles: ["neonhub_migrator", "hub_app"], grantedMigratorRoleTo: null };
    });
    expect(code).toBe(0);
    expect(calls).toEqual([["postgres://owner@db.internal/neonhub", { migratorRole: "neonhub_migrator", migratorPassword: "m", appRole: "hub_app", appPassword: "a" }]]);
    expect(lines.log).toEqual(["Roles ready: neonhub_migrator (migrations) and hub_app (application)."]);
  });

  it("says when it made the connected role a member of the migration role, and how to undo it", async () => {
    const { lines, output } = recorder();
    expect(await runRolesCommand(environment, output, async () => ({ createdRoles: [], grantedMigratorRoleTo: "owner" }))).toBe(0);
    expect(lines.log[0]).toBe(
      "Granted neonhub_migrator to owner: handing tables to it and setting its default privileges need membership (REVOKE neonhub_migrator FROM owner undoes it).",
    );
  });

  it("refuses to run without DATABASE_URL", async () => {
    const { lines, output } = recorder();
    expect(await runRolesCommand({}, output, () => Promise.reject(new Error("not called")))).toBe(1);
    expect(lines.error).toEqual(["Set DATABASE_URL to an administrator connection of the NeonHub database."]);
  });
});
