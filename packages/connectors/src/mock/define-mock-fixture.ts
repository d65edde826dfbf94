import type { BuiltInConnectorId } from "../connectors/built-in-connectors.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import type {
  BuiltInActionMockFixture,
  BuiltInActionName,
  ConnectorActionMockFixture,
  ConnectorActionName,
  DefinitionMockFixture,
  MockFixture,
  UntypedMockFixture,
} from "./mock-fixture.js";

/**
 * Returns the fixture checked like {@link MockController.addFixture} checks it, for `mock.fixtures`. Given a connector
 * definition (a plugin's), a misspelt action, a `match` field its input lacks or a wrong output is a type error, an
 * output function gets the action's input type, and the fixture comes back naming the connector by its id. The same
 * holds for a built-in connector's id; any other id takes an untyped fixture.
 * @example
 * const connectors = createMockConnectorClient({ plugins: [airtablePlugin], mock: { fixtures: [
 *   defineMockFixture({ connector: "slack", action: "postMessage", output: (input) => ({ channel: input.channel, ts: "1.000001", threadTs: null }) }),
 *   defineMockFixture({ connector: airtableConnector, action: "createRecord", match: { table: "Leads" }, output: (input) => ({ id: "recLEAD000000001", createdTime: "2026-01-01T00:00:00.000Z", fields: input.fields }) }),
 * ] } });
 */
export function defineMockFixture<Connector extends ConnectorDefinition, Action extends ConnectorActionName<Connector>>(
  fixture: DefinitionMockFixture<Connector, Action>,
): ConnectorActionMockFixture<Connector, Action>;
export function defineMockFixture<Id extends BuiltInConnectorId, Action extends BuiltInActionName<Id>>(fixture: BuiltInActionMockFixture<Id, Action>): BuiltInActionMockFixture<Id, Action>;
export function defineMockFixture<Id extends string>(fixture: UntypedMockFixture<Id extends BuiltInConnectorId ? never : Id>): UntypedMockFixture<Id>;
export function defineMockFixture(fixture: MockFixture | DefinitionMockFixture<ConnectorDefinition, string>): MockFixture {
  return fixtureById(fixture);
}

/** The fixture naming its connector by id, as the mock engine matches calls by id. */
export function fixtureById(fixture: MockFixture | DefinitionMockFixture<ConnectorDefinition, string>): MockFixture {
  if (typeof fixture.connector === "string") return fixture as MockFixture;
  return { ...fixture, connector: fixture.connector.id } as MockFixture;
}
