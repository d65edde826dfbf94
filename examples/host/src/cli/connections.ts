import { isNeonhubError } from "@neonhub/core";
import { runConnectionsCommand } from "./run-connections-command.js";

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

runConnectionsCommand(process.argv.slice(2), process.env, (text) => process.stdout.write(text), readStandardInput).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const fieldErrors = isNeonhubError(error, "VALIDATION_FAILED") ? ((error.details?.fieldErrors as Array<{ path: string; message: string }> | undefined) ?? []) : [];
    const fields = fieldErrors.map((field) => `\n  ${field.path}: ${field.message}`).join("");
    process.stderr.write(`connections: ${error instanceof Error ? error.message : String(error)}${fields}\n`);
    process.exit(1);
  },
);
