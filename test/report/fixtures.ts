import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  type Distribution,
  type ParamValue,
} from '../../src/space/distributions';
import { FrozenTrial } from '../../src/trial/frozen-trial';
import type { JsonValue } from '../../src/trial/json';
import type { StudyDirection, TrialState } from '../../src/trial/state';
import type { StudySnapshot } from '../../src/report/snapshot';

export const X = new FloatDistribution(-10, 10);
export const LR = new FloatDistribution(1e-4, 1e-1, true);
export const UNITS = new IntDistribution(8, 64);
export const ACT = new CategoricalDistribution(['relu', 'tanh', '<script>alert(1)</script>']);

const T0 = Date.UTC(2026, 0, 1);

export interface TrialSpec {
  number: number;
  state?: TrialState;
  values?: number[] | null;
  params?: Record<string, [ParamValue, Distribution]>;
  steps?: Record<number, number>;
  userAttrs?: Record<string, JsonValue>;
  systemAttrs?: Record<string, JsonValue>;
  /** Seconds after T0; defaults to number * 10 .. number * 10 + 5. */
  start?: number | null;
  end?: number | null;
}

/** A FrozenTrial as a storage would hand it out, with only what the test cares about. */
export function trial(s: TrialSpec): FrozenTrial {
  const state = s.state ?? 'COMPLETE';
  const params: Record<string, ParamValue> = {};
  const distributions: Record<string, Distribution> = {};
  for (const [k, [v, d]] of Object.entries(s.params ?? {})) {
    params[k] = v;
    distributions[k] = d;
  }
  const start = s.start === undefined ? s.number * 10 : s.start;
  const end = s.end === undefined ? (state === 'RUNNING' || state === 'WAITING' ? null : s.number * 10 + 5) : s.end;
  return new FrozenTrial({
    trialId: s.number,
    number: s.number,
    state,
    values: s.values === undefined ? (state === 'COMPLETE' ? [s.number] : null) : s.values,
    params,
    distributions,
    intermediateValues: new Map(Object.entries(s.steps ?? {}).map(([k, v]) => [Number(k), v])),
    userAttrs: s.userAttrs ?? {},
    systemAttrs: s.systemAttrs ?? {},
    datetimeStart: start === null ? null : new Date(T0 + start * 1000),
    datetimeComplete: end === null ? null : new Date(T0 + end * 1000),
  });
}

export function study(
  trials: FrozenTrial[],
  directions: StudyDirection[] = ['minimize'],
  studyName = 'test',
): StudySnapshot {
  return { studyName, directions, trials };
}
