import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { RUN_RECORD_KEY, markCheckpointDir } from '../../src/cli/run/run-record';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

// The joining and training itself runs across test hosts in test/storage/postgres-multi-host.test.ts;
// these are the refusals, each before any work starts.
describe('tfjs-tune worker and run on a shared storage: refusals', () => {
  let dir: string;
  let storage: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-worker-'));
    storage = `sqlite:${join(dir, 's.db')}`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function studyWithRecord(record: Record<string, unknown>): Promise<tune.Study> {
    const study = await tune.createStudy({ studyName: 's', storage, logger: tune.logging.silentLogger });
    await study.setSystemAttr(RUN_RECORD_KEY, record as never);
    return study;
  }

  const plainConfig = { scheduler: { type: 'none' }, pbt: null, study: 's', storage: 'x' };

  it('needs --storage and --study', async () => {
    expect((await cli(['worker', '--study', 's'])).err).toMatch(/--storage/);
    expect((await cli(['worker', '--storage', storage])).code).toBe(2);
  });

  it('refuses a study that no `tfjs-tune run` made', async () => {
    const study = await tune.createStudy({ studyName: 's', storage, logger: tune.logging.silentLogger });
    await study.storage.close();
    const r = await cli(['worker', '--storage', storage, '--study', 's']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/created by `tfjs-tune run CONFIG --storage URL`/);
  });

  it.each([
    ['pbt', 'PBT'],
    ['pb2', 'PB2'],
  ])(
    'refuses a %s study whose checkpoint folder this machine cannot reach: its exploits load states other machines trained',
    async (type, kind) => {
      const ckpt = join(dir, 'not-mounted');
      const study = await studyWithRecord({
        config: { ...plainConfig, pbt: { type, populationSize: 4 } },
        budget: null,
        checkpointDir: ckpt,
        heartbeatInterval: 20,
      });
      await study.storage.close();
      const r = await cli(['worker', '--storage', storage, '--study', 's']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`the study's checkpoint folder "${ckpt}" is not readable and writable from this machine`);
      expect(r.err).toContain(
        `a ${kind} study's exploits and continuations load the member states that other machines wrote there`,
      );
    },
  );

  it('refuses an ASHA study whose checkpoint folder this machine cannot reach, naming the folder and why it matters', async () => {
    const ckpt = join(dir, 'not-mounted');
    const study = await studyWithRecord({
      config: { ...plainConfig, scheduler: { type: 'asha', factor: 3, minEpochs: 1 } },
      budget: null,
      checkpointDir: ckpt,
      heartbeatInterval: 20,
    });
    await study.storage.close();
    const r = await cli(['worker', '--storage', storage, '--study', 's']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the study's checkpoint folder "${ckpt}" is not readable and writable from this machine`);
    expect(r.err).toMatch(/ASHA study's promotions continue the checkpoints that other machines wrote there/);
  });

  it("refuses a checkpoint folder that is not the study's shared one", async () => {
    const ckpt = join(dir, 'ckpt');
    const study = await studyWithRecord({ config: plainConfig, budget: 3, checkpointDir: ckpt, heartbeatInterval: 20 });
    const missing = await cli(['worker', '--storage', storage, '--study', 's']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/not readable and writable from this machine/);
    // A folder of that name made here, without the marker `run` wrote, is not the shared one.
    markCheckpointDir(ckpt, study);
    writeFileSync(join(ckpt, '.tfjs-tune-study'), 'another\n1\n');
    const other = await cli(['worker', '--storage', storage, '--study', 's']);
    expect(other.err).toMatch(/is not the checkpoint folder of study "s"/);
    await study.storage.close();
  });

  it('run refuses a PostgreSQL storage without an absolute --checkpoints, and shows no password', async () => {
    const cfg = join(dir, 'c.yaml');
    writeFileSync(
      cfg,
      'model: mlp\ndataset: { name: synthetic-tabular, n: 60, nFeatures: 4, nInformative: 2, classes: 2 }\nmethod: random\ntrials: 2\nstudy: s\n',
    );
    const url = 'postgres://tune:sekrit-pw@127.0.0.1:1/studies';
    const r = await cli(['run', cfg, '--storage', url]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--checkpoints/);
    expect(r.err).not.toContain('sekrit-pw');
    const relative = await cli(['run', cfg, '--storage', url, '--checkpoints', 'rel/dir']);
    expect(relative.err).toMatch(/--checkpoints: got "rel\/dir"; expected an absolute path/);
  });
});

describe('tfjs-tune worker', () => {
  it('joins a run’s study, and on Ctrl-C fails its running trial and re-queues it with the same parameters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-worker-run-'));
    try {
      const storage = `sqlite:${join(dir, 's.db')}`;
      const cfg = join(dir, 'c.yaml');
      writeFileSync(
        cfg,
        'model: mlp\ndataset: { name: synthetic-tabular, n: 60, nFeatures: 4, nInformative: 2, classes: 2 }\nmethod: random\nparameters:\n  num_layers: { value: 1 }\nepochs: 1\ntrials: 1\nstudy: s\nseed: 2\n',
      );
      const ckpt = join(dir, 'ckpt');
      const run = await cli(['run', cfg, '--storage', storage, '--checkpoints', ckpt, '--workers', '1', '--quiet']);
      expect(run.code).toBe(0);
      // Give the worker more to do, and slow trials, so Ctrl-C lands mid-trial.
      const study = await tune.loadStudy({ studyName: 's', storage, logger: tune.logging.silentLogger });
      const record = study.systemAttrs[RUN_RECORD_KEY] as { config: Record<string, unknown> };
      expect(record).toMatchObject({ budget: 1, checkpointDir: join(ckpt, 's'), heartbeatInterval: 20 });
      await study.setSystemAttr(RUN_RECORD_KEY, {
        ...record,
        budget: 5,
        config: { ...record.config, epochs: 400 },
      } as never);
      await study.storage.close();

      const hook = require.resolve('../helpers/register-ts.js');
      const bin = join(__dirname, '..', '..', 'src', 'cli', 'bin.ts');
      const child = spawn(
        process.execPath,
        ['-r', hook, bin, 'worker', '--storage', storage, '--study', 's', '--workers', '1'],
        {
          stdio: 'ignore',
        },
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let running: tune.FrozenTrial | undefined;
      for (let i = 0; i < 600 && running === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const s = await tune.loadStudy({
          studyName: 's',
          storage,
          logger: tune.logging.silentLogger,
          heartbeatInterval: 0,
        });
        running = s.trials.find((t) => t.state === 'RUNNING' && Object.keys(t.params).length > 0);
        await s.storage.close();
      }
      expect(running).toBeDefined();
      child.kill('SIGINT');
      expect(await exited).toBe(130);

      const after = await tune.loadStudy({
        studyName: 's',
        storage,
        logger: tune.logging.silentLogger,
        heartbeatInterval: 0,
      });
      const failed = after.trials[running?.number ?? -1];
      expect(failed?.state).toBe('FAIL');
      expect(failed?.failReason).toMatch(/interrupted/);
      const retry = after.trials.find((t) => t.systemAttrs['retried_from'] === running?.number);
      expect(retry?.state).toBe('WAITING');
      expect(retry?.systemAttrs['fixed_params']).toEqual(failed?.params);
      expect(after.trials.filter((t) => t.state === 'RUNNING')).toEqual([]);
      await after.storage.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
