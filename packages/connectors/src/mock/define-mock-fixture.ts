import type { BuiltInConnectorId } from "../connectors/built-in-connectors.js";
import type { BuiltInActionMockFixture, BuiltInActionName, MockFixture, UntypedMockFixture } from "./mock-fixture.js";

/**
 * Returns the fixture as given, checked like {@link MockController.addFixture} checks it, for `mock.fixtures`: for a
 * built-in connector's id, a misspelt action or a wrong output is a type error and an output function gets the
 * action's input type; any other id (a plugin's) takes an untyped fixture.
 * @example
 * const connectors = createMockConnectorClient({ mock: { fixtures: [
 *   defineMockFixture({ connector: "slack", action: "postMessage", output: (input) => ({ channel: input.channel, ts: "1.000001", threadTs: null }) }),
 * ] } });
 */
export function defineMockFixture<Id extends BuiltInConnectorId, Action extends BuiltInActionName<Id>>(fixture: BuiltInActionMockFixture<Id, Action>): BuiltInActionMockFixture<Id, Action>;
export function defineMockFixture<Id extends string>(fixture: UntypedMockFixture<Id extends BuiltInConnectorId ? never : Id>): UntypedMockFixture<Id>;
export function defineMockFixture(fixture: MockFixture): MockFixture {
  return fixture;
}
