import type { StudyView } from '../../../src/study/study-view';
import { FrozenTrial } from '../../../src/trial/frozen-trial';
import type { JsonValue } from '../../../src/trial/json';
import type { StudyDirection, TrialState } from '../../../src/trial/state';
import { curveEntries, type Curve } from './run-curves';

export interface TrialSpec {
  readonly state?: TrialState;
  readonly values?: Curve;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
}

/** A hand-made frozen trial: COMPLETE by default, its value the last reported one. */
export function frozenTrial(number: number, spec: TrialSpec = {}): FrozenTrial {
  const entries = curveEntries(spec.values ?? []);
  const inter = new Map(entries);
  const state = spec.state ?? 'COMPLETE';
  const last = entries.length === 0 ? null : (entries[entries.length - 1] as [number, number])[1];
  return new FrozenTrial({
    trialId: number + 1000,
    number,
    state,
    values: state === 'COMPLETE' && last !== null ? [last] : null,
    params: {},
    distributions: {},
    intermediateValues: inter,
    userAttrs: {},
    systemAttrs: spec.systemAttrs ?? {},
    datetimeStart: null,
    datetimeComplete: null,
  });
}

/** A study view over a fixed list of trials that records system-attribute writes as the engine would. */
export class FakeStudy implements StudyView {
  readonly seed = 0;
  readonly systemAttrs = {};
  readonly writes: [number, string, JsonValue][] = [];
  stopped = false;

  constructor(
    public trials: FrozenTrial[],
    readonly directions: readonly StudyDirection[] = ['minimize'],
    readonly studyName = 'fake',
  ) {}

  getTrials(options: { states?: readonly TrialState[] } = {}): readonly FrozenTrial[] {
    const { states } = options;
    return states === undefined ? this.trials.slice() : this.trials.filter((t) => states.includes(t.state));
  }

  stop(): void {
    this.stopped = true;
  }

  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    this.writes.push([trialNumber, key, value]);
    this.trials = this.trials.map((t) =>
      t.number === trialNumber ? new FrozenTrial({ ...t, systemAttrs: { ...t.systemAttrs, [key]: value } }) : t,
    );
  }
}

/** A view without the write hook, as the engine is before the "Epoch budgets" change. */
export function readOnly(study: FakeStudy): StudyView {
  return {
    studyName: study.studyName,
    directions: study.directions,
    seed: study.seed,
    systemAttrs: study.systemAttrs,
    getTrials: (o) => study.getTrials(o),
    stop: () => study.stop(),
  };
}
