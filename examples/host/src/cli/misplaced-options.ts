/**
 * The options given that `command` does not take (among `optionsOf[command]`; `help` is always taken), as
 * `--name`: a command refuses them rather than ignoring them, since an ignored `--expires-in` or `--file` changes
 * nothing the user can see.
 */
export function misplacedOptions(command: string, values: Record<string, unknown>, optionsOf: Readonly<Record<string, readonly string[]>>): string[] {
  const taken = optionsOf[command] ?? [];
  return Object.keys(values)
    .filter((option) => option !== "help" && !taken.includes(option))
    .map((option) => `--${option}`);
}
