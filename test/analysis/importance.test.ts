import * as tune from '../../src';
import type { DistributionJson } from '../../src/space/distributions';
import fixtures from './fixtures/importance-optuna.json';

const { FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator, PedAnovaImportanceEvaluator } =
  tune.importance;

interface Row {
  readonly params: Record<string, number | string>;
  readonly value: number;
}

/** A study holding exactly these trials (enqueued, then asked and told). */
async function studyOf(
  distributions: Record<string, DistributionJson>,
  rows: readonly Row[],
  options: { directions?: ('minimize' | 'maximize')[] } = {},
): Promise<tune.Study> {
  const study = await tune.createStudy({ seed: 0, ...(options.directions ? { directions: options.directions } : {}) });
  for (const row of rows) {
    await study.enqueueTrial(row.params);
    const trial = await study.ask();
    for (const [name, d] of Object.entries(distributions).sort()) {
      if (d.type === 'categorical') trial.suggestCategorical(name, d.choices);
      else if (d.type === 'int') trial.suggestInt(name, d.low, d.high, { log: d.log, step: d.step });
      else trial.suggestFloat(name, d.low, d.high, { log: d.log, ...(d.step !== null ? { step: d.step } : {}) });
    }
    await study.tell(trial, options.directions && options.directions.length > 1 ? [row.value, -row.value] : row.value);
  }
  return study;
}

type Problem = (typeof fixtures)['optuna-docstring'];
const problems = Object.entries(fixtures) as [string, Problem][];

function ranks(m: ReadonlyMap<string, number> | Record<string, number>): string[] {
  const entries: [string, number][] = m instanceof Map ? [...(m as ReadonlyMap<string, number>)] : Object.entries(m);
  return entries.sort((a, b) => b[1] - a[1]).map(([k]) => k);
}

/** x decides the value; y is drawn but never used. */
function ignoredParamRows(n: number): Row[] {
  const rng = new tune.Rng(7);
  return Array.from({ length: n }, () => {
    const x = rng.uniform(-3, 3);
    return { params: { x, y: rng.uniform(-3, 3) }, value: x * x };
  });
}
const ignoredSpace: Record<string, DistributionJson> = {
  x: { type: 'float', low: -3, high: 3, log: false, step: null },
  y: { type: 'float', low: -3, high: 3, log: false, step: null },
};

