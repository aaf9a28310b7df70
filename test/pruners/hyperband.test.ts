import { HyperbandPruner, crc32, hyperbandBracketCount } from '../../src/pruners/hyperband';
import { TrialPruned } from '../../src/errors';
import { NopPruner } from '../../src/pruners/nop';
import type { Sampler } from '../../src/samplers/base';
import { RandomSampler } from '../../src/samplers/random';
import { createStudy } from '../../src/study/create-study';
import { silentLogger } from '../../src/util/logger';
import { SuccessiveHalvingPruner } from '../../src/pruners/successive-halving';
import { FakeStudy, frozenTrial } from './helpers/fake-study';
import { runCurves } from './helpers/run-curves';

describe('HyperbandPruner: brackets', () => {
  it('hashes with CRC-32 as zlib / binascii do', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('my-study_0')).toBe(1904168413); // Python: zlib.crc32(b'my-study_0')
    expect(crc32('study-ü_3')).toBe(4156678811); // UTF-8 bytes, as Python's str.encode()
  });

  it('has floor(log_eta(max / min)) + 1 brackets weighted ceil(n * eta^s / (s + 1))', () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 81, reductionFactor: 3 });
    expect(pruner.nBrackets).toBe(5);
    expect(pruner.trialAllocationBudgets).toEqual([81, 34, 15, 8, 5]);
    expect(hyperbandBracketCount(2, 27, 3)).toBe(3); // 2, 6, 18 <= 27 < 54
    expect(hyperbandBracketCount(1, 1000, 10)).toBe(4); // exact integer math (log() would give 2.9999...)
    expect(hyperbandBracketCount(5, 5, 3)).toBe(1);
  });

  it('assigns a bracket per (study name, trial number) deterministically, as Optuna does', () => {
    const options = { minResource: 1, maxResource: 81, reductionFactor: 3 };
    const a = new HyperbandPruner(options);
    const b = new HyperbandPruner(options);
    const ids = Array.from({ length: 20 }, (_, n) => a.bracketOf('my-study', n));
    // Computed with Python's zlib.crc32 and Optuna's _get_bracket_id for the same settings.
    expect(ids).toEqual([0, 1, 1, 0, 0, 0, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 1, 3, 2, 0]);
    expect(Array.from({ length: 20 }, (_, n) => b.bracketOf('my-study', n))).toEqual(ids);
    expect(Array.from({ length: 20 }, (_, n) => a.bracketOf('hb', n))).not.toEqual(ids);
  });

  it('distributes trials over brackets in proportion to their budgets', () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 81, reductionFactor: 3 });
    const n = 14300;
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[pruner.bracketOf('dist', i)]! += 1;
    const budgets = pruner.trialAllocationBudgets;
    budgets.forEach((w, b) => {
      const expected = (n * w) / 143;
      expect(Math.abs((counts[b] as number) - expected)).toBeLessThan(4 * Math.sqrt(expected) + 1);
    });
  });

  it("with maxResource 'auto' waits for a completed trial, then uses its last step + 1", async () => {
    const pruner = new HyperbandPruner({ minResource: 1, reductionFactor: 3 });
    expect(pruner.nBrackets).toBeNull();
    const fake = new FakeStudy([]);
    const running = frozenTrial(0, { state: 'RUNNING', values: [1, 2, 3, 4] });
    expect(pruner.prune(fake, running)).toBe(false);
    expect(pruner.filterStudyForSampler(fake, running)).toBe(fake);
    const study = await runCurves(pruner, [Array.from({ length: 27 }, () => 1), [1, 1]]);
    expect(pruner.maxResource).toBe(27);
    expect(pruner.nBrackets).toBe(4);
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE']);
  });

  it('validates its options', () => {
    expect(() => new HyperbandPruner({ minResource: 0 })).toThrow(/minResource/);
    expect(() => new HyperbandPruner({ minResource: 4, maxResource: 3 })).toThrow(/maxResource/);
    expect(() => new HyperbandPruner({ reductionFactor: 1 })).toThrow(/reductionFactor/);
    expect(() => new HyperbandPruner({ bootstrapCount: 2 })).toThrow(/bootstrapCount.*auto/);
  });
});

