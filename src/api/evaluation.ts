/**
 * Evaluation and use of a trained model: a model with the preprocessing it was trained with
 * (`TrainedModel`, `loadTrainedModel`), its scores on held-out data (accuracy, loss, per-class
 * precision / recall / F1, the confusion matrix; MSE, MAE and R² for regression), refit on train +
 * validation, and export as a stock tfjs layers model (`tune.evaluation`).
 * @module evaluation
 */
export { TrainedModel, loadTrainedModel, PREPROCESS_FILE } from '../training/evaluate/trained-model';
export { classificationScores, regressionScores } from '../training/evaluate/metrics';
export type {
  ClassScores,
  ClassificationScores,
  EvaluationScores,
  RegressionScores,
} from '../training/evaluate/metrics';
export { exportLayersModel, stockTopology } from '../training/evaluate/export-layers-model';
export { refitModel } from '../training/refit';
export type { RefitOptions } from '../training/refit';
