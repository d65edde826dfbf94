/** The action-keyed options of the contract kit, as {@link contractOptionProblems} reads them. */
export interface ContractOptionKeys {
  sampleInputs: Record<string, unknown>;
  invalidInputs?: Record<string, unknown> | undefined;
  sampleCursors?: Record<string, unknown> | undefined;
}

/**
 * What is wrong with the action names in a contract kit's options: an action without a sample input, and a key of
 * `sampleInputs`, `invalidInputs` or `sampleCursors` that names no action of the connector (a misspelt key would
 * otherwise leave a default in place unnoticed). Each problem names the option, the key and the connector's actions.
 */
export function contractOptionProblems(connectorId: string, actions: readonly string[], options: ContractOptionKeys): string[] {
  const known = new Set(actions);
  const list = actions.length === 0 ? "none" : actions.join(", ");
  const problems = actions.filter((name) => !Object.hasOwn(options.sampleInputs, name)).map((name) => `sampleInputs has no input for action "${name}" of connector "${connectorId}"`);
  for (const option of ["sampleInputs", "invalidInputs", "sampleCursors"] as const) {
    for (const key of Object.keys(options[option] ?? {})) {
      if (!known.has(key)) problems.push(`${option}.${key} names no action of connector "${connectorId}" (its actions: ${list})`);
    }
  }
  return problems;
}
