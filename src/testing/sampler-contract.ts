/**
 * The behaviour every sampler owes a study (after Optuna's `pytest_samplers.py`): values inside
 * every kind of distribution, conditional and changing spaces, reproducibility by seed, concurrency,
 * and objectives that fail or prune. Call it from each sampler's test file:
 *
 *   describeSamplerContract('TPESampler', (seed) => new tune.samplers.TPESampler({ seed }));
 */
import { describe, expect, it } from '@jest/globals';

import * as tune from '../index';

/**
 * Makes the sampler under test for one study. `space` lists, for every parameter the study's
 * objective will suggest, a few values legal in every trial: what a finite sampler (a grid) needs
 * to know up front; other samplers ignore it.
 */
export type SamplerFactory = (seed: number, space: tune.samplers.GridSearchSpace) => tune.samplers.Sampler;

export interface SamplerContractOptions {
  /** Trials per study; enough to get past a model-based sampler's random start-up. Default 30. */
  readonly nTrials?: number;
  /** Also run a two-objective study. Default true. */
  readonly multiObjective?: boolean;
}

const quiet = { logger: tune.logging.silentLogger };
const MIXED: readonly tune.distributions.CategoricalChoice[] = [1, 'a', null, true, 2.5, false];

/** Values of {@link everyKind}'s parameters (36 points; `f: 0`, `c: null`, `ilog: 1024` are enqueued). */
const EVERY_KIND: tune.samplers.GridSearchSpace = {
  f: [-3.5, 0, 7.25],
  flog: [1e-5, 1e-3],
  fstep: [0.125],
  i: [2],
  ilog: [1024],
  istep: [5],
  c: MIXED,
  b: [true],
  one: [2],
  ione: [3],
  only: ['x'],
};
const CONDITIONAL: tune.samplers.GridSearchSpace = {
  branch: ['a', 'b', 'c'],
  a_x: [-1, 0, 0.5, 1],
  b_n: [1, 8, 64],
  b_c: [0, 1],
};
/** Legal in the early ranges and in the late ones. */
const CHANGING: tune.samplers.GridSearchSpace = { x: [0.5, 0.75, 1], n: [10, 20], lr: [1e-3, 1e-2] };
const TWO_OBJECTIVES: tune.samplers.GridSearchSpace = { x: [0, 0.25, 0.5, 0.75, 1], y: [0, 0.5, 1], k: ['p', 'q'] };

/** Suggests one parameter of every kind, checks nothing; the checks read the stored trials. */
function everyKind(trial: tune.Trial): number {
  const f = trial.suggestFloat('f', -3.5, 7.25);
  const flog = trial.suggestFloat('flog', 1e-5, 0.1, { log: true });
  const fstep = trial.suggestFloat('fstep', 0, 1, { step: 0.125 });
  const i = trial.suggestInt('i', -4, 9);
  const ilog = trial.suggestInt('ilog', 1, 1024, { log: true });
  const istep = trial.suggestInt('istep', 0, 30, { step: 5 });
  const c = trial.suggestCategorical('c', MIXED);
  const b = trial.suggestCategorical('b', [true, false]);
  const one = trial.suggestFloat('one', 2, 2) + trial.suggestInt('ione', 3, 3);
  const only = trial.suggestCategorical('only', ['x']);
  return (
    (f - 1) ** 2 +
    Math.abs(Math.log10(flog) + 3) +
    fstep +
    Math.abs(i - 2) +
    Math.log2(ilog) +
    istep / 10 +
    MIXED.indexOf(c) +
    (b ? 0 : 1) +
    one +
    (only === 'x' ? 0 : 100)
  );
}

/** `v` is a number in [low, high], on the grid low + k * step unless step is 0. */
function expectOnGrid(v: unknown, low: number, high: number, step: number): void {
  expect(typeof v).toBe('number');
  const x = v as number;
  expect(x).toBeGreaterThanOrEqual(low);
  expect(x).toBeLessThanOrEqual(high);
  if (step === 0) return;
  const k = (x - low) / step;
  expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
}

