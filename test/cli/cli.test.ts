import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('tfjs-tune CLI', () => {
  let dir: string;
  let storage: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-cli-'));
    storage = `sqlite:${join(dir, 'cli.db')}`;
    const study = await tune.createStudy({ studyName: 'alpha', storage, seed: 1, logger: tune.logging.silentLogger });
    await study.optimize(
      (t) => {
        const x = t.suggestFloat('x', 0, 1);
        if (t.number === 2) throw new Error('bad, "quoted", value');
        return x;
      },
      { nTrials: 4 },
    );
    await tune.createStudy({
      studyName: 'beta',
      storage,
      directions: ['minimize', 'maximize'],
      logger: tune.logging.silentLogger,
    });
    await study.storage.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('studies lists name, directions, trials by state and best value', async () => {
    const r = await cli(['studies', '--storage', storage]);
    expect(r.code).toBe(0);
    const alpha = r.out.split('\n').find((l) => l.startsWith('alpha')) ?? '';
    expect(alpha).toMatch(/alpha\s+minimize\s+4\s+3\/0\/1\/0\/0/);
    const best = Math.min(
      ...(await tune.loadStudy({ studyName: 'alpha', storage }))
        .getTrials({ states: ['COMPLETE'] })
        .map((t) => t.value as number),
    );
    expect(alpha).toContain(String(Number(best.toPrecision(5))));
    expect(r.out).toMatch(/beta\s+minimize,maximize\s+0/);
  });

  it('studies --json is machine-readable', async () => {
    const r = await cli(['studies', '--storage', storage, '--json']);
    const parsed = JSON.parse(r.out) as { studyName: string; nTrials: number }[];
    expect(parsed.map((s) => [s.studyName, s.nTrials])).toEqual([
      ['alpha', 4],
      ['beta', 0],
    ]);
  });

  it('trials --format csv quotes fields and has one row per trial', async () => {
    const r = await cli(['trials', 'alpha', '--storage', storage, '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('number,state,value,params_x,duration_s,fail_reason');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('"Error: bad, ""quoted"", value"');
  });

  it('trials --format json round-trips the trials', async () => {
    const r = await cli(['trials', 'alpha', '--storage', storage, '--format=json']);
    const parsed = JSON.parse(r.out) as { number: number; state: string }[];
    expect(parsed.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'FAIL', 'COMPLETE']);
  });

  it.each([
    [['nope'], 2, /unknown command "nope"/],
    [['studies', '--storage', 'sqlite:/no/such/file.db'], 2, /--storage.*existing SQLite file/],
    [['studies', '--strage', 'x'], 2, /option: got "--strage"; expected one of --storage/],
    [
      ['trials', 'alpha', '--format', 'xml', '--storage', 'memory'],
      2,
      /--format: got "xml"; expected table, csv, json/,
    ],
    [['trials', 'missing', '--storage', 'PLACEHOLDER'], 1, /no study named "missing"/],
  ])('%j fails with one clear line', async (argv, code, message) => {
    const r = await cli(argv.map((a) => (a === 'PLACEHOLDER' ? storage : a)));
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1); // no stack trace without --verbose
  });

  it('--verbose adds the stack trace', async () => {
    const r = await cli(['trials', 'missing', '--storage', storage, '--verbose']);
    expect(r.err.split('\n').length).toBeGreaterThan(2);
  });

  it('--help documents the verbs', async () => {
    const r = await cli(['--help']);
    expect(r.out).toMatch(/studies/);
    expect(r.out).toMatch(/trials/);
    expect((await cli(['trials', '--help'])).out).toMatch(/--format/);
  });

  it("help <cmd> and <cmd> --help print that command's help; unknown topics the main help", async () => {
    for (const verb of ['run', 'studies', 'trials', 'report', 'worker', 'import', 'export', 'init']) {
      const viaHelp = await cli(['help', verb]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.out).toMatch(new RegExp(`Usage: tfjs-tune ${verb}\\b`));
      expect((await cli([verb, '--help'])).out).toBe(viaHelp.out);
    }
    expect((await cli(['help', 'nope'])).out).toMatch(/^tfjs-tune — hyperparameter tuning/);
  });

  it('--help and a light command load neither tfjs nor pg (command modules load when they run)', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@tensorflow/tfjs', () => {
        throw new Error('tfjs was loaded');
      });
      jest.doMock('pg', () => {
        throw new Error('pg was loaded');
      });
      const isolated = await import('../../src/cli/main');
      let out = '';
      const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
      expect(await isolated.main(['--help'], io)).toBe(0);
      expect(await isolated.main(['studies', '--storage', storage], io)).toBe(0);
      expect(out).toMatch(/alpha/);
    });
  });

  it('the built bin runs (npm ci builds it through prepare)', () => {
    const bin = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'bin.js');
    expect(existsSync(bin)).toBe(true);
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/Usage: tfjs-tune/);
  });
});
