import * as tune from '../../../src';
import { ParzenEstimator } from '../../../src/samplers/tpe/parzen-estimator';
import { TPESampler } from '../../../src/samplers/tpe/sampler';

const quiet = { logger: tune.logging.silentLogger };

afterEach(() => jest.restoreAllMocks());

async function studyWith(objective: tune.Objective, nTrials: number): Promise<tune.Study> {
  const study = await tune.createStudy({ sampler: new TPESampler({ seed: 3, nStartupTrials: 5 }), seed: 0, ...quiet });
  await study.optimize(objective, { nTrials });
  return study;
}

describe('TPESampler candidate scoring (Optuna semantics)', () => {
  it('scores a log int candidate at the log of its rounded value, as Optuna does', async () => {
    const study = await studyWith((t) => Math.abs(Math.log(t.suggestInt('n', 1, 20, { log: true }) / 4)), 8);
    const spy = jest.spyOn(ParzenEstimator.prototype, 'logPdf');
    const trial = await study.ask();
    const n = trial.suggestInt('n', 1, 20, { log: true });
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [points, count] of spy.mock.calls) {
      const xs = (points as Float64Array[])[0] as Float64Array;
      for (let i = 0; i < count; i++) {
        const v = Math.exp(xs[i] as number);
        expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-9);
      }
    }
    expect(Number.isInteger(n)).toBe(true);
  });

  it('scores equal but for rounding count as a tie: the first candidate drawn wins', async () => {
    const study = await studyWith((t) => (t.suggestCategorical('c', ['a', 'b', 'c']) === 'a' ? 0 : 1), 8);
    // Candidates 'c', 'b', 'a'; 'b' beats 'c' by a rounding error only, 'a' is clearly worse.
    jest
      .spyOn(ParzenEstimator.prototype, 'sample')
      .mockImplementation((_rng, size) => [Float64Array.from({ length: size }, (_, i) => 2 - Math.min(i, 2))]);
    let call = 0;
    jest.spyOn(ParzenEstimator.prototype, 'logPdf').mockImplementation((_points, size) => {
      const below = call++ % 2 === 0;
      return Float64Array.from(
        { length: size },
        (_, i) => (below ? [0.3, 0.3 + 1e-16 * 4, -5][Math.min(i, 2)] : 0) as number,
      );
    });
    const trial = await study.ask();
    expect(trial.suggestCategorical('c', ['a', 'b', 'c'])).toBe('c');
  });
});
