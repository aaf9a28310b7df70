/**
 * A user's jest project that imports `tfjs-tune/testing` through the package's `exports` and runs
 * the sampler contract on its own toy sampler: a plain-JS test file (no transform), the package
 * linked into its node_modules, jest run in a child process. It runs against the built package
 * (dist/), which `npm ci` builds through the `prepare` script.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');

/** Implements the public Sampler interface with no import from tfjs-tune at all. */
const TOY_SAMPLER_TEST = `
const { describeSamplerContract } = require('tfjs-tune/testing');

/** A uniform number in [0, 1) from a string (FNV-1a, then a xorshift mix). */
function unit(key) {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h ^= h >>> 13; h = Math.imul(h, 0x5bd1e995); h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

class ToySampler {
  constructor(seed) { this.seed = seed; }
  inferRelativeSearchSpace() { return {}; }
  sampleRelative() { return {}; }
  sampleIndependent(study, trial, name, d) {
    const u = unit(this.seed + '/' + trial.number + '/' + name);
    if (d.type === 'categorical') return d.choices[Math.floor(u * d.choices.length)];
    if (d.log) {
      const v = Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low)));
      return d.type === 'int' ? Math.min(d.high, Math.max(d.low, Math.round(v))) : Math.min(d.high, v);
    }
    const step = d.step; // null on a continuous float
    if (step === null) return d.low + u * (d.high - d.low);
    const k = Math.floor(u * (Math.floor((d.high - d.low) / step + 1e-9) + 1));
    return d.low + k * step;
  }
}

describeSamplerContract('ToySampler', (seed) => new ToySampler(seed), { nTrials: 10 });
`;

describe('tfjs-tune/testing in a user project', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-user-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs describeSamplerContract on a toy sampler through the package exports', () => {
    if (!existsSync(join(REPO, 'dist/src/testing/index.js'))) {
      throw new Error('dist/src/testing is missing: run `npm run build` first (this test runs the built package)');
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'toy-user', private: true }));
    writeFileSync(
      join(dir, 'jest.config.js'),
      "module.exports = { testEnvironment: 'node', testMatch: ['**/*.test.js'], transform: {} };\n",
    );
    writeFileSync(join(dir, 'toy-sampler.test.js'), TOY_SAMPLER_TEST);
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO, join(dir, 'node_modules', 'tfjs-tune'), 'dir');

    const out = join(dir, 'result.json');
    const jest = spawnSync(
      process.execPath,
      [
        join(REPO, 'node_modules/jest/bin/jest.js'),
        '--rootDir',
        dir,
        '--ci',
        '--json',
        '--outputFile',
        out,
        '--cacheDirectory',
        join(dir, '.jest-cache'),
      ],
      { cwd: dir, encoding: 'utf8', timeout: 100_000 },
    );
    const detail = `jest exited ${jest.status}:\n${jest.stderr}`;
    expect({ status: jest.status, detail }).toEqual({ status: 0, detail });
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numTotalTests: number;
    };
    // The sampler contract's eight tests, the two-objective one included.
    expect(result).toMatchObject({ numPassedTests: 8, numFailedTests: 0, numTotalTests: 8 });
  }, 120_000);
});
