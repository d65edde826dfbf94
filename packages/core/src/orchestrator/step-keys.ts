/**
 * Gives each step of one execution of a handler its journal key: an explicit key as given, a derived one as the
 * tool's name and its occurrence among this execution's calls of it (`slack.postMessage#0`, `#1`, ...). A repeated
 * explicit key gets the same suffix from its second use on, so that keys stay unique within a run.
 */
export class StepKeys {
  readonly #seen = new Map<string, number>();

  /** The key of the next step named `name`; `explicit` when the handler gave one. */
  next(name: string, explicit: boolean): string {
    const occurrence = this.#seen.get(name) ?? 0;
    this.#seen.set(name, occurrence + 1);
    if (explicit) return occurrence === 0 ? name : `${name}#${occurrence}`;
    return `${name}#${occurrence}`;
  }
}
