#!/usr/bin/env node
import { runMigrateCommand } from "../tooling/run-migrate-command.js";

// No top-level await: the bin is also built as CommonJS.
void runMigrateCommand(process.argv.slice(2), process.env, {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
}).then((code) => {
  process.exitCode = code;
});
