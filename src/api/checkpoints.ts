/**
 * Checkpoints: a tfjs model with its optimizer state, written atomically to a folder, and weight
 * copies between live models (`tune.checkpoints`).
 * @module checkpoints
 */
export { saveCheckpoint, loadCheckpoint } from '../training/checkpoint/save-load';
export type { LoadCheckpointOptions, LoadedCheckpoint, SaveCheckpointOptions } from '../training/checkpoint/save-load';
export { CheckpointHandler, readCheckpoint } from '../training/checkpoint/file-handler';
export type { CheckpointExtras, ReadCheckpoint } from '../training/checkpoint/file-handler';
export type { CheckpointInfo } from '../training/checkpoint/format';
export { copyWeights } from '../training/checkpoint/copy-weights';
export type { CopyWeightsOptions } from '../training/checkpoint/copy-weights';
