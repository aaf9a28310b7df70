/** Small helpers the sampler quality tests share. */
import * as tune from '../../src';

/** The Branin function; its minimum is 0.397887 (at three points). */
export function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A silent in-memory study (seed 0 unless `extra` says otherwise) after `nTrials` of `objective`. */
export async function runStudy(
  sampler: tune.samplers.Sampler,
  objective: tune.Objective,
  nTrials: number,
  extra: Partial<tune.CreateStudyOptions> = {},
): Promise<tune.Study> {
  const study = await tune.createStudy({ sampler, seed: 0, logger: tune.logging.silentLogger, ...extra });
  await study.optimize(objective, { nTrials });
  return study;
}
