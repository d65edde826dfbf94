import { ValidationError, type FieldError } from "../errors/errors.js";
import { isStorableText } from "../util/storable-value.js";

const TEXT_RULE = "Must be text without NUL characters or unpaired surrogates";

/**
 * Checks a `ctx.reportMetric` call where it is made. A store refuses a metric whose value is not finite (`0 / 0`)
 * or whose text it cannot hold, and it would refuse it only with the run's end: the run could then not be
 * recorded as ended, and would be taken over and run again. Stores call it on a finish's metrics, before writing.
 * @throws ValidationError naming `name`, `value` or `unit`.
 */
export function checkReportedMetric(name: unknown, value: unknown, unit: unknown): void {
  const problems: FieldError[] = [];
  if (typeof name !== "string" || !isStorableText(name)) problems.push({ path: "name", message: TEXT_RULE });
  if (typeof value !== "number" || !Number.isFinite(value)) problems.push({ path: "value", message: "Must be a finite number" });
  if (typeof unit !== "string" || !isStorableText(unit)) problems.push({ path: "unit", message: TEXT_RULE });
  if (problems.length > 0) {
    throw new ValidationError(`Metric ${JSON.stringify(String(name))} cannot be recorded: ${problems.map((problem) => problem.path).join(", ")}.`, problems);
  }
}
