import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/cli/config/schema';
import { quietTfjsWarnings, sanityWarnings } from '../../src/cli/run/preflight';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const hash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A small valid config; `extra` lines are appended (a later key wins over none: keys must not repeat). */
const config = (lines: Record<string, string>): string =>
  Object.entries({
    model: 'mlp',
    dataset: '{ name: synthetic-tabular, n: 60, nFeatures: 4, nInformative: 2, classes: 2 }',
    epochs: '1',
    trials: '1',
    study: 'pre',
    ...lines,
  })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

/** Each refused config: its lines, and what the one-line error must name. */
const REFUSED: readonly { what: string; lines: Record<string, string>; error: RegExp }[] = [
  {
    what: 'a grid over a continuous range',
    lines: { method: 'grid', parameters: '{ learning_rate: { min: 0.001, max: 0.1, distribution: log_uniform } }' },
    error: /parameters\.learning_rate\.distribution: got "log_uniform".*continuous range has no grid/,
  },
  {
    what: 'a CNN on tabular data (dry build + one batch)',
    lines: { model: 'cnn' },
    error: /model: got "cnn"; expected a model that fits the data's shape: input \[4\] per sample, 2 classes/,
  },
  {
    what: 'numbers for a categorical of strings',
    lines: { parameters: '{ activation: { values: [1, 2] } }' },
    error: /parameters\.activation\.values\[0\]: got 1; expected values of type string/,
  },
  {
    what: 'a string for an integer parameter',
    lines: { parameters: '{ num_layers: { value: two } }' },
    error: /parameters\.num_layers\.value: got "two"; expected integers/,
  },
  {
    what: 'a float range for integer choices',
    lines: { parameters: '{ batch_size: { min: 16, max: 64 } }' },
    error: /parameters\.batch_size\.distribution: got "uniform"; expected int_uniform/,
  },
  {
    what: 'a fraction for an integer',
    lines: { parameters: '{ units_1: { values: [32, 40.5] } }' },
    error: /parameters\.units_1\.values\[1\]: got 40\.5; expected integers/,
  },
];

