import type { z } from "zod";
import type { BuiltInConnectorId, BuiltInConnectorMap } from "../connectors/built-in-connectors.js";
import type { ActionDefinition, ConnectorDefinition, MockContext } from "../sdk/connector-definition.js";
import type { MockScenario } from "./mock-types.js";

/**
 * Part of an action's input, at any depth, as a fixture's `match` compares it: objects field by field, arrays and
 * dates whole. Any object when the input is not known (a plugin connector named by its id).
 */
export type MockInputPattern<Input> = unknown extends Input
  ? Record<string, unknown>
  : Input extends readonly unknown[] | Date
    ? Input
    : Input extends object
      ? { [Key in keyof Input]?: MockInputPattern<Input[Key]> }
      : Input;

// Written as methods so that their parameter is compared both ways: a fixture typed by its action is then also an
// untyped one (`MockFixture`), as `mock.fixtures` takes.
type InputPredicate<Input> = { predicate(input: Input): boolean }["predicate"];
type OutputFunction<Input, Output> = { output(input: Input, context: MockContext): Output }["output"];

/** Matches a call's input: a partial object compared field by field (deeply), or a predicate. */
export type MockInputMatcher<Input = unknown> = MockInputPattern<Input> | InputPredicate<Input>;

/**
 * A fixture's answer: the output, or a function of the input and the {@link MockContext}. `Output` is what the
 * action's output schema accepts; without one (a plugin connector named by its id) any value, and a function still
 * gets its input typed `unknown`.
 */
export type MockFixtureOutput<Input = unknown, Output = unknown> = unknown extends Output
  ? // Spelled out rather than `unknown`, which would swallow the function and leave its input an implicit any.
    NonNullable<unknown> | null | undefined | OutputFunction<Input, unknown>
  : Output | OutputFunction<Input, Output>;

/** The fields of a fixture, for an action whose validated input is `Input` and whose output schema accepts `Output`. */
export interface MockFixtureFields<Input = unknown, Output = unknown> {
  /** Which inputs it answers, compared with the input after validation (defaults applied); all when absent. */
  match?: MockInputMatcher<Input>;
  /** The output, or a function of the input; checked against the action's output schema at run time too. */
  output?: MockFixtureOutput<Input, Output>;
  /** A scenario instead of (or before) the output; default `ok`. */
  scenario?: MockScenario;
  /** How many calls it answers before it stops matching; unlimited when absent. */
  times?: number;
}

/** Name of an action of a built-in connector. */
export type BuiltInActionName<Id extends BuiltInConnectorId> = keyof BuiltInConnectorMap[Id]["actions"] & string;

type BuiltInAction<Id extends BuiltInConnectorId, Action extends BuiltInActionName<Id>> = BuiltInConnectorMap[Id]["actions"][Action];
// The input a fixture sees is the validated one (defaults applied); its output is parsed by the output schema.
type ValidatedInput<Definition> = Definition extends ActionDefinition<infer Input> ? z.output<Input> : never;
type AcceptedOutput<Definition> = Definition extends ActionDefinition<z.ZodType, infer Output> ? z.input<Output> : never;

/** A fixture of one action of a built-in connector: `match` and `output` typed by the action's schemas. */
export interface BuiltInActionMockFixture<Id extends BuiltInConnectorId, Action extends BuiltInActionName<Id>>
  extends MockFixtureFields<ValidatedInput<BuiltInAction<Id, Action>>, AcceptedOutput<BuiltInAction<Id, Action>>> {
  connector: Id;
  action: Action;
}

/** Name of an action of a connector definition (a plugin's, or a built-in one's). */
export type ConnectorActionName<Connector extends ConnectorDefinition> = keyof Connector["actions"] & string;

type DefinitionFields<Connector extends ConnectorDefinition, Action extends ConnectorActionName<Connector>> = MockFixtureFields<
  ValidatedInput<Connector["actions"][Action]>,
  AcceptedOutput<Connector["actions"][Action]>
>;

/**
 * A fixture of one action of a connector named by its definition, as `addFixture` and {@link defineMockFixture} take
 * it: `action` is one of the definition's actions, `match` part of its input and `output` what its output schema
 * accepts. This is how a plugin connector's fixtures are typed, since its id alone says nothing to the types.
 */
export interface DefinitionMockFixture<Connector extends ConnectorDefinition, Action extends ConnectorActionName<Connector>>
  extends DefinitionFields<Connector, Action> {
  connector: Connector;
  action: Action;
}

/**
 * The fixture {@link defineMockFixture} returns for a {@link DefinitionMockFixture}: the connector by its id, so that
 * it fits `mock.fixtures` beside untyped ones, with `match` and `output` still typed by the action.
 */
export interface ConnectorActionMockFixture<Connector extends ConnectorDefinition, Action extends ConnectorActionName<Connector>>
  extends DefinitionFields<Connector, Action> {
  connector: string;
  action: Action;
}

/** A fixture of a connector that is not built in: any action, input and output, as its schemas are not known here. */
export interface UntypedMockFixture<Connector extends string = string> extends MockFixtureFields {
  connector: Connector;
  action: string;
}

/**
 * A caller's answer for calls of one action whose input matches. Typed for a built-in connector's id: `action` is
 * one of its actions, `match` part of the action's input, `output` what its output schema accepts. Untyped for any
 * other id (a plugin's); `MockFixture` alone is the untyped form.
 * @example
 * const fixture: MockFixture<"slack", "postMessage"> = { connector: "slack", action: "postMessage", output: (input) => ({ channel: input.channel, ts: "1.000001", threadTs: null }) };
 */
export type MockFixture<Connector extends string = string, Action extends string = Connector extends BuiltInConnectorId ? BuiltInActionName<Connector> : string> =
  Connector extends BuiltInConnectorId
    ? Action extends BuiltInActionName<Connector>
      ? BuiltInActionMockFixture<Connector, Action>
      : never
    : UntypedMockFixture<Connector>;
