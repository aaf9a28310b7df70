import { InvalidArgumentError } from '../errors';
import { hypervolume as exactHypervolume } from '../samplers/hypervolume/exact';
import { dominates, isFeasible } from '../study/multi-objective';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';

/**
 * The hypervolume of `points` against `reference`, every objective minimised (Optuna's
 * `compute_hypervolume`): the volume the points dominate inside the box the reference bounds.
 * Exact for any number of objectives (2-D and 3-D sweeps, WFG beyond); a point that does not
 * dominate the reference adds nothing.
 *
 * @example
 * ```ts
 * tune.analysis.hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]); // 6
 * ```
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  if (
    !Array.isArray(reference) ||
    reference.length === 0 ||
    !reference.every((v) => typeof v === 'number' && !Number.isNaN(v))
  ) {
    throw new InvalidArgumentError('hypervolume reference', reference, 'a non-empty array of numbers');
  }
  if (!Array.isArray(points)) throw new InvalidArgumentError('hypervolume points', points, 'an array of points');
  points.forEach((p, i) => {
    if (
      !Array.isArray(p) ||
      p.length !== reference.length ||
      !p.every((v) => typeof v === 'number' && !Number.isNaN(v))
    ) {
      throw new InvalidArgumentError(`hypervolume points[${i}]`, p, `an array of ${reference.length} numbers`);
    }
  });
  return exactHypervolume(points, reference);
}

/** A study's hypervolume after each completed trial (Optuna's hypervolume history plot data). */
export interface HypervolumeHistory {
  readonly trialNumbers: number[];
  readonly values: number[];
}

/**
 * The hypervolume of the study's feasible Pareto front after each completed trial, in trial
 * order, against `reference` given in the study's own directions (a maximised objective's
 * reference is a value below everything that counts). Infeasible trials never add volume.
 */
export function hypervolumeHistory(
  study: Pick<StudyView, 'directions' | 'getTrials'>,
  reference: readonly number[],
): HypervolumeHistory {
  const directions = study.directions;
  if (!Array.isArray(reference) || reference.length !== directions.length || !reference.every(Number.isFinite)) {
    throw new InvalidArgumentError(
      'hypervolumeHistory reference',
      reference,
      `${directions.length} finite numbers (one per objective)`,
    );
  }
  const signs = directions.map((d) => (d === 'maximize' ? -1 : 1));
  const ref = reference.map((r, j) => (signs[j] as number) * r);
  const out: HypervolumeHistory = { trialNumbers: [], values: [] };
  let front: FrozenTrial[] = [];
  let volume = 0;
  for (const t of study.getTrials({ states: ['COMPLETE'] })) {
    out.trialNumbers.push(t.number);
    const values = t.values ?? [];
    if (isFeasible(t) && !front.some((o) => dominates(o.values ?? [], values, directions))) {
      front = [...front.filter((o) => !dominates(values, o.values ?? [], directions)), t];
      volume = exactHypervolume(
        front.map((o) => (o.values ?? []).map((v, j) => (signs[j] as number) * v)),
        ref,
      );
    }
    out.values.push(volume);
  }
  return out;
}
