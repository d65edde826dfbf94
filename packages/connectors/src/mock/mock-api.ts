// The mock mode's public API, exported alike by the package's main entry and by its `testing` entry.
export type {
  MockCall,
  MockController,
  MockLatency,
  MockOptions,
  MockScenario,
  MockScenarioName,
  ScenarioSelection,
} from "./mock-types.js";
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
} from "./mock-fixture.js";
export { defineMockFixture } from "./define-mock-fixture.js";
