import type { Distribution, ParamValue } from '../space/distributions';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { TrialState } from '../trial/state';

/** Constraint values of a finished trial, ≤ 0 feasible (Optuna's `constraints_func`). */
export type ConstraintsFunc = (trial: FrozenTrial) => readonly number[];

/**
 * The sampler contract (Optuna's): a joint ("relative") sample over the search space the sampler
 * has learned from earlier trials, taken once when a trial starts, and an independent sample for
 * each parameter outside that space, taken as the objective calls `suggest*`.
 */
export interface Sampler {
  /** Called by the study with its seed; a sampler built without its own seed derives from it. */
  bindStudySeed?(seed: number): void;
  /** The joint space to sample at trial start; `{}` for independent samplers. */
  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution>;
  /** Joint values for (a subset of) `searchSpace`. May be async (GP on tensors). */
  sampleRelative(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): Record<string, ParamValue> | Promise<Record<string, ParamValue>>;
  /** One value for a parameter the relative sample did not cover. Synchronous: `suggest*` is. */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue;
  /** Before the relative sample. */
  beforeTrial?(study: StudyView, trial: FrozenTrial): void | Promise<void>;
  /**
   * Constraint values of a trial about to end COMPLETE or PRUNED (≤ 0 feasible): Optuna's
   * `constraints_func`, which samplers that use constraints take as `constraintsFunc`. The study
   * records them as the trial's system attribute `constraints` before it stores the end, so every
   * process sees them with the trial. A throw, or anything but an array of finite numbers,
   * fails the trial.
   */
  evaluateConstraints?(trial: FrozenTrial): readonly number[];
  /** After the trial has finished and been stored. */
  afterTrial?(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | null): void;
  /**
   * For finite samplers (grid): the total number of trials the study should hold. Enforced by the
   * storage when it numbers a new trial, so several processes together never exceed it.
   */
  maxTrials?(study: StudyView): number | undefined;
}
