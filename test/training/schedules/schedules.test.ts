import { InvalidArgumentError } from '../../../src/errors';
import * as schedules from '../../../src/api/schedules';

const close = (a: number, b: number): void => expect(a).toBeCloseTo(b, 12);

describe('closed forms', () => {
  it('constant', () => {
    const s = schedules.constant(0.3);
    for (const e of [0, 1, 7, 1000]) expect(s(e)).toBe(0.3);
  });

  it('exponential, smooth and staircase', () => {
    const smooth = schedules.exponential({ initial: 0.1, decayRate: 0.5, decaySteps: 2 });
    const stairs = schedules.exponential({ initial: 0.1, decayRate: 0.5, decaySteps: 2, staircase: true });
    for (const e of [0, 1, 2, 3, 5, 10]) {
      close(smooth(e), 0.1 * 0.5 ** (e / 2));
      close(stairs(e), 0.1 * 0.5 ** Math.floor(e / 2));
    }
    close(schedules.exponential({ initial: 1, decayRate: 0.9 })(3), 0.729);
  });

  it('step', () => {
    const s = schedules.step({ initial: 0.1, dropEvery: 10, factor: 0.1 });
    for (const e of [0, 9, 10, 19, 20, 25]) close(s(e), 0.1 * 0.1 ** Math.floor(e / 10));
    close(s(9), 0.1);
    close(s(10), 0.01);
  });

  it('cosine without restarts decays to minValue and stays there', () => {
    const s = schedules.cosine({ initial: 0.1, minValue: 0.01, period: 10 });
    for (const e of [0, 1, 3, 5, 9, 10, 15]) {
      const t = Math.min(e, 10);
      close(s(e), 0.01 + (0.09 * (1 + Math.cos((Math.PI * t) / 10))) / 2);
    }
    close(s(0), 0.1);
    close(s(5), 0.055);
    close(s(10), 0.01);
    close(s(50), 0.01);
  });

  it('cosine with warm restarts (SGDR) and a period multiplier', () => {
    const s = schedules.cosine({ initial: 1, minValue: 0, period: 4, warmRestarts: true, periodMultiplier: 2 });
    // Periods: [0, 4), [4, 12), [12, 28).
    const expected = (tCur: number, len: number): number => (1 + Math.cos((Math.PI * tCur) / len)) / 2;
    close(s(0), 1);
    close(s(2), expected(2, 4));
    close(s(4), 1);
    close(s(8), expected(4, 8));
    close(s(11), expected(7, 8));
    close(s(12), 1);
    close(s(20), expected(8, 16));
    const flat = schedules.cosine({ initial: 1, period: 3, warmRestarts: true });
    for (const e of [0, 1, 2, 3, 4, 7, 300]) close(flat(e), expected(e % 3, 3));
  });

  it('cosine with linear warm-up', () => {
    const s = schedules.cosine({ initial: 0.2, period: 10, warmupEpochs: 3 });
    close(s(0), 0.2 * (1 / 4));
    close(s(1), 0.2 * (2 / 4));
    close(s(2), 0.2 * (3 / 4));
    close(s(3), 0.2);
    close(s(8), 0.1);
    close(s(13), 0);
  });

  it('cyclic: triangular, triangular2 and exp_range', () => {
    const formula = (e: number, scale: (cycle: number) => number): number => {
      const cycle = Math.floor(1 + e / 4);
      const x = Math.abs(e / 2 - 2 * cycle + 1);
      return 0.001 + 0.009 * Math.max(0, 1 - x) * scale(cycle);
    };
    const tri = schedules.cyclic({ base: 0.001, max: 0.01, stepSize: 2 });
    const tri2 = schedules.cyclic({ base: 0.001, max: 0.01, stepSize: 2, mode: 'triangular2' });
    const exp = schedules.cyclic({ base: 0.001, max: 0.01, stepSize: 2, mode: 'exp_range', gamma: 0.9 });
    for (const e of [0, 1, 2, 3, 4, 5, 6, 9, 10]) {
      close(
        tri(e),
        formula(e, () => 1),
      );
      close(
        tri2(e),
        formula(e, (c) => 1 / 2 ** (c - 1)),
      );
      close(
        exp(e),
        formula(e, () => 0.9 ** e),
      );
    }
    close(tri(0), 0.001);
    close(tri(2), 0.01);
    close(tri(4), 0.001);
    close(tri2(6), 0.001 + 0.009 / 2);
  });
});

describe('validation names the field', () => {
  const cases: Array<[() => unknown, string]> = [
    [() => schedules.constant(NaN), 'constant.value'],
    [() => schedules.exponential({ initial: 1, decayRate: 0 }), 'exponential.decayRate'],
    [() => schedules.exponential({ initial: 1, decayRate: 0.5, decaySteps: -1 }), 'exponential.decaySteps'],
    [() => schedules.step({ initial: 1, dropEvery: 0.5, factor: 0.1 }), 'step.dropEvery'],
    [() => schedules.step({ initial: 1, dropEvery: 2, factor: -1 }), 'step.factor'],
    [() => schedules.cosine({ initial: 1, period: 0 }), 'cosine.period'],
    [() => schedules.cosine({ initial: 0.1, minValue: 0.2, period: 5 }), 'cosine.minValue'],
    [() => schedules.cosine({ initial: 1, period: 5, periodMultiplier: 2 }), 'cosine.periodMultiplier'],
    [
      () => schedules.cosine({ initial: 1, period: 5, warmRestarts: true, periodMultiplier: 0.5 }),
      'cosine.periodMultiplier',
    ],
    [() => schedules.cosine({ initial: 1, period: 5, warmupEpochs: 1.5 }), 'cosine.warmupEpochs'],
    [() => schedules.cyclic({ base: 1, max: 0.5, stepSize: 2 }), 'cyclic.max'],
    [() => schedules.cyclic({ base: 0, max: 1, stepSize: 0 }), 'cyclic.stepSize'],
    [() => schedules.cyclic({ base: 0, max: 1, stepSize: 2, mode: 'sine' as 'triangular' }), 'cyclic.mode'],
    [() => schedules.cyclic({ base: 0, max: 1, stepSize: 2, mode: 'exp_range', gamma: 1.5 }), 'cyclic.gamma'],
    [() => schedules.step({ initial: 1, dropEvery: 2, factor: 0.5 })(-1), 'step(epoch)'],
  ];
  it.each(cases.map(([fn, field]) => [field, fn] as const))('%s', (field, fn) => {
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe(field);
  });
});
