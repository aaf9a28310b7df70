import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import * as tune from '../../src';
import { trainJob } from '../../src/execution/train-job';
import { PBT_KEY, PBT_START_STATE_KEY, jobRecordOf, type PBTJobRecord } from '../../src/schedulers/pbt/job-record';
import type { MemberJobTrainer } from '../../src/schedulers/pbt/member-trainer';
import { fixedDistribution } from '../../src/schedulers/pbt/space-draw';
import type { ZooMemberState } from '../../src/schedulers/pbt/zoo-member';
import { zooStateFromPortable, zooStateToPortable } from '../../src/schedulers/pbt/portable-zoo-state';
import { lineageOf, rankFinalTrials, scheduleOfTrial } from '../../src/schedulers/pbt/stored-lineage';
import { disposeZooState, zooMember } from '../../src/schedulers/pbt/zoo-member';
import { loadZooState, saveZooCheckpoint, zooJobTrainer } from '../../src/schedulers/pbt/zoo-trainer';
import type { Study } from '../../src/study/study';
import { runSmallPBT, SMALL_PBT, smallData } from './fixtures/small-pbt-run';

let dir: string;
beforeAll(async () => {
  await tune.initBackend();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-pbt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const MEMBER_PARAMS = {
  learning_rate: 0.01,
  num_layers: 1,
  units_0: 16,
  batch_size: 32,
  optimizer: 'adam',
  dropout: 0,
  batch_norm: false,
};

/** Makes one PBT job's trial WAITING (as the scheduler does), claims it and trains it with `trainer`. */
async function trainOneJob(study: Study, trainer: MemberJobTrainer<ZooMemberState>, record: PBTJobRecord) {
  const distributions = Object.fromEntries(Object.entries(MEMBER_PARAMS).map(([k, v]) => [k, fixedDistribution(v)]));
  const created = await study.storage.createTrial(study.studyId, {
    state: 'WAITING',
    params: MEMBER_PARAMS,
    distributions,
    systemAttrs: { [PBT_KEY]: JSON.parse(JSON.stringify(record)) },
  });
  const trial = (await study.askOrNull(undefined, { waitingOnly: true, trialNumber: created!.number }))!;
  const start =
    record.from === null ? { kind: 'fresh' as const } : { kind: record.start as 'continue', from: record.from };
  const job = { trialNumber: trial.number, fromEpoch: record.fromEpoch, toEpoch: record.toEpoch, start };
  return trainJob(study, trial, job, trainer, () => 'continue', tune.logging.silentLogger);
}

/** Every member trained to the budget, and each trial's `from` is an earlier COMPLETE trial ending at its start. */
function expectContinuousRun(trials: readonly tune.FrozenTrial[]): void {
  const complete = trials.filter((t) => t.state === 'COMPLETE');
  for (let m = 0; m < SMALL_PBT.populationSize; m++) {
    const own = complete.filter((t) => jobRecordOf(t)?.member === m);
    expect(Math.max(...own.map((t) => jobRecordOf(t)!.toEpoch))).toBe(SMALL_PBT.totalEpochs);
  }
  for (const t of complete) {
    const r = jobRecordOf(t)!;
    if (r.from === null) {
      expect(r.fromEpoch).toBe(0);
      continue;
    }
    const from = trials[r.from]!;
    expect(from.state).toBe('COMPLETE');
    expect(jobRecordOf(from)!.toEpoch).toBe(r.fromEpoch);
    expect(from.number).toBeLessThan(t.number);
  }
  for (const e of lineageOf(trials))
    expect(jobRecordOf(trials[e.trial]!)).toMatchObject({ start: 'exploit', from: e.donorTrial });
}

describe('the zoo PBT job trainer', () => {
  it('runs a population end to end: every trial COMPLETE, members’ last states checkpointed, no tensor left', async () => {
    const baseline = tf.memory().numTensors;
    const { study } = await runSmallPBT('memory', dir);
    const trials = study.trials;
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expectContinuousRun(trials);
    expect(lineageOf(trials).length).toBeGreaterThan(0);
    // Only the states a job could still start from are kept: each member's last.
    const kept = readdirSync(dir).sort();
    expect(kept.length).toBeLessThanOrEqual(SMALL_PBT.populationSize);
    const best = rankFinalTrials(trials, SMALL_PBT.totalEpochs, 'maximize')[0]!;
    expect(kept).toContain(`trial_${best.number}`);
    expect(scheduleOfTrial(trials, best.number).segments[0]!.fromStep).toBe(0);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('moves a member state through PortableState buffers and back unchanged', async () => {
    const baseline = tf.memory().numTensors;
    const member = zooMember({
      hyperModel: tune.models.mlp,
      data: smallData(),
      params: { num_layers: 1, units_0: 8, optimizer: 'adam', dropout: 0 },
      seed: 1,
    });
    await member.train({ learning_rate: 0.01 }, 0, 1);
    const state = await member.getState();
    const portable = zooStateToPortable(state);
    expect(portable.buffers.every((b) => b instanceof ArrayBuffer)).toBe(true);
    // The metadata survives JSON (a worker message); the buffers go in the transfer list.
    const back = zooStateFromPortable({ meta: JSON.parse(JSON.stringify(portable.meta)), buffers: portable.buffers });
    expect(back.weights.map((w) => Array.from(w.dataSync()))).toEqual(
      state.weights.map((w) => Array.from(w.dataSync())),
    );
    expect(back.optimizer.map((w) => [w.name, Array.from(w.tensor.dataSync())])).toEqual(
      state.optimizer.map((w) => [w.name, Array.from(w.tensor.dataSync())]),
    );
    disposeZooState(state);
    disposeZooState(back);
    member.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a job’s checkpoint keeps the dropout mask streams, so a member resumed from disk draws the masks it would have', async () => {
    const baseline = tf.memory().numTensors;
    const params = { num_layers: 1, units_0: 8, optimizer: 'adam', dropout: 0.4 };
    const member = zooMember({ hyperModel: tune.models.mlp, data: smallData(), params, seed: 1 });
    await member.train({ learning_rate: 0.01 }, 0, 2);
    const live = await member.getState();
    await saveZooCheckpoint(member.model, join(dir, 'ckpt'), 0);
    const fromDisk = await loadZooState(join(dir, 'ckpt'));
    expect(live.dropout.length).toBeGreaterThan(0);
    expect(fromDisk.dropout).toEqual(live.dropout);
    // Trained on from either state, two fresh members end alike: same masks, same weights.
    const ends: number[][] = [];
    for (const state of [live, fromDisk]) {
      const m = zooMember({ hyperModel: tune.models.mlp, data: smallData(), params, seed: 9 });
      await m.setState(state);
      await m.train({ learning_rate: 0.01 }, 2, 3);
      ends.push(Array.from(m.model.getWeights()[0]!.dataSync()));
      m.dispose();
    }
    expect(ends[1]).toEqual(ends[0]);
    member.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a state another process trained is loaded from its checkpoint exactly; without the checkpoint the interval fails, naming it, never training from scratch', async () => {
    const baseline = tf.memory().numTensors;
    const study = await tune.createStudy({ direction: 'maximize', logger: tune.logging.silentLogger });
    const options = { hyperModel: tune.models.mlp, data: smallData(), checkpointDir: dir, seed: 5 };
    // Three processes on one study and one shared checkpoint folder: each trainer holds only what it trained.
    const [here, there, elsewhere] = [zooJobTrainer(options), zooJobTrainer(options), zooJobTrainer(options)];
    try {
      const first = await trainOneJob(study, here, {
        member: 0,
        fromEpoch: 0,
        toEpoch: 1,
        start: 'fresh',
        from: null,
        follows: null,
      });
      const n = first.trial.number;
      // Member 0 goes on where it lives; member 1 copies it on another machine, from the checkpoint.
      const live = await trainOneJob(study, here, {
        member: 0,
        fromEpoch: 1,
        toEpoch: 2,
        start: 'continue',
        from: n,
        follows: n,
      });
      const copy = { member: 1, fromEpoch: 1, toEpoch: 2, start: 'exploit', from: n, follows: null } as const;
      const loaded = await trainOneJob(study, there, copy);
      expect([live.outcome.state, loaded.outcome.state]).toEqual(['COMPLETE', 'COMPLETE']);
      expect(live.trial.systemAttrs[PBT_START_STATE_KEY]).toBe('live');
      expect(loaded.trial.systemAttrs[PBT_START_STATE_KEY]).toBe('checkpoint');
      // Weights, Adam slots and data order all came across: the copy scores what the original does.
      expect(loaded.trial.value).toBe(live.trial.value);

      rmSync(join(dir, `trial_${n}`), { recursive: true });
      const missing = await trainOneJob(study, elsewhere, { ...copy, member: 2 });
      expect(missing.outcome.state).toBe('FAIL');
      expect(missing.trial.failReason).toContain(`checkpoint ${join(dir, `trial_${n}`)} is missing`);
      expect(missing.trial.failReason).toContain('rather than train from scratch');
      expect(missing.trial.intermediateValues.size).toBe(0);
    } finally {
      for (const t of [here, there, elsewhere]) t.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a run killed with SIGKILL mid-run resumes from storage and its checkpoints to the full budget', async () => {
    const storage = `sqlite:${join(dir, 'pbt.db')}`;
    const checkpoints = join(dir, 'ckpt');
    const child = fork(require.resolve('./fixtures/small-pbt-run.ts'), [storage, checkpoints], {
      execArgv: ['-r', require.resolve('../helpers/register-ts.js')],
      stdio: 'ignore',
    });
    let exited = false;
    const exit = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => {
        exited = true;
        resolve(signal);
      }),
    );
    for (let i = 0; i < 600 && !exited; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (!existsSync(join(dir, 'pbt.db'))) continue;
      const s = await tune
        .loadStudy({ studyName: 'small-pbt', storage, logger: tune.logging.silentLogger, heartbeatInterval: 0 })
        .catch(() => null);
      if ((s?.getTrials({ states: ['COMPLETE'] }).length ?? 0) >= 4) break;
    }
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');
    const before = await tune.loadStudy({ studyName: 'small-pbt', storage, logger: tune.logging.silentLogger });
    const completeBefore = before.getTrials({ states: ['COMPLETE'] });
    expect(completeBefore.length).toBeGreaterThanOrEqual(4);
    await before.storage.close();

    const { study } = await runSmallPBT(storage, checkpoints);
    const trials = study.trials;
    // The trials the killed run finished are intact; what it left running was failed and ran again.
    for (const t of completeBefore) expect(trials[t.number]).toEqual(t);
    expect(trials.filter((t) => t.state !== 'COMPLETE').every((t) => t.systemAttrs['pbt_interrupted'] === true)).toBe(
      true,
    );
    expectContinuousRun(trials);
    await study.storage.close();
  }, 60_000);
});