function expectEveryKind(p: Readonly<Record<string, tune.distributions.ParamValue>>): void {
  expectOnGrid(p['f'], -3.5, 7.25, 0);
  expect(p['flog']).toBeGreaterThanOrEqual(1e-5);
  expect(p['flog']).toBeLessThanOrEqual(0.1);
  expectOnGrid(p['fstep'], 0, 1, 0.125);
  expect(Number.isInteger(p['i'])).toBe(true);
  expectOnGrid(p['i'], -4, 9, 1);
  expect(Number.isInteger(p['ilog'])).toBe(true);
  expectOnGrid(p['ilog'], 1, 1024, 1);
  expectOnGrid(p['istep'], 0, 30, 5);
  expect(MIXED).toContain(p['c']);
  expect([true, false]).toContain(p['b']);
  expect(p['one']).toBe(2);
  expect(p['ione']).toBe(3);
  expect(p['only']).toBe('x');
}

async function run(
  sampler: tune.samplers.Sampler,
  objective: tune.Objective,
  nTrials: number,
  extra: { concurrency?: number; directions?: tune.StudyDirection[] } = {},
): Promise<tune.Study> {
  const study = await tune.createStudy({
    sampler,
    seed: 0,
    ...(extra.directions === undefined ? {} : { directions: extra.directions }),
    ...quiet,
  });
  await study.optimize(objective, {
    nTrials,
    ...(extra.concurrency === undefined ? {} : { concurrency: extra.concurrency }),
  });
  return study;
}

/** The trials a study of `nTrials` holds: fewer when a finite sampler runs out first. */
function expectedTrials(sampler: tune.samplers.Sampler, study: tune.Study, nTrials: number): number {
  return Math.min(nTrials, sampler.maxTrials?.(study) ?? Infinity);
}

/** Whether `a` is at least as good as `b` in every objective and better in one (all minimised). */
function dominates(a: readonly number[], b: readonly number[]): boolean {
  return a.every((v, i) => v <= (b[i] as number)) && a.some((v, i) => v < (b[i] as number));
}

/**
 * Declares the sampler contract's jest tests for the samplers `makeSampler` makes (one per study).
 *
 * @example
 * ```ts
 * import { describeSamplerContract } from 'tfjs-tune/testing';
 * describeSamplerContract('MySampler', (seed) => new MySampler({ seed }), { multiObjective: false });
 * ```
 */
