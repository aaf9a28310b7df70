import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { isSpent } from '../../src/schedulers/slot-claims';
import { hyperbandSchedule } from '../../src/schedulers/hyperband-schedule';
import { slotOf } from '../../src/trial/hyperband-slot';
import { launch, peek, processOf, runAndWorkerToBudget, start, writeMlpConfig } from './worker-scenarios';

/**
 * Runs CONFIG in its own `tfjs-tune run` process and sends it Ctrl-C as soon as a promotion (a slot
 * trial continuing a parent) is RUNNING; returns that trial (the run marks it FAIL, interrupted).
 */
async function interruptedInPromotion(cfg: string, storage: string, ckpt: string): Promise<tune.FrozenTrial> {
  const run = launch(['run', cfg, '--storage', storage, '--checkpoints', ckpt, '--workers', '1', '--quiet']);
  let promotion: tune.FrozenTrial | undefined;
  for (let i = 0; i < 1200 && promotion === undefined; i++) {
    await new Promise((r) => setTimeout(r, 50));
    promotion = (await peek(storage))?.find(
      (t) => t.state === 'RUNNING' && slotOf(t) !== null && slotOf(t)?.parent !== null,
    );
  }
  expect(promotion).toBeDefined();
  run.child.kill('SIGINT');
  const { code, err } = await run.done;
  expect([code, err]).toEqual([130, '']);
  return promotion as tune.FrozenTrial;
}

describe('tfjs-tune worker on an ASHA or Hyperband study', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-worker-asha-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a run and a worker process run one ASHA study to its budget: each promotion once, rungs kept', async () => {
    await runAndWorkerToBudget(`sqlite:${join(dir, 's.db')}`, dir);
  }, 300_000);

  it('a worker SIGKILLed in a job: the run fails it by the heartbeats, makes it up and finishes the study alone', async () => {
    await runAndWorkerToBudget(`sqlite:${join(dir, 's.db')}`, dir, true);
  }, 300_000);

  it.each([
    ['from the checkpoint the run wrote', true],
    ['and fails, never training from scratch, when that checkpoint is gone', false],
  ])(
    'a promotion the run was interrupted in is run by a worker, %s',
    async (_what, checkpointThere) => {
      const storage = `sqlite:${join(dir, 's.db')}`;
      const cfg = writeMlpConfig(
        join(dir, 'asha.json'),
        { n: 240, batchSize: 8 },
        {
          epochs: 27,
          trials: 3,
          scheduler: { type: 'asha', factor: 3 },
        },
      );
      const ckpt = join(dir, 'shared');
      const promotion = await interruptedInPromotion(cfg, storage, ckpt);
      const parent = slotOf(promotion as tune.FrozenTrial)?.parent as number;
      expect(existsSync(join(ckpt, 'a', `trial_${parent}`, 'model.json'))).toBe(true);
      if (!checkpointThere) rmSync(join(ckpt, 'a', `trial_${parent}`), { recursive: true });

      const worked = await start(['worker', '--storage', storage, '--study', 'a', '--workers', '1']);
      expect(worked.code).toBe(0);
      const study = await tune.loadStudy({
        studyName: 'a',
        storage,
        logger: tune.logging.silentLogger,
        heartbeatInterval: 0,
      });
      const trials = study.trials;
      expect(trials[promotion?.number ?? -1]?.failReason).toMatch(/interrupted/);
      const again = trials.filter((t) => slotOf(t)?.parent === parent && t.number !== promotion?.number);
      expect(again).toHaveLength(1);
      const continued = again[0] as tune.FrozenTrial;
      // Trained by the worker, from the parent the run trained.
      expect(processOf(continued)).not.toBe(processOf(trials[parent] as tune.FrozenTrial));
      if (!checkpointThere) {
        expect(continued.state).toBe('FAIL');
        expect(continued.failReason).toContain(join(ckpt, 'a', `trial_${parent}`));
        expect(continued.intermediateValues.size).toBe(0);
        await study.storage.close();
        return;
      }
      expect(continued.state).toBe('COMPLETE');
      // From the run's checkpoint of the parent: epochs 2 and 3 only; the worker then released it.
      expect([...continued.intermediateValues.keys()]).toEqual([1, 2]);
      expect(existsSync(join(ckpt, 'a', `trial_${parent}`))).toBe(false);
      expect(continued.userAttrs['checkpoint']).toBe(join(ckpt, 'a', `trial_${continued.number}`));
      expect(trials.filter((t) => t.state === 'WAITING' || t.state === 'RUNNING')).toEqual([]);
      await study.storage.close();
    },
    300_000,
  );

  it('BOHB (Hyperband): a worker finishes the schedule a run was interrupted in, exactly, continuing its checkpoints', async () => {
    const storage = `sqlite:${join(dir, 's.db')}`;
    const cfg = writeMlpConfig(join(dir, 'bohb.json'), { n: 240, batchSize: 8 }, { epochs: 9, method: 'bohb' });
    const ckpt = join(dir, 'shared');
    const promotion = await interruptedInPromotion(cfg, storage, ckpt);
    const worked = await start(['worker', '--storage', storage, '--study', 'a', '--workers', '1']);
    expect(worked.code).toBe(0);
    expect(worked.err).toMatch(/done: Hyperband study "a"/);
    const study = await tune.loadStudy({
      studyName: 'a',
      storage,
      logger: tune.logging.silentLogger,
      heartbeatInterval: 0,
    });
    const trials = study.trials;
    expect(trials[promotion.number]?.failReason).toMatch(/interrupted/);
    const kept = trials.filter((t) => !isSpent(t));
    expect(kept.every((t) => t.state === 'COMPLETE')).toBe(true);
    // The schedule exactly once, wherever each round ran.
    for (const bracket of hyperbandSchedule(9, 3)) {
      bracket.rounds.forEach((spec, r) => {
        const round = kept.filter((t) => slotOf(t)?.bracket === bracket.s && slotOf(t)?.round === r);
        expect(round.map((t) => slotOf(t)?.epochs)).toEqual(Array(spec.configs).fill(spec.epochs));
        for (const t of round.filter(() => r > 0)) {
          const parent = trials[slotOf(t)?.parent ?? -1] as tune.FrozenTrial;
          expect([slotOf(parent)?.round, slotOf(t)?.initialEpoch]).toEqual([r - 1, slotOf(parent)?.epochs]);
          expect(t.params).toEqual(parent.params);
        }
      });
    }
    // The interrupted promotion ran again on the worker, from the parent the run trained.
    const parent = slotOf(promotion)?.parent as number;
    const again = kept.filter((t) => slotOf(t)?.parent === parent);
    expect(again).toHaveLength(1);
    expect(processOf(again[0] as tune.FrozenTrial)).not.toBe(processOf(trials[parent] as tune.FrozenTrial));
    await study.storage.close();
  }, 300_000);
});
