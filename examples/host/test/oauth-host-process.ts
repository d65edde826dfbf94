// The host of the cross-host refresh test: the real host process (configuration from the environment, PostgreSQL,
// live connectors, the connection store) serving the OAuth test connector and an agent that calls it once.
import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import { runProcess } from "../src/runtime/run-process.js";
import { startHost } from "../src/runtime/start-host.js";
import { createOAuthTestConnector } from "./oauth-test-connector.js";

const environment = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is required`);
  return value;
};

const connector = createOAuthTestConnector(environment("AUTHORIZATION_SERVER_URL"), environment("API_URL"), { tokenUrl: environment("TOKEN_URL") });

runProcess("host", (config, logger) =>
  startHost(config, logger, undefined, {
  connectors: [connector],
  agents: (connectors) => [
    defineAgent({
      name: "acme-account",
      version: "1.0.0",
      description: "Reads the connected Acme account.",
      kind: "analytics",
      input: z.object({}),
      output: z.object({ account: z.string() }),
      handle: async (_input, context) => connectors.forRun(context).invoke(connector, "whoAmI", {}),
    }),
  ],
}),
);