export function describeSamplerContract(
  name: string,
  makeSampler: SamplerFactory,
  options: SamplerContractOptions = {},
): void {
  const nTrials = options.nTrials ?? 30;

  describe(`${name} (sampler contract)`, () => {
    it('keeps every value inside its distribution: float, int, log, step, categorical, single-valued', async () => {
      const sampler = makeSampler(1, EVERY_KIND);
      const study = await run(sampler, everyKind, nTrials);
      const n = expectedTrials(sampler, study, nTrials);
      expect(study.trials.map((t) => t.state)).toEqual(new Array(n).fill('COMPLETE'));
      for (const t of study.trials) expectEveryKind(t.params);
    });

    it('samples conditional parameters only under their parent choice', async () => {
      const study = await run(
        makeSampler(2, CONDITIONAL),
        (trial) => {
          const branch = trial.suggestCategorical('branch', ['a', 'b', 'c']);
          if (branch === 'a') return (trial.suggestFloat('a_x', -1, 1) - 0.5) ** 2;
          if (branch === 'b')
            return (
              trial.suggestInt('b_n', 1, 64, { log: true }) / 64 +
              (trial.suggestCategorical('b_c', [0, 1]) === 1 ? 0 : 1)
            );
          return 2;
        },
        nTrials,
      );
      const expected: Record<string, string[]> = { a: ['a_x', 'branch'], b: ['b_c', 'b_n', 'branch'], c: ['branch'] };
      for (const t of study.trials) {
        expect(t.state).toBe('COMPLETE');
        const branch = t.params['branch'] as string;
        expect(Object.keys(t.params).sort()).toEqual(expected[branch]);
        if (branch === 'a') expectOnGrid(t.params['a_x'], -1, 1, 0);
        if (branch === 'b') expectOnGrid(t.params['b_n'], 1, 64, 1);
      }
    });

    it('follows ranges that change from trial to trial', async () => {
      const study = await run(
        makeSampler(3, CHANGING),
        (trial) => {
          const late = trial.number >= nTrials / 2;
          const x = trial.suggestFloat('x', late ? 0.5 : 0, late ? 2 : 1);
          const n = trial.suggestInt('n', late ? 10 : 0, late ? 40 : 20, { step: 2 });
          const lr = trial.suggestFloat('lr', late ? 1e-3 : 1e-4, late ? 1 : 1e-2, { log: true });
          return x + n + lr;
        },
        nTrials,
      );
      for (const t of study.trials) {
        const late = t.number >= nTrials / 2;
        expectOnGrid(t.params['x'], late ? 0.5 : 0, late ? 2 : 1, 0);
        expectOnGrid(t.params['n'], late ? 10 : 0, late ? 40 : 20, 2);
        expect(t.params['lr']).toBeGreaterThanOrEqual(late ? 1e-3 : 1e-4);
        expect(t.params['lr']).toBeLessThanOrEqual(late ? 1 : 1e-2);
      }
    });

    it('gives the same trials for the same seed, and other trials for another seed', async () => {
      const params = async (seed: number): Promise<unknown[]> =>
        (await run(makeSampler(seed, EVERY_KIND), everyKind, nTrials)).trials.map((t) => t.params);
      const a = await params(7);
      expect(await params(7)).toEqual(a);
      expect(await params(8)).not.toEqual(a);
    });

    it('works with concurrency: 4', async () => {
      const sampler = makeSampler(4, EVERY_KIND);
      const study = await run(
        sampler,
        async (trial) => {
          const v = everyKind(trial);
          await new Promise((r) => setTimeout(r, (trial.number * 7) % 4));
          return v;
        },
        nTrials,
        { concurrency: 4 },
      );
      expect(study.trials).toHaveLength(expectedTrials(sampler, study, nTrials));
      expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
      for (const t of study.trials) expectEveryKind(t.params);
    });

    it('goes on when the objective sometimes throws or prunes', async () => {
      const study = await run(
        makeSampler(5, EVERY_KIND),
        (trial) => {
          const v = everyKind(trial);
          if (trial.number % 4 === 1) throw new Error('diverged');
          if (trial.number % 4 === 2) {
            trial.report(v, 0);
            trial.report(v / 2, 1);
            throw new tune.TrialPruned();
          }
          if (trial.number % 4 === 3 && trial.number % 8 === 7) {
            // Pruned before reporting anything.
            throw new tune.TrialPruned();
          }
          return v;
        },
        nTrials,
      );
      const states = study.trials.map((t) => t.state);
      expect(states.filter((s) => s === 'FAIL').length).toBeGreaterThan(0);
      expect(states.filter((s) => s === 'PRUNED').length).toBeGreaterThan(0);
      expect(states.filter((s) => s === 'COMPLETE').length).toBeGreaterThan(nTrials / 4);
      for (const t of study.trials) expectEveryKind(t.params);
    });

    it('accepts trials it did not sample (enqueued) and a maximised objective', async () => {
      const study = await tune.createStudy({
        sampler: makeSampler(6, EVERY_KIND),
        seed: 0,
        direction: 'maximize',
        ...quiet,
      });
      await study.enqueueTrial({ f: 0, c: null, ilog: 1024 });
      await study.optimize((t) => -everyKind(t), { nTrials });
      const first = study.trials[0]?.params;
      expect(first?.['f']).toBe(0);
      expect(first?.['c']).toBeNull();
      for (const t of study.trials) expectEveryKind(t.params);
    });

    if (options.multiObjective ?? true) {
      it('runs a two-objective study whose Pareto set is its non-dominated trials', async () => {
        const study = await run(
          makeSampler(7, TWO_OBJECTIVES),
          (trial) => {
            const x = trial.suggestFloat('x', 0, 1);
            const y = trial.suggestFloat('y', 0, 1);
            const k = trial.suggestCategorical('k', ['p', 'q']);
            return [x + (k === 'p' ? 0 : 0.1), 1 - Math.sqrt(x) + y];
          },
          nTrials,
          { directions: ['minimize', 'minimize'] },
        );
        expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
        const values = study.trials.map((t) => t.values as number[]);
        for (const v of values) expect(v).toHaveLength(2);
        // Computed here, not by the library: a trial is Pareto-optimal when no other dominates it.
        const front = study.trials
          .filter((_, i) => !values.some((w) => dominates(w, values[i] as number[])))
          .map((t) => t.number);
        expect(front.length).toBeGreaterThan(0);
        expect(study.bestTrials.map((t) => t.number).sort((a, b) => a - b)).toEqual(front);
      });
    }
  });
}