describe('tfjs-tune run checks the config whole before a study exists', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-pre-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(REFUSED)('refuses $what, creating no SQLite file', async ({ lines, error }) => {
    const cfg = join(dir, 'refused.yaml');
    writeFileSync(cfg, config(lines));
    const db = join(dir, 'never.db');
    const r = await cli(['run', cfg, '--storage', `sqlite:${db}`, '--workers', '1', '--quiet']);
    expect(r.err).toMatch(error);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(join(dir, 'tfjs-tune-checkpoints'))).toBe(false);
  });

  it('leaves an existing SQLite file byte for byte unchanged for every refused config', async () => {
    const db = join(dir, 'existing.db');
    const storage = `sqlite:${db}`;
    const study = await tune.createStudy({ studyName: 'other', storage, logger: tune.logging.silentLogger });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 2 });
    await study.storage.close();
    const before = hash(db);
    const cfg = join(dir, 'refused.yaml');
    for (const { lines } of REFUSED) {
      writeFileSync(cfg, config(lines));
      expect((await cli(['run', cfg, '--storage', storage, '--workers', '1', '--quiet'])).code).toBe(2);
    }
    expect((await cli(['run', cfg, 'extra.yaml', '--storage', storage])).code).toBe(2);
    writeFileSync(cfg, config({}));
    const resume = await cli(['run', cfg, '--storage', storage, '--resume', '--workers', '1']);
    expect(resume.err).toMatch(/--resume: got "pre"; expected an existing study \(none named "pre" in sqlite:/);
    expect(resume.code).toBe(2);
    expect(hash(db)).toBe(before);
    const summaries = await tune.getAllStudySummaries({ storage });
    expect(summaries.map((s) => s.studyName)).toEqual(['other']);
  });

  it('refuses a second positional argument, naming it', async () => {
    const cfg = join(dir, 'ok.yaml');
    writeFileSync(cfg, config({}));
    const r = await cli(['run', cfg, 'second.yaml', '--storage', `sqlite:${join(dir, 'pos.db')}`]);
    expect(r.err).toMatch(/argument 2: got "second\.yaml"; expected nothing here: the command takes only CONFIG/);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'pos.db'))).toBe(false);
  });

  it('warns, naming the number, on epochs far beyond sane and on more workers than cores', async () => {
    const cfg = join(dir, 'big.yaml');
    writeFileSync(cfg, config({ epochs: '5000', trials: '50000' }));
    // --resume of a study that does not exist stops the run after the warnings, before any work.
    const db = join(dir, 'big.db');
    const r = await cli(['run', cfg, '--storage', `sqlite:${db}`, '--resume', '--workers', '100000']);
    expect(r.err).toMatch(/warning: epochs 5000 is far beyond the usual range/);
    expect(r.err).toMatch(/warning: trials 50000 is far beyond the usual range/);
    expect(r.err).toMatch(/warning: --workers 100000 is more than the \d+ core\(s\) here/);
    expect(r.err).toMatch(/--resume: got "pre"; expected an existing study \(no SQLite file/);
    expect(r.code).toBe(2);
    expect(existsSync(db)).toBe(false);
    const quiet = sanityWarnings(
      validateConfig({ model: 'mlp', dataset: 'synthetic-tabular' }, { studyFromFile: 'x' }),
      4,
    );
    expect(quiet).toEqual([]);
  });

  it('refuses a binary file as config in one line, and shows a YAML warning once on one line', async () => {
    const png = join(dir, 'image.yaml');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]));
    const bin = await cli(['run', png]);
    expect(bin.err).toMatch(
      /^tfjs-tune run: error: CONFIG: got ".*image\.yaml"; expected a YAML or JSON text file \(this one is binary\)\n$/,
    );
    expect(bin.code).toBe(2);

    const tagged = join(dir, 'tagged.yaml');
    writeFileSync(tagged, `${config({ model: 'cnn' })}\ndescription: !note tuned by hand\n`);
    const warned = await cli(['run', tagged, '--storage', `sqlite:${join(dir, 'tag.db')}`, '--quiet']);
    const warnings = warned.err.split('\n').filter((l) => l.startsWith('warning: YAML:'));
    expect(warnings).toHaveLength(1);
    expect(warned.err).not.toMatch(/\(node:\d+\)/);
    expect(warned.code).toBe(2); // the CNN on a table is still refused
  });

  it('lists no memory storage it cannot run, and refuses it before any work', async () => {
    expect((await cli(['--help'])).out).not.toMatch(/memory/);
    const cfg = join(dir, 'mem.yaml');
    writeFileSync(cfg, config({}));
    const r = await cli(['run', cfg, '--storage', 'memory']);
    expect(r.err).toMatch(/storage: got "memory"; expected a file storage/);
    expect(r.code).toBe(2);
  });

  it('loadStudy of a SQLite file that does not exist is an error and creates no file', async () => {
    const db = join(dir, 'missing.db');
    await expect(tune.loadStudy({ studyName: 'x', storage: `sqlite:${db}` })).rejects.toThrow(
      tune.errors.StudyNotFoundError,
    );
    expect(existsSync(db)).toBe(false);
  });

  it('accepts --verbose on every command the help lists', async () => {
    const db = join(dir, 'verbose.db');
    const s = await tune.createStudy({ studyName: 'v', storage: `sqlite:${db}`, logger: tune.logging.silentLogger });
    await s.storage.close();
    for (const argv of [
      ['studies'],
      ['trials', 'v'],
      ['report', 'v', '--out', join(dir, 'v.html')],
      ['export', '--format', 'optuna-journal', '--out', join(dir, 'v.jsonl')],
    ]) {
      const r = await cli([...argv, '--storage', `sqlite:${db}`, '--verbose']);
      expect([argv[0], r.code, r.err]).toEqual([argv[0], 0, '']);
    }
  });

  it("keeps tfjs's initializer and backend chatter out, and prints any other warning once", () => {
    const seen: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]): void => void seen.push(args.map(String).join(' '));
    try {
      const restore = quietTfjsWarnings();
      console.warn(
        'Orthogonal initializer is being called on a matrix with more than 2000 (4096) elements: Slowness may result.',
      );
      console.warn('\n====\nHi, looks like you are running TensorFlow.js in Node.js. To speed things up ...');
      console.warn('something else');
      console.warn('something else');
      restore();
      console.warn('after');
    } finally {
      console.warn = original;
    }
    expect(seen).toEqual(['something else', 'after']);
  });
});
