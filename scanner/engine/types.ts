import type { FindingKind, Severity } from '../../contracts/finding';

/** A value a rule found: offsets into the text it was given (one byte = one char, latin1-decoded). */
export interface RuleMatch {
  start: number;
  end: number;
  value: string;
}

/** Texts a rule must flag (`positive`) and must not flag (`negative`); its test iterates them. */
export interface RuleSamples {
  positive: readonly string[];
  negative: readonly string[];
}

/** Per rule and per text; `scannedTo` lets a rule skip triggers inside text it already examined. */
export interface RuleState {
  scannedTo: number;
}

export interface Rule {
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** One line, for reports and SARIF `shortDescription`. */
  readonly title: string;
  /** Literals (case-sensitive) one of which occurs wherever the rule can match. */
  readonly triggers: readonly string[];
  /** Lowercase keywords matched case-insensitively, with the same role as `triggers`. */
  readonly keywords?: readonly string[];
  /**
   * Examines the text around one trigger occurrence starting at `at` (`trigger` is the literal or
   * keyword as declared). Must do bounded work per call or advance `state.scannedTo`, so the whole
   * scan stays linear in the text length.
   */
  match(text: string, at: number, trigger: string, state: RuleState): RuleMatch[];
  /**
   * The account a found value belongs to when the value itself encodes it (an access key id does),
   * decoded offline; the engine reports it masked.
   */
  owner?(value: string): string | undefined;
  /** Built on demand: credential-shaped samples are generated, never committed as literals. */
  samples(): RuleSamples;
}
