import { describe, expect, it } from "vitest";
import { checkPackedPackage, exportTargets, packageNameOf } from "./check-packed-package.mjs";

const manifest = {
  name: "@neonhub/example",
  version: "1.0.0",
  license: "MIT",
  homepage: "https://example.test/example#readme",
  repository: { type: "git", url: "git+https://example.test/example.git" },
  bugs: { url: "https://example.test/example/issues" },
  main: "./dist/index.cjs",
  exports: { ".": { import: { types: "./dist/index.d.ts", default: "./dist/index.js" }, require: "./dist/index.cjs" }, "./package.json": "./package.json" },
  bin: { example: "./dist/bin.js" },
  dependencies: { "@neonhub/core": "^0.1.0", pg: "^8.0.0" },
  peerDependencies: { zod: "^4.1.5" },
};
const files = () =>
  new Map([
    ["README.md", ""],
    ["package.json", ""],
    ["dist/index.d.ts", ""],
    ["dist/index.js", 'import { z } from "zod";\nimport pg from "pg";\nimport { readFile } from "node:fs/promises";\nimport { join } from "path";\nconst core = await import("@neonhub/core/testing");'],
    ["dist/index.cjs", 'const core = require("@neonhub/core");\nconst self = require("@neonhub/example/package.json");\nconst local = require("./chunk.cjs");'],
    ["dist/bin.js", "#!/usr/bin/env node\n"],
  ]);

describe("checkPackedPackage", () => {
  it("finds nothing wrong with a package fit to publish", () => {
    expect(checkPackedPackage(manifest, files())).toEqual([]);
  });

  it("refuses a workspace: range left in the packed manifest", () => {
    const packed = { ...manifest, dependencies: { ...manifest.dependencies, "@neonhub/core": "workspace:^" } };
    expect(checkPackedPackage(packed, files())).toEqual(['dependencies.@neonhub/core is "workspace:^", which no consumer can resolve']);
  });

  it("refuses built code that imports a package it does not declare", () => {
    const built = files();
    built.set("dist/chunk.cjs", 'var bottleneck = require("bottleneck");\nvar limiter = require("@scope/limiter/dist/index.js");');
    expect(checkPackedPackage(manifest, built)).toEqual([
      'dist/chunk.cjs imports "bottleneck", which is not a dependency',
      'dist/chunk.cjs imports "@scope/limiter", which is not a dependency',
    ]);
  });

  it("refuses an export whose file is not in the tarball", () => {
    const built = files();
    built.delete("dist/index.cjs");
    expect(checkPackedPackage(manifest, built)).toEqual(['"dist/index.cjs" is exported but not in the tarball']);
  });

  it("refuses install scripts, a private flag and missing registry metadata", () => {
    const { license: _license, homepage: _homepage, repository: _repository, bugs: _bugs, ...bare } = manifest;
    const built = files();
    built.delete("README.md");
    expect(checkPackedPackage({ ...bare, private: true, scripts: { postinstall: "node setup.mjs", build: "tsup" } }, built)).toEqual([
      'scripts.postinstall runs on every consumer\'s install ("node setup.mjs")',
      "private is true: the package cannot be published",
      "license is missing",
      "repository.url is missing",
      "homepage is missing",
      "bugs.url is missing",
      "README.md is not in the tarball",
    ]);
  });
});

describe("helpers", () => {
  it("names the package of a specifier", () => {
    expect(["@neonhub/core/testing", "zod", "zod/v4", "@types/node"].map(packageNameOf)).toEqual(["@neonhub/core", "zod", "zod", "@types/node"]);
  });

  it("lists exported files without patterns", () => {
    expect(exportTargets({ exports: { ".": "./dist/index.js", "./features/*": "./dist/features/*.js" }, types: "./dist/index.d.ts", bin: "./cli.js" }).sort()).toEqual([
      "cli.js",
      "dist/index.d.ts",
      "dist/index.js",
    ]);
  });
});
