import { FloatDistribution } from '../../src/space/distributions';
import { runPBT, type PBTOptions } from '../../src/schedulers/pbt/run-pbt';
import { replaySchedule } from '../../src/schedulers/pbt/replay';
import type { PBTParams } from '../../src/schedulers/pbt/member';
import { median } from '../samplers/helpers';
import { toyMember, toyQ, type ToyState } from '../../benchmarks/pbt/toy-problem';

const h = new FloatDistribution(0, 1);

function toyOptions(seed: number, overrides: Partial<PBTOptions<ToyState>> = {}): PBTOptions<ToyState> {
  return {
    populationSize: 2,
    perturbationInterval: 4,
    totalSteps: 200,
    seed,
    hyperparamMutations: { h0: h, h1: h },
    initialParams: (id) => (id === 0 ? { h0: 1, h1: 0 } : { h0: 0, h1: 1 }),
    createMember: () => toyMember(),
    ...overrides,
  };
}

async function medianBest(overrides: Partial<PBTOptions<ToyState>>, seeds = 25): Promise<number> {
  const best: number[] = [];
  for (let seed = 0; seed < seeds; seed++) best.push((await runPBT(toyOptions(seed, overrides))).best.score);
  return median(best);
}

describe('runPBT on the PBT paper toy problem', () => {
  it.each([true, false])(
    'exploit + explore reaches Q ≈ 1.2 where neither member alone passes 0.39 (synch %s)',
    async (synch) => {
      expect(await medianBest({ synch })).toBeGreaterThan(1.19);
      // No exploit and no explore: each member keeps its h and one coordinate never shrinks.
      expect(await medianBest({ synch, exploit: false, explore: false })).toBeCloseTo(toyQ([0, 0.9]), 2);
      // Exploit alone copies θ but never changes h, so it stays at the grid's value.
      expect(await medianBest({ synch, explore: false })).toBeCloseTo(toyQ([0, 0.9]), 2);
    },
  );

  it('one seed repeats a run exactly, lineage included; another seed differs', async () => {
    const a = await runPBT(toyOptions(11));
    const b = await runPBT(toyOptions(11));
    const c = await runPBT(toyOptions(12));
    expect(b.members).toEqual(a.members);
    expect(b.lineage).toEqual(a.lineage);
    expect(c.lineage).not.toEqual(a.lineage);
  });

  it('logs every exploit: recipient in the bottom, donor with the better score, parameters before and after', async () => {
    const run = await runPBT(toyOptions(3, { synch: true }));
    expect(run.lineage.length).toBeGreaterThan(10);
    for (const e of run.lineage) {
      expect(e.recipient).not.toBe(e.donor);
      expect(e.donorScore).toBeGreaterThanOrEqual(e.recipientScore);
      expect(e.step % 4).toBe(0);
      expect(Object.keys(e.paramsAfter).sort()).toEqual(['h0', 'h1']);
    }
  });

  it('replaying the best member’s schedule on a fresh member reproduces its score', async () => {
    for (const synch of [true, false]) {
      const run = await runPBT(toyOptions(5, { synch }));
      const schedule = run.schedule(run.best.id);
      expect(schedule[0]!.fromStep).toBe(0);
      const replayed = await replaySchedule(toyMember(), schedule, 200, 4);
      expect(replayed).toBeCloseTo(run.best.score, 12);
    }
  });

  it('every member’s schedule and root replay its exact training history, asynchronous runs included', async () => {
    // A member whose state is its whole training history from its own initialisation: a replay from
    // the root with the schedule must give the same history, call for call.
    interface Traced {
      trace: string[];
    }
    const x = new FloatDistribution(0, 1);
    const traced = (root: number) => {
      let state: Traced = { trace: [`init ${root}`] };
      return {
        train: (p: Readonly<Record<string, unknown>>, from: number, to: number) =>
          void state.trace.push(`${from}-${to} x=${String(p['x'])}`),
        // Rewards x near 0.3 and penalises nothing else: exploits happen throughout.
        evaluate: () => -Math.abs((Number(/x=([\d.e-]+)$/.exec(state.trace.at(-1) ?? '')?.[1]) || 0) - 0.3),
        getState: (): Traced => ({ trace: state.trace.slice() }),
        setState: (s: Traced) => void (state = s),
        history: () => state.trace,
      };
    };
    let exploits = 0;
    for (let seed = 0; seed < 20; seed++) {
      const members: ReturnType<typeof traced>[] = [];
      const run = await runPBT<Traced>({
        populationSize: 6,
        perturbationInterval: 2,
        totalSteps: 12,
        seed,
        quantileFraction: 0.5,
        hyperparamMutations: { x },
        createMember: (id) => {
          const m = traced(id);
          members.push(m);
          return m;
        },
      });
      exploits += run.lineage.length;
      for (let id = 0; id < 6; id++) {
        const fresh = traced(run.root(id));
        await replaySchedule(fresh, run.schedule(id), 12, 2);
        expect(fresh.history()).toEqual(members[id]!.history());
      }
    }
    expect(exploits).toBeGreaterThan(20);
  });

  it('asynchronous: a ready member is compared with the members at its step, never with older scores, so none goes back', async () => {
    // Members furthest behind train first, so when one is ready some others are still an interval
    // behind: their latest scores are older (and, for a score that grows with training, lower).
    for (let seed = 0; seed < 10; seed++) {
      const intervals: { id: number; from: number; to: number }[] = [];
      const run = await runPBT<ToyState>(
        toyOptions(seed, {
          populationSize: 4,
          totalSteps: 40,
          initialParams: (id) => ({ h0: [1, 0, 0.5, 0.2][id]!, h1: [0, 1, 0.5, 0.8][id]! }),
          createMember: (id) => {
            const member = toyMember();
            const train = (p: PBTParams, from: number, to: number) => {
              intervals.push({ id, from, to });
              return member.train(p, from, to);
            };
            return { ...member, train };
          },
        }),
      );
      expect(run.lineage.length).toBeGreaterThan(0);
      for (const e of run.lineage) {
        const donorAt = run.members[e.donor]!.history.find((h) => h.step === e.step);
        // The donor's quoted score is its score at the step the recipient continues from.
        expect(donorAt?.score).toBe(e.donorScore);
      }
      // Each member trains exactly its budget, interval after interval (an exploit only moves it forward).
      for (let id = 0; id < 4; id++) {
        const own = intervals.filter((i) => i.id === id);
        expect(own.reduce((sum, i) => sum + i.to - i.from, 0)).toBe(40);
        own.slice(1).forEach((i, k) => expect(i.from).toBeGreaterThanOrEqual(own[k]!.to));
      }
    }
  });

  it('minimising −Q takes exactly the decisions maximising Q takes', async () => {
    const negated = () => {
      const member = toyMember();
      return { ...member, evaluate: () => -(member.evaluate() as number) };
    };
    const max = await runPBT(toyOptions(4));
    const min = await runPBT(toyOptions(4, { direction: 'minimize', createMember: negated }));
    expect(min.lineage.map((e) => [e.step, e.recipient, e.donor])).toEqual(
      max.lineage.map((e) => [e.step, e.recipient, e.donor]),
    );
    expect(min.best.id).toBe(max.best.id);
    expect(min.best.score).toBeCloseTo(-max.best.score, 12);
  });

  it('refuses a bad configuration before any member is built, naming the field', async () => {
    let built = 0;
    const createMember = () => {
      built++;
      return toyMember();
    };
    await expect(runPBT(toyOptions(0, { createMember, populationSize: 1 }))).rejects.toThrow(/populationSize/);
    await expect(runPBT(toyOptions(0, { createMember, quantileFraction: 0.75 }))).rejects.toThrow(/quantileFraction/);
    await expect(runPBT(toyOptions(0, { createMember, perturbationInterval: 0 }))).rejects.toThrow(
      /perturbationInterval/,
    );
    await expect(runPBT(toyOptions(0, { createMember, hyperparamMutations: {} }))).rejects.toThrow(
      /hyperparamMutations/,
    );
    expect(built).toBe(0);
  });
});
