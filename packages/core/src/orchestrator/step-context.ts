import type { StepContext } from "../model/run-context.js";
import type { Logger } from "../ports/logger.js";
import { stepIdempotencyKey } from "../util/step-idempotency-key.js";

/** What a step's function receives; the idempotency key is hashed only when asked for. */
export class StepCallContext implements StepContext {
  #idempotencyKey: string | undefined;

  constructor(
    readonly runId: string,
    readonly stepKey: string,
    readonly signal: AbortSignal,
    readonly attempt: number,
    readonly logger: Logger,
  ) {}

  get idempotencyKey(): string {
    return (this.#idempotencyKey ??= stepIdempotencyKey(this.runId, this.stepKey));
  }
}
