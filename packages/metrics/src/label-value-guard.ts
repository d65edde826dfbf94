import { OTHER_LABEL_VALUE } from "./metric-names.js";

/** Longest label value kept; anything longer is not a registry name and folds into `other`. */
const MAX_LABEL_VALUE_LENGTH = 100;

/**
 * Keeps one label's values bounded: known names always pass, other names pass first come first served until
 * `maxAdditionalValues` of them were seen, and everything after folds into `other`. This caps the number of time
 * series even if a caller passes something that did not come from a registry.
 */
export class LabelValueGuard {
  private readonly allowed: Set<string>;
  private maxAllowed: number;

  constructor(knownValues: Iterable<string>, maxAdditionalValues: number) {
    this.allowed = new Set();
    for (const value of knownValues) {
      if (isAcceptable(value)) this.allowed.add(value);
    }
    this.maxAllowed = this.allowed.size + maxAdditionalValues;
  }

  /** The value to use as the label: `value` itself when allowed, otherwise `other`. */
  resolve(value: string): string {
    if (this.allowed.has(value)) return value;
    if (this.allowed.size < this.maxAllowed && isAcceptable(value)) {
      this.allowed.add(value);
      return value;
    }
    return OTHER_LABEL_VALUE;
  }

  /**
   * Makes `knownValues` known after construction, as the constructor's would be: each always passes, and none takes
   * one of the additional values' places. Returns those that were not allowed yet.
   */
  admit(knownValues: Iterable<string>): string[] {
    const admitted: string[] = [];
    for (const value of knownValues) {
      if (!isAcceptable(value) || this.allowed.has(value)) continue;
      this.allowed.add(value);
      this.maxAllowed += 1;
      admitted.push(value);
    }
    return admitted;
  }

  /** The values allowed so far (known names first). */
  values(): string[] {
    return [...this.allowed];
  }
}

function isAcceptable(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_LABEL_VALUE_LENGTH && value !== OTHER_LABEL_VALUE;
}
