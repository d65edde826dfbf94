export { startProviderServer } from "./provider-server.js";
export type { ProviderAnswer, ProviderServer, ReceivedRequest } from "./provider-server.js";
export { startLiveHarness } from "./start-live-harness.js";
export type { LiveHarness, LiveHarnessOptions } from "./start-live-harness.js";
export { runConnectorContractTests } from "./run-connector-contract-tests.js";
export type { ConnectorContractOptions } from "./run-connector-contract-tests.js";
