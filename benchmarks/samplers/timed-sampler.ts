import type { Sampler } from '../../src/samplers/base';
import type { Distribution, ParamValue } from '../../src/space/distributions';
import type { StudyView } from '../../src/study/study-view';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import type { TrialState } from '../../src/trial/state';

/**
 * Forwards every call to a sampler and adds up the time spent inside it, per trial number: the
 * sampler's own cost, without the storage's or the objective's.
 */
export class TimedSampler implements Sampler {
  readonly perTrial = new Map<number, number>();

  /** The inner sampler's constraints hook, when it has one (untimed: the user's function runs there). */
  readonly evaluateConstraints?: (trial: FrozenTrial) => readonly number[];

  constructor(private readonly inner: Sampler) {
    const evaluate = inner.evaluateConstraints?.bind(inner);
    if (evaluate !== undefined) this.evaluateConstraints = evaluate;
  }

  private add(trial: number, t0: number): void {
    this.perTrial.set(trial, (this.perTrial.get(trial) ?? 0) + performance.now() - t0);
  }

  bindStudySeed(seed: number): void {
    this.inner.bindStudySeed?.(seed);
  }

  maxTrials(study: StudyView): number | undefined {
    return this.inner.maxTrials?.(study);
  }

  inferRelativeSearchSpace(study: StudyView, trial: FrozenTrial): Record<string, Distribution> {
    const t0 = performance.now();
    try {
      return this.inner.inferRelativeSearchSpace(study, trial);
    } finally {
      this.add(trial.number, t0);
    }
  }

  async sampleRelative(
    study: StudyView,
    trial: FrozenTrial,
    searchSpace: Record<string, Distribution>,
  ): Promise<Record<string, ParamValue>> {
    const t0 = performance.now();
    try {
      return await this.inner.sampleRelative(study, trial, searchSpace);
    } finally {
      this.add(trial.number, t0);
    }
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    const t0 = performance.now();
    try {
      return this.inner.sampleIndependent(study, trial, name, distribution);
    } finally {
      this.add(trial.number, t0);
    }
  }

  async beforeTrial(study: StudyView, trial: FrozenTrial): Promise<void> {
    const t0 = performance.now();
    try {
      await this.inner.beforeTrial?.(study, trial);
    } finally {
      this.add(trial.number, t0);
    }
  }

  afterTrial(study: StudyView, trial: FrozenTrial, state: TrialState, values: readonly number[] | null): void {
    const t0 = performance.now();
    try {
      this.inner.afterTrial?.(study, trial, state, values);
    } finally {
      this.add(trial.number, t0);
    }
  }
}
