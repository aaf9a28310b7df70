/**
 * Ensemble selection over a tuned study (Caruana et al. 2004, as auto-sklearn does): a greedy,
 * weighted average of the best trials' models, chosen on the validation split, used and saved like
 * one model (`tune.ensemble`).
 * @module ensemble
 */
export { selectEnsemble as select, ensembleCandidates } from '../training/ensemble/select-ensemble';
export type { EnsembleSource, SelectEnsembleOptions } from '../training/ensemble/select-ensemble';
export { EnsembleModel } from '../training/ensemble/ensemble-model';
export type { EnsembleInfo, EnsembleMember } from '../training/ensemble/ensemble-model';
export {
  saveEnsemble as save,
  loadEnsemble as load,
  isEnsembleDir,
  ENSEMBLE_FILE,
  ENSEMBLE_GRAPH_FOLDER,
} from '../training/ensemble/ensemble-file';
export { greedySelection, scorePredictions, betterScore } from '../training/ensemble/greedy-selection';
export type {
  EnsembleMetric,
  EnsembleScore,
  GreedySelection,
  SelectionTargets,
} from '../training/ensemble/greedy-selection';
