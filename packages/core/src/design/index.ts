// Experimental designs (packages/core/src/design): the public API. Re-exports only.
export { DESIGN_TYPES } from "./types.js";
export type {
  AliasStructure,
  Combination,
  Design,
  DesignOptions,
  DesignProperties,
  DesignRequest,
  DesignType,
  DesignVariable,
  LevelValue,
} from "./types.js";
export { DesignMismatchError } from "./design-mismatch-error.js";
export { generateDesign } from "./generate-design.js";
export { designContrasts, helmertContrasts, orthogonalPolynomialContrasts } from "./contrasts.js";
export type { ContrastCoding, ContrastMatrix, ContrastOptions } from "./contrasts.js";
export { arrayName, hasStrengthTwo, isBalanced } from "./orthogonal-array.js";
export type { OrthogonalArray } from "./orthogonal-array.js";
export { findOrthogonalArray, orthogonalArrayCatalogue } from "./orthogonal-array-catalogue.js";
export { enumerateRegularFractions, minimumAberrationFraction } from "./two-level-fraction.js";
export type { FractionGenerator, RegularFraction, SignedWord } from "./two-level-fraction.js";
export { allLatinSquares, areOrthogonal, mutuallyOrthogonalSquares, sampleOrthogonalSquares } from "./latin-squares.js";
export type { Square } from "./latin-squares.js";
export { generalizedWordLengthPattern } from "./word-length-pattern.js";
export * from "./effects.js";
