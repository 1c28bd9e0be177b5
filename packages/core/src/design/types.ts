// Types of experimental designs: the request (the experiment's design fields, as in API.md) and
// the generated design (combinations plus the properties a statistician checks).

/** The four design types of the data model. */
export type DesignType = "FullFactorial" | "FractionalFactorial" | "LatinSquare" | "OrthogonalArray";

/** All design types, in the data model's order. */
export const DESIGN_TYPES: readonly DesignType[] = ["FullFactorial", "FractionalFactorial", "LatinSquare", "OrthogonalArray"];

/** A level value: any JSON value (strings and numbers in practice). */
export type LevelValue = string | number | boolean | null | LevelValue[] | { [key: string]: LevelValue };

/** An experimental variable (factor): `{name, levels, type}`. */
export interface DesignVariable {
  name: string;
  levels: readonly LevelValue[];
  type?: "categorical" | "continuous";
}

/**
 * `design_options`. `generators` as `{"D": "AB", "E": "-AC"}` or `["D = AB", "E = -AC"]`;
 * `resolution` as 3..5 or "III".."V"; `treatment` names the Latin square's treatment
 * variable(s); `array` names a catalogue array ("L8" or "L8(2^7)").
 */
export interface DesignOptions {
  resolution?: number | string;
  generators?: Readonly<Record<string, string>> | readonly string[];
  runs?: number;
  seed?: number | string;
  treatment?: string | readonly string[];
  array?: string;
}

/** What `generateDesign` takes: the design fields of a MultivariateExperiment. */
export interface DesignRequest {
  design_type: DesignType;
  variables: readonly DesignVariable[];
  /** Interactions to estimate: `[["A", "B"], ...]` (variable names, or letters A, B, ... by position). */
  interaction_matrix?: readonly (readonly string[] | string)[] | null;
  design_options?: DesignOptions | null;
}

/** One treatment combination (arm) of the design. */
export interface Combination {
  combination_id: string;
  variable_values: Record<string, LevelValue>;
  traffic_allocation: number;
}

/** Alias chains of a regular two-level fraction, keyed by effect ("A", "AB"). */
export interface AliasStructure {
  main_effects: Record<string, string[]>;
  two_factor_interactions: Record<string, string[]>;
}

/** Properties of a generated design. Optional fields appear where they are defined for the design. */
export interface DesignProperties {
  design_type: DesignType;
  runs: number;
  /** Letter of each variable in words and aliases: `{A: "color", B: "size"}`. */
  factor_letters: Record<string, string>;
  /** Level count of each variable, in declared order. */
  levels: number[];
  /** The interactions requested and kept clear, as variable names. */
  interactions: string[][];
  /** Smallest word length (Xu & Wu's generalized resolution for non-regular designs); absent for a full factorial. */
  resolution?: number;
  /** Generators of a regular two-level fraction: `{D: "AB", E: "AC"}`. */
  generators?: Record<string, string>;
  /** Words of the defining relation of a regular fraction, without "I": `["ABD", "ACE", "BCDE"]`. */
  defining_relation?: string[];
  /** Classical word-length pattern (A_1, ..., A_k) of a regular fraction; index i counts words of length i + 1. */
  word_length_pattern?: number[];
  /** Xu & Wu's generalized word-length pattern (A_1, ..., A_k); equals the classical one for regular two-level designs. */
  generalized_word_length_pattern: number[];
  /** Alias chains of main effects and two-factor interactions (regular two-level designs). */
  aliases?: AliasStructure;
  /** Catalogue array the design was taken from: "L8(2^7)". */
  array?: string;
  /** 1-based array column of each variable. */
  column_assignment?: Record<string, number>;
  /** Array columns that carry each requested two-factor interaction ("A:B" -> [3]). */
  interaction_columns?: Record<string, number[]>;
  /** Latin square: the blocking and treatment variables, the square(s) of treatment level indices. */
  square_type?: "Latin" | "Graeco-Latin" | "hyper-Graeco-Latin";
  row_variable?: string;
  column_variable?: string;
  treatment_variables?: string[];
  squares?: Record<string, number[][]>;
  /** How many squares (or sets of orthogonal squares) the randomisation chose from, uniformly. */
  randomised_over?: number;
  seed?: number | string;
  notes?: string[];
}

/** A generated design. */
export interface Design {
  combinations: Combination[];
  properties: DesignProperties;
}
