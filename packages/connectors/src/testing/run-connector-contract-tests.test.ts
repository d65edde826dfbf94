import { sampleInputs } from "../connectors/__fixtures__/sample-inputs.js";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import { googleAdsConnector } from "../connectors/google-ads-connector.js";
import { slackConnector } from "../connectors/slack-connector.js";
import { defineConnector } from "../sdk/define-connector.js";
import { runConnectorContractTests } from "./run-connector-contract-tests.js";

const inputs = sampleInputs("contract");
// Stripe's cursor is the id of the last transaction of the previous page.
const cursors: Record<string, Record<string, string>> = { stripe: { listBalanceTransactions: "txn_1QcontractCursor" } };
for (const connector of builtInConnectors) runConnectorContractTests(connector, { sampleInputs: inputs[connector.id] ?? {}, sampleCursors: cursors[connector.id] ?? {} });

// A connector paced at one request a minute, with two actions: the kit's checks that call both must not wait for it.
const pacedConnector = defineConnector({
  ...googleAdsConnector,
  id: "paced-google-ads",
  rateLimit: { requests: 1, intervalMs: 60_000 },
  keyedPacing: { minTimeMs: 60_000, key: () => "every call" },
});
runConnectorContractTests(pacedConnector, { sampleInputs: inputs["google-ads"] ?? {} });

// A connector that derives its host from the connection's credentials: the kit's live checks still reach its local
// server, since the client's base URL wins over the derivation (whose host here would never resolve).
const derivedConnector = defineConnector({ ...slackConnector, id: "derived-slack", baseUrlFrom: () => "https://derived-workspace.slack.invalid/api" });
runConnectorContractTests(derivedConnector, { sampleInputs: inputs.slack ?? {} });
