// Statistical models (packages/core/src/stats): R/lme4 formulas, model matrices, lm, logistic
// glm, lmer-style linear mixed models, ARIMA, causal estimators (CUPED, DiD, ANCOVA), the
// bootstrap and a Gibbs sampler. The public API; re-exports only.
export type { Formula, FormulaExpr, Span, BinaryOp } from "./formula/formula-ast.js";
export { FormulaSyntaxError } from "./formula/formula-syntax-error.js";
export { parseFormula } from "./formula/parse-formula.js";
export { deparseExpression } from "./formula/deparse-expression.js";
export { expandTerms } from "./formula/expand-terms.js";
export type { FormulaVariable, ModelTerm, TermsObject } from "./formula/expand-terms.js";
export { randomTerms } from "./formula/random-terms.js";
export type { RandomTerm } from "./formula/random-terms.js";
export { parseModelFormula, specificationSummary } from "./formula/model-formula.js";
export type { ModelFormula, SpecificationSummary } from "./formula/model-formula.js";
export { buildModelFrame } from "./formula/model-frame.js";
export type { DataRows, FrameVariable, ModelFrame } from "./formula/model-frame.js";
export { buildModelMatrix, applyMatrixEncoding } from "./formula/model-matrix.js";
export type { DesignMatrix, MatrixEncoding } from "./formula/model-matrix.js";
export { prepareModelData } from "./formula/model-data.js";
export type { ModelData } from "./formula/model-data.js";
export type { CoefficientRow } from "./inference/coefficient-table.js";
export type { ResidualSummary } from "./inference/residual-summary.js";
export { fitLinearModel } from "./linear/fit-linear-model.js";
export type { LinearModelFit, LinearModelOptions } from "./linear/fit-linear-model.js";
export { predictLinearModel } from "./linear/predict-linear-model.js";
export type { IntervalKind, PredictionRow } from "./linear/predict-linear-model.js";
export { fitLogisticRegression } from "./linear/fit-logistic-regression.js";
export { predictLogisticRegression } from "./linear/predict-logistic-regression.js";
export type { LogisticPredictionRow } from "./linear/predict-logistic-regression.js";
export type { LogisticRegressionFit, LogisticRegressionOptions } from "./linear/fit-logistic-regression.js";
export { fitLinearMixedModel } from "./mixed/fit-linear-mixed-model.js";
export { predictLinearMixedModel } from "./mixed/predict-linear-mixed-model.js";
export type { MixedPredictionOptions } from "./mixed/predict-linear-mixed-model.js";
export type {
  ConditionalMode,
  LinearMixedModelFit,
  LinearMixedModelOptions,
  MixedPValueMethod,
  RandomEffectCorrelation,
  VarianceComponent,
} from "./mixed/fit-linear-mixed-model.js";
export { boundedNelderMead } from "./optimize/bounded-nelder-mead.js";
export type { NelderMeadOptions, NelderMeadResult } from "./optimize/bounded-nelder-mead.js";
export { fitArima } from "./timeseries/fit-arima.js";
export type { ArimaCoefficient, ArimaFit, ArimaForecastRow, ArimaOptions } from "./timeseries/fit-arima.js";
export { fitLocalLevelModel, fitTimeSeriesModel } from "./timeseries/fit-time-series-model.js";
export type { LocalLevelStructure, TimeSeriesModelOptions, TimeStructure } from "./timeseries/fit-time-series-model.js";
export { fitLocalLevel, type LocalLevelFit, type LocalLevelForecastRow, type LocalLevelOptions } from "./timeseries/local-level.js";
export { ljungBox, autocorrelations } from "./timeseries/ljung-box.js";
export type { LjungBoxResult } from "./timeseries/ljung-box.js";
export { chiSquareUpper } from "./inference/chi-square.js";
export { fitCausalModel } from "./causal/fit-causal-model.js";
export type { CausalFit, CausalMethod, CausalModelOptions } from "./causal/fit-causal-model.js";
export { cupedEstimate } from "./causal/cuped.js";
export type { CupedResult } from "./causal/cuped.js";
export { clusterRobustCovariance } from "./causal/cluster-robust-covariance.js";
export { bcaInterval, jackknifeAcceleration, normalInterpolatedQuantiles, percentileInterval } from "./bootstrap/bootstrap-intervals.js";
export type { BcaInterval } from "./bootstrap/bootstrap-intervals.js";
export { bootstrapCoefficients } from "./bootstrap/bootstrap-coefficients.js";
export type { BootstrapOptions, BootstrapResult, BootstrapRow } from "./bootstrap/bootstrap-coefficients.js";
export { bootstrapRegression } from "./bootstrap/bootstrap-regression.js";
export type { RegressionBootstrapOptions } from "./bootstrap/bootstrap-regression.js";
export { bootstrapLinearMixedModel } from "./bootstrap/bootstrap-linear-mixed-model.js";
export type { MixedBootstrapOptions, MixedBootstrapResult, MixedBootstrapRow } from "./bootstrap/bootstrap-linear-mixed-model.js";
export { gibbsRandomIntercept } from "./bayes/gibbs-random-intercept.js";
export type { GibbsOptions, GibbsResult, PosteriorRow } from "./bayes/gibbs-random-intercept.js";
export { effectiveSampleSize, splitRhat } from "./bayes/mcmc-diagnostics.js";
export { fitBayesianRandomIntercept } from "./bayes/fit-bayesian-random-intercept.js";
export type { BayesianRandomInterceptFit } from "./bayes/fit-bayesian-random-intercept.js";
export { gibbsLinearMixedModel } from "./bayes/gibbs-linear-mixed-model.js";
export type { GibbsRandomTerm, MixedGibbsOptions, MixedGibbsResult, MixedParameterKind, MixedPosteriorRow } from "./bayes/gibbs-linear-mixed-model.js";
export { fitBayesianLinearMixedModel } from "./bayes/fit-bayesian-linear-mixed-model.js";
export type { BayesianLinearMixedModelFit } from "./bayes/fit-bayesian-linear-mixed-model.js";
export { inverseWishartDraw } from "./bayes/inverse-wishart-draw.js";
export type { InverseWishartDraw } from "./bayes/inverse-wishart-draw.js";
export { summarizeDraws } from "./bayes/posterior-summary.js";