describe('parameter importance', () => {
  it.each(problems)('PED-ANOVA gives current Optuna’s numbers on %s', async (_name, p) => {
    const study = await studyOf(p.distributions as Record<string, DistributionJson>, p.trials);
    const ours = tune.importance.getParamImportances(study, { evaluator: new PedAnovaImportanceEvaluator() });
    for (const [param, theirs] of Object.entries(p.pedanova)) expect(ours.get(param)).toBeCloseTo(theirs, 6);
    // PED-ANOVA is the default, as in Optuna 5.0.
    expect([...tune.importance.getParamImportances(study)]).toEqual([...ours]);
  });

  it.each(problems)(
    'fANOVA and MDI rank parameters as Optuna 3.1 does on %s (means over 5 seeds)',
    async (_name, p) => {
      const study = await studyOf(p.distributions as Record<string, DistributionJson>, p.trials);
      for (const [key, Evaluator] of [
        ['fanova', FanovaImportanceEvaluator],
        ['mdi', MeanDecreaseImpurityImportanceEvaluator],
      ] as const) {
        const mean = new Map<string, number>();
        for (let seed = 0; seed < 5; seed++) {
          const one = tune.importance.getParamImportances(study, { evaluator: new Evaluator({ seed }) });
          for (const [k, v] of one) mean.set(k, (mean.get(k) ?? 0) + v / 5);
        }
        const theirs = p[key] as Record<string, number>;
        // The two forests differ in their random draws only: shares agree within a few points.
        for (const [param, v] of Object.entries(theirs))
          expect(Math.abs((mean.get(param) as number) - v)).toBeLessThan(0.05);
        expect(ranks(mean).slice(0, 2)).toEqual(ranks(theirs).slice(0, 2));
      }
    },
  );

  it('ranks a parameter the objective ignores last, with every evaluator', async () => {
    const study = await studyOf(ignoredSpace, ignoredParamRows(60));
    for (const evaluator of [
      new FanovaImportanceEvaluator({ seed: 3 }),
      new MeanDecreaseImpurityImportanceEvaluator({ seed: 3 }),
      new PedAnovaImportanceEvaluator(),
    ]) {
      const importances = tune.importance.getParamImportances(study, { evaluator });
      expect([...importances.keys()]).toEqual(['x', 'y']);
      expect([...importances.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    const fanova = tune.importance.getParamImportances(study, { evaluator: new FanovaImportanceEvaluator() });
    expect(fanova.get('y')).toBeLessThan(0.02);
  });

  it('is reproducible with a seed, and the seed is what changes a forest', async () => {
    const study = await studyOf(ignoredSpace, ignoredParamRows(40));
    const run = (seed: number): number[] => [
      ...new FanovaImportanceEvaluator({ seed, nTrees: 8 }).evaluate(study, {}).values(),
    ];
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('follows Optuna on params, target, normalize and several objectives', async () => {
    const rows = ignoredParamRows(30);
    const study = await studyOf(ignoredSpace, rows, { directions: ['minimize', 'maximize'] });
    const fanova = new FanovaImportanceEvaluator({ nTrees: 8 });
    expect(() => tune.importance.getParamImportances(study, { evaluator: fanova })).toThrow(/target/);
    expect(() => tune.importance.getParamImportances(study)).toThrow(/target/);
    const target = (t: tune.FrozenTrial): number => (t.values as number[])[0] as number;
    const onX = tune.importance.getParamImportances(study, { evaluator: fanova, target, params: ['x'] });
    expect([...onX]).toEqual([['x', 1]]);
    const raw = tune.importance.getParamImportances(study, { evaluator: fanova, target, normalize: false });
    expect([...raw.values()].reduce((a, b) => a + b, 0)).toBeLessThan(1.0000001);
    expect(() => tune.importance.getParamImportances(study, { evaluator: fanova, target, params: ['lr'] })).toThrow(
      /params.*missing: lr/,
    );
    expect(() => new PedAnovaImportanceEvaluator({ targetQuantile: 0.5, regionQuantile: 0.2 })).toThrow(
      /targetQuantile/,
    );
    expect(() => new FanovaImportanceEvaluator({ nTrees: 0 })).toThrow(/nTrees/);
  });

  it('scores a single-valued parameter 0 and gives equal shares when nothing can be told apart', async () => {
    const study = await studyOf(
      { ...ignoredSpace, fixed: { type: 'int', low: 4, high: 4, log: false, step: 1 } },
      ignoredParamRows(20).map((r) => ({ ...r, params: { ...r.params, fixed: 4 } })),
    );
    const importances = tune.importance.getParamImportances(study, { evaluator: new FanovaImportanceEvaluator() });
    expect(importances.get('fixed')).toBe(0);
    const one = await studyOf(ignoredSpace, ignoredParamRows(1));
    expect([...tune.importance.getParamImportances(one, { evaluator: new FanovaImportanceEvaluator() })]).toEqual([
      ['x', 0.5],
      ['y', 0.5],
    ]);
  });
});

describe('importance per objective', () => {
  it('ranks, for each objective, the parameter it depends on first (directions respected)', async () => {
    const study = await tune.createStudy({ seed: 0, directions: ['minimize', 'maximize'] });
    const rng = new tune.Rng(11);
    for (let i = 0; i < 100; i++) {
      const x = rng.uniform(-3, 3);
      const y = rng.uniform(-3, 3);
      await study.enqueueTrial({ x, y });
      const trial = await study.ask();
      trial.suggestFloat('x', -3, 3);
      trial.suggestFloat('y', -3, 3);
      // The second objective's worst trials are set by x, its best by y: only the right sign ranks y first.
      await study.tell(trial, [x * x, -(y * y) - (x > 2 ? 20 : 0)]);
    }
    // PED-ANOVA (the default) looks at the best trials, so it sees the direction; fANOVA would rank x
    // first for both (the drop of 20 is most of the second objective's variance).
    const [first, second] = tune.importance.getParamImportancesPerObjective(study);
    expect(ranks(first!)).toEqual(['x', 'y']);
    expect(ranks(second!)).toEqual(['y', 'x']);
    expect(() => tune.importance.getParamImportancesPerObjective(study, { target: () => 0 } as never)).toThrow(
      /getParamImportancesPerObjective target: .*left out/,
    );
  });
});
