/**
 * Errors: one root class, `TfjsTuneError`; each subclass names the field and quotes the bad value
 * (`tune.errors`). `TrialPruned` is also at the top level, as in Optuna.
 * @module errors
 */
export {
  TfjsTuneError,
  InvalidArgumentError,
  TrialPruned,
  NoCompletedTrialsError,
  StudyNotFoundError,
  DuplicatedStudyError,
  TrialFinishedError,
  StorageError,
} from '../errors';
export { BackendUnavailableError } from '../training/backend';
export { DatasetFormatError } from '../../datasets/errors';
