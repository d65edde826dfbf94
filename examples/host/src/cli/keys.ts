import { isNeonhubError } from "@neonhub/core";
import { runKeysCommand } from "./run-keys-command.js";

runKeysCommand(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`keys: ${isNeonhubError(error) ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
