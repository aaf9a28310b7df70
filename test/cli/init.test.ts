import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main } from '../../src/cli/main';
import { validateConfig } from '../../src/cli/config/schema';
import { parse } from 'yaml';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('tfjs-tune init', () => {
  const cwd = process.cwd();
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-init-'));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a shipped example config that validates, and will not overwrite it without --force', async () => {
    expect((await cli(['init', '--list'])).out.split('\n')).toEqual(
      expect.arrayContaining(['cifar-cnn', 'tabular-mlp', 'imdb-lstm']),
    );
    const r = await cli(['init', 'tabular-mlp']);
    expect(r).toEqual({ code: 0, out: 'wrote tabular-mlp.yaml; next: tfjs-tune run tabular-mlp.yaml\n', err: '' });
    const text = readFileSync(join(dir, 'tabular-mlp.yaml'), 'utf8');
    expect(text).toMatch(/^# tfjs-tune run tabular-mlp\.yaml/);
    expect(validateConfig(parse(text), { studyFromFile: 'x' }).study).toBe('tabular-mlp');
    const again = await cli(['init', 'tabular-mlp']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/--force to overwrite/);
    expect((await cli(['init', 'tabular-mlp', '--force'])).code).toBe(0);
    expect((await cli(['init', 'nope'])).err).toMatch(/EXAMPLE: got "nope"; expected one of .*cifar-cnn/);
  });
});
