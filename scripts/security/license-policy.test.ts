import { describe, expect, it } from "vitest";
import { evaluateLicenses, licenseAllowed } from "./license-policy.mjs";

const allowed = new Set(["MIT", "ISC", "Apache-2.0"]);

describe("license policy", () => {
  it("reads SPDX expressions: OR needs one allowed side, AND needs both", () => {
    expect(licenseAllowed("MIT", allowed)).toBe(true);
    expect(licenseAllowed("(MIT OR GPL-3.0)", allowed)).toBe(true);
    expect(licenseAllowed("MIT and ISC", allowed)).toBe(true);
    expect(licenseAllowed("MIT AND GPL-3.0", allowed)).toBe(false);
    expect(licenseAllowed("GPL-3.0", allowed)).toBe(false);
    expect(licenseAllowed("", allowed)).toBe(false);
    expect(licenseAllowed(undefined, allowed)).toBe(false);
  });

  it("fails licenses outside the policy unless the package is an exception with a reason", () => {
    const listing = {
      MIT: [{ name: "pino", versions: ["10.4.0"] }],
      "GPL-3.0": [{ name: "copyleft", versions: ["1.0.0"] }],
      "MPL-2.0": [{ name: "lightningcss", versions: ["1.33.0"] }, { name: "other-mpl", versions: ["2.0.0"] }],
      Unknown: [{ name: "no-license", versions: ["0.1.0", "0.2.0"] }],
    };
    const policy = {
      allowed: ["MIT"],
      exceptions: [
        { package: "lightningcss", license: "MPL-2.0", reason: "test tooling only" },
        { package: "copyleft", license: "GPL-3.0", reason: " " },
      ],
    };
    expect(evaluateLicenses(listing, policy)).toEqual({
      failures: ["copyleft@1.0.0 is GPL-3.0", "other-mpl@2.0.0 is MPL-2.0", "no-license@0.1.0,0.2.0 is Unknown"],
      excepted: ["lightningcss@1.33.0 is MPL-2.0 (test tooling only)"],
      packages: 5,
    });
  });
});
