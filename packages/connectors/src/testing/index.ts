export { createMockConnectorClient } from "./create-mock-connector-client.js";
export { runConnectorContractTests } from "./run-connector-contract-tests.js";
export type { ConnectorContractOptions } from "./run-connector-contract-tests.js";
export { startLiveHarness } from "./start-live-harness.js";
export type { LiveHarness, LiveHarnessOptions } from "./start-live-harness.js";
export { startProviderServer } from "./provider-server.js";
export type { ProviderAnswer, ProviderServer, ReceivedRequest } from "./provider-server.js";
export type {
  MockCall,
  MockController,
  MockLatency,
  MockOptions,
  MockScenario,
  MockScenarioName,
  ScenarioSelection,
} from "../mock/mock-types.js";
export type {
  BuiltInActionMockFixture,
  BuiltInActionName,
  ConnectorActionMockFixture,
  ConnectorActionName,
  DefinitionMockFixture,
  MockFixture,
  MockFixtureFields,
  MockFixtureOutput,
  MockInputMatcher,
  MockInputPattern,
  UntypedMockFixture,
} from "../mock/mock-fixture.js";
export { defineMockFixture } from "../mock/define-mock-fixture.js";
export { runCredentialStoreConformanceSuite } from "./run-credential-store-conformance-suite.js";
export type { CredentialStoreConformanceOptions } from "./run-credential-store-conformance-suite.js";
