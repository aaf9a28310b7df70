import { TrialPruned } from '../../../src/errors';
import type { Pruner } from '../../../src/pruners/base';
import { createStudy } from '../../../src/study/create-study';
import type { Study } from '../../../src/study/study';
import type { StudyDirection } from '../../../src/trial/state';
import { silentLogger } from '../../../src/util/logger';

/** Values by step: an array means steps 0, 1, 2, ...; a record gives the steps explicitly. */
export type Curve = readonly number[] | Readonly<Record<number, number>>;

export function curveEntries(curve: Curve): [number, number][] {
  return Array.isArray(curve)
    ? (curve as readonly number[]).map((v, i): [number, number] => [i, v])
    : Object.entries(curve).map(([k, v]): [number, number] => [Number(k), v]);
}

/**
 * Runs a real in-memory study with `study.optimize`: trial k reports `curves[k]` step by step and
 * asks `shouldPrune()` after each report, as a training loop would.
 */
export async function runCurves(
  pruner: Pruner,
  curves: readonly Curve[],
  options: { direction?: StudyDirection; studyName?: string } = {},
): Promise<Study> {
  const study = await createStudy({
    pruner,
    direction: options.direction ?? 'minimize',
    studyName: options.studyName ?? 'curves',
    seed: 0,
    logger: silentLogger,
  });
  await study.optimize(
    (trial) => {
      const entries = curveEntries(curves[trial.number] ?? []);
      let last = NaN;
      for (const [step, value] of entries) {
        last = value;
        trial.report(value, step);
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      return last;
    },
    { nTrials: curves.length },
  );
  return study;
}