describe('HyperbandPruner: each bracket is its own successive halving', () => {
  const options = { minResource: 1, maxResource: 27, reductionFactor: 3 };

  it("starts bracket b's first rung at minResource * eta^b", async () => {
    const pruner = new HyperbandPruner(options);
    const curves = Array.from({ length: 30 }, (_, k) => Array.from({ length: 28 }, (_, s) => k + 100 / (s + 1)));
    const study = await runCurves(pruner, curves, { studyName: 'hb-rungs' });
    const seen = new Set<number>();
    for (const t of study.trials) {
      const b = pruner.bracketOf('hb-rungs', t.number);
      seen.add(b);
      expect(t.systemAttrs['completed_rung_0']).toBe(t.intermediateValues.get(3 ** b));
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('judges a trial only against the trials of its own bracket', () => {
    const pruner = new HyperbandPruner(options);
    const inBracket = (b: number) =>
      Array.from({ length: 60 }, (_, n) => n).filter((n) => pruner.bracketOf('iso', n) === b);
    const [judgedNo, ...sameBracket] = inBracket(0).reverse();
    const otherBracket = inBracket(1);
    // Other brackets hold much better rung values; the judged trial's own bracket holds worse ones.
    const trials = [
      ...otherBracket.slice(0, 6).map((n) => frozenTrial(n, { values: [0], systemAttrs: { completed_rung_0: 0 } })),
      ...sameBracket.slice(0, 5).map((n) => frozenTrial(n, { values: [9], systemAttrs: { completed_rung_0: 9 } })),
    ];
    const judged = frozenTrial(judgedNo as number, { state: 'RUNNING', values: [5, 5] });
    expect(pruner.prune(new FakeStudy(trials, ['minimize'], 'iso'), judged)).toBe(false);
    // The same rule over the whole study would prune it: 6 better values elsewhere, top 12/3 = 4.
    const flat = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
    expect(flat.prune(new FakeStudy(trials, ['minimize'], 'iso'), judged)).toBe(true);
    const view = pruner.bracketStudy(new FakeStudy(trials, ['minimize'], 'iso'), 0);
    expect(view.getTrials().map((t) => t.number)).toEqual(sameBracket.slice(0, 5));
  });
});

describe('HyperbandPruner.filterStudyForSampler', () => {
  it("shows the sampler only the trials of the running trial's bracket, and forwards stop()", async () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 });
    const study = await runCurves(
      pruner,
      Array.from({ length: 24 }, (_, k) => [k, k, k]),
      { studyName: 'flt' },
    );
    const brackets = new Set<number>();
    for (const t of study.trials) {
      const b = pruner.bracketOf('flt', t.number);
      brackets.add(b);
      const view = pruner.filterStudyForSampler(study, t);
      const expected = study.trials.filter((u) => pruner.bracketOf('flt', u.number) === b).map((u) => u.number);
      expect(view.getTrials().map((u) => u.number)).toEqual(expected);
      expect(view.getTrials({ states: ['PRUNED'] }).every((u) => u.state === 'PRUNED')).toBe(true);
      expect(view.studyName).toBe('flt');
      expect(view.directions).toEqual(['minimize']);
    }
    expect(brackets.size).toBeGreaterThan(1);
    const first = study.trials[0];
    if (first === undefined) throw new Error('no trial');
    pruner.filterStudyForSampler(study, first).stop();
    expect(study.isStopRequested).toBe(true);
    expect('filterStudyForSampler' in new NopPruner()).toBe(false); // other pruners leave the study whole
  });
});

it("through study.optimize, the sampler sees only the running trial's bracket", async () => {
  const pruner = new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 });
  const inner = new RandomSampler({ seed: 1 });
  const sameBracket = (a: number, b: number) => pruner.bracketOf('eng', a) === pruner.bracketOf('eng', b);
  const seen: [number, number[]][] = [];
  const sampler: Sampler = {
    inferRelativeSearchSpace: (view, trial) => {
      seen.push([trial.number, view.getTrials().map((u) => u.number)]);
      return {};
    },
    sampleRelative: () => ({}),
    sampleIndependent: (view, trial, name, dist) => {
      seen.push([trial.number, view.getTrials().map((u) => u.number)]);
      return inner.sampleIndependent(view, trial, name, dist);
    },
  };
  const study = await createStudy({ studyName: 'eng', pruner, sampler, logger: silentLogger });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat('x', 0, 1);
      for (let step = 0; step < 10; step++) {
        trial.report(x + 1 / (step + 1), step);
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      return x;
    },
    { nTrials: 30 },
  );
  for (const [n, numbers] of seen) {
    expect(numbers).toContain(n);
    expect(numbers.every((m) => sameBracket(m, n))).toBe(true);
  }
  expect(study.trials.some((t) => t.state === 'PRUNED')).toBe(true);
});
