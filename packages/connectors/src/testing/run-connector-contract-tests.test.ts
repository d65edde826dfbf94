import { sampleInputs } from "../connectors/__fixtures__/sample-inputs.js";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import { runConnectorContractTests } from "./run-connector-contract-tests.js";

const inputs = sampleInputs("contract");
// Stripe's cursor is the id of the last transaction of the previous page.
const cursors: Record<string, Record<string, string>> = { stripe: { listBalanceTransactions: "txn_1QcontractCursor" } };
for (const connector of builtInConnectors) runConnectorContractTests(connector, { sampleInputs: inputs[connector.id] ?? {}, sampleCursors: cursors[connector.id] ?? {} });
