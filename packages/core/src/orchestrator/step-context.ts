import type { StepContext } from "../model/run-context.js";
import type { Logger } from "../ports/logger.js";
import { stepIdempotencyKey } from "../util/step-idempotency-key.js";
import type { RunScope } from "./handler-context.js";

/**
 * What a step's function receives. The signal, the logger and the idempotency key are made only when asked for:
 * most steps use none of them, and the run's `AbortController` alone cost about a microsecond per run.
 */
export class StepCallContext implements StepContext {
  readonly #scope: RunScope;
  #idempotencyKey: string | undefined;

  constructor(
    scope: RunScope,
    readonly stepKey: string,
    readonly attempt: number,
  ) {
    this.#scope = scope;
  }

  get runId(): string {
    return this.#scope.run.id;
  }

  get signal(): AbortSignal {
    return this.#scope.cancellation.signal;
  }

  get logger(): Logger {
    return this.#scope.logger();
  }

  get idempotencyKey(): string {
    return (this.#idempotencyKey ??= stepIdempotencyKey(this.#scope.run.id, this.stepKey));
  }
}
