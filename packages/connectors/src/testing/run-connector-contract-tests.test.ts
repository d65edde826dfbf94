import { sampleInputs } from "../connectors/__fixtures__/sample-inputs.js";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import { runConnectorContractTests } from "./run-connector-contract-tests.js";

const inputs = sampleInputs("contract");
for (const connector of builtInConnectors) runConnectorContractTests(connector, { sampleInputs: inputs[connector.id] ?? {} });
