// Network experiments (packages/core/src/network): graph building and storage, clustering,
// cluster randomisation, exposure mapping, spillover estimation and the interference test.
// The public API. Re-exports only.
export { CLUSTERING_METHODS, EXPOSURE_CONDITIONS, TREATED_EXPOSED, TREATED_UNEXPOSED, CONTROL_EXPOSED, CONTROL_UNEXPOSED } from "./types.js";
export type {
  Clustering,
  ClusteringMethod,
  ClusterAssignmentScheme,
  ComponentSummary,
  EffectEstimate,
  ExposureCondition,
  GraphBuildReport,
  NetworkEdgeInput,
  NetworkGraph,
  NetworkNodeInput,
  SpilloverEstimator,
  SpilloverModel,
  VarianceMethod,
} from "./types.js";
export { buildNetworkGraph } from "./build-graph.js";
export type { BuildGraphOptions } from "./build-graph.js";
export type { DuplicateEdgePolicy } from "./compressed-sparse-rows.js";
export { connectedComponents } from "./connected-components.js";
export { encodeNetworkGraph, decodeNetworkGraph } from "./graph-codec.js";
export type { WeightEncoding } from "./graph-codec.js";
export { toGraphology } from "./to-graphology.js";
export { modularity } from "./modularity.js";
export { clusteringFromLabels, assertPartition } from "./partition.js";
export { louvainClustering } from "./louvain-clustering.js";
export type { LouvainOptions } from "./louvain-clustering.js";
export { givenClustering } from "./given-clustering.js";
export { threeNetClustering } from "./three-net-clustering.js";
export { clusterGraph } from "./cluster-graph.js";
export type { ClusterGraphOptions } from "./cluster-graph.js";
export { randomizeClusters, clusterRandomizationScheme, shuffleInPlace } from "./cluster-randomization.js";
export type { ClusterRandomizationOptions } from "./cluster-randomization.js";
export {
  designNetworkExperiment,
  designNetworkExperimentDetailed,
  networkRng,
  validateTreatments,
  DEFAULT_TREATMENTS,
} from "./design-network-experiment.js";
export type { DetailedNetworkDesign, NetworkCluster, NetworkDesign, NetworkDesignOptions } from "./design-network-experiment.js";
export {
  createExposureModel,
  createExposureWorkspace,
  computeExposure,
  exposureInto,
  validateSpilloverModel,
  EXPOSURE_TOLERANCE,
} from "./exposure-model.js";
export type { ExposureModel, ExposureModelOptions, ExposureWorkspace } from "./exposure-model.js";
export { conditionCode, conditionsInto, exposureConditions } from "./exposure-conditions.js";
export { estimateExposureProbabilities } from "./exposure-probabilities.js";
export type { ExposureProbabilities, ExposureProbabilityOptions } from "./exposure-probabilities.js";
export { aronowSamiiVariance } from "./aronow-samii-variance.js";
export type { AronowSamiiInput } from "./aronow-samii-variance.js";
export { clusterRobustVariance } from "./cluster-variance.js";
export { estimateContrast, estimateSpilloverEffects, countByCondition, Z_975 } from "./spillover-estimators.js";
export type { ContrastData, ContrastEstimate, ContrastOptions as SpilloverContrastOptions, SpilloverEffects } from "./spillover-estimators.js";
export { measureSpillover, outcomeVector } from "./measure-spillover.js";
export type { SpilloverMeasurement, SpilloverMeasurementRequest, SpilloverOptions } from "./measure-spillover.js";
export { twoStageRandomization } from "./two-stage-design.js";
export type { TwoStageDesign } from "./two-stage-design.js";
export { interferenceTest } from "./interference-test.js";
export type { ArmEstimate as InterferenceArmEstimate, InterferenceTestResult } from "./interference-test.js";
export { plantedPartitionGraph } from "./planted-partition.js";
export type { PlantedPartitionGraph, PlantedPartitionOptions } from "./planted-partition.js";
