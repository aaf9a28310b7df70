/**
 * The package a user installs: `npm pack`, `npm install <tarball>` into a fresh project, then the
 * README's quick start from there (tfjs-tune init, run, resume, studies, trials).
 *
 * Offline where it can be: the dependencies come from npm's cache (`--prefer-offline`; CI's `npm ci`
 * has just filled it) or the npm registry, pinned by `overrides` to the versions this checkout has
 * installed. Install scripts are skipped (`--ignore-scripts`: better-sqlite3 would otherwise download
 * a prebuilt binary from GitHub or compile one), and the compiled binding this checkout already has is
 * copied in: the same version of the same package, built for this Node.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Manifest {
  version: string;
  dependencies: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

describe('the packed package', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-pack-'));
    // CI builds dist/ in `npm ci` (the prepare script); a fresh local checkout may not have yet.
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'bin.js')))
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
        cwd: ROOT,
      });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs from its tarball and runs the quick start', () => {
    const packed = JSON.parse(
      execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const { filename, files } = packed[0] as { filename: string; files: { path: string }[] };
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'examples/cifar-cnn.yaml', 'dist/src/cli/bin.js']));
    expect(paths.filter((p) => /(^|\/)benchmarks\//.test(p) || p.startsWith('test/'))).toEqual([]);

    const project = join(dir, 'project');
    const own = manifest(ROOT);
    const overrides = Object.fromEntries(
      Object.keys(own.dependencies).map((dep) => [dep, manifest(join(ROOT, 'node_modules', dep)).version]),
    );
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh', private: true, overrides }));
    execFileSync(
      NPM,
      [
        'install',
        '--prefer-offline',
        '--ignore-scripts',
        '--omit=optional',
        '--no-audit',
        '--no-fund',
        join(dir, filename),
      ],
      { cwd: project, stdio: 'pipe' },
    );
    for (const dep of Object.keys(own.dependencies)) {
      const build = join(ROOT, 'node_modules', dep, 'build', 'Release');
      if (existsSync(build)) cpSync(build, join(project, 'node_modules', dep, 'build', 'Release'), { recursive: true });
    }
    const bin = join(project, 'node_modules', '.bin', 'tfjs-tune');
    const tfjsTune = (...args: string[]): string =>
      execFileSync(bin, args, { cwd: project, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

    expect(tfjsTune('--version').trim()).toBe(own.version);
    expect(tfjsTune('init', 'tabular-mlp')).toMatch(/wrote tabular-mlp\.yaml/);
    expect(tfjsTune('run', 'tabular-mlp.yaml', '--trials', '1', '--workers', '1', '--quiet')).toMatch(
      /done: 1 trials in study "tabular-mlp" \(1 complete/,
    );
    expect(tfjsTune('run', 'tabular-mlp.yaml', '--resume', '--trials', '1', '--workers', '1', '--quiet')).toMatch(
      /done: 2 trials/,
    );
    expect(tfjsTune('studies')).toMatch(/tabular-mlp\s+maximize\s+2/);
    expect(tfjsTune('trials', 'tabular-mlp', '--format', 'csv').trim().split('\n')).toHaveLength(3);
  }, 600_000);
});
