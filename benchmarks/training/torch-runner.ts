/**
 * Runs ./torch_anchor.py with `/usr/bin/python3` (one thread: OMP/OpenBLAS/MKL and torch's own) and
 * reads its JSON line. Never installs anything: the benchmark set-up may `apt-get install -y
 * python3-torch`; without it every call returns the reason as a string.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { CaseName } from './zoo-cases';

export const PYTHON = '/usr/bin/python3';
/** One thread per process, set before Python imports torch or numpy. */
export const ONE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

export interface TorchTiming {
  readonly torch: string;
  readonly threads: number;
  readonly params: number;
  readonly steps: number;
  readonly msPerStep: number;
  readonly samplesPerSec: number;
  /** With `profile`: self CPU ms per step by layer kind (torch.profiler). */
  readonly kinds?: Readonly<Record<string, number>>;
}

/**
 * A benchmark's Python script by its path under benchmarks/, whether this runs from the sources or
 * from dist/ (where no .py is copied): looked up beside the sources from the working directory.
 */
export function benchScript(relative: string): string | undefined {
  return [join(__dirname, '..', relative), join(process.cwd(), 'benchmarks', relative)].find((p) => existsSync(p));
}

function scriptPath(): string | undefined {
  return benchScript(join('training', 'torch_anchor.py'));
}

/** Why torch cannot run here, or undefined when it can. */
export function torchUnavailable(): string | undefined {
  if (scriptPath() === undefined) return 'torch_anchor.py not found';
  return pythonLacks({ torch: 'python3-torch' });
}

/** Why `/usr/bin/python3` cannot import these modules (module → Debian package), or undefined. */
export function pythonLacks(modules: Readonly<Record<string, string>>): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  for (const [module, pkg] of Object.entries(modules)) {
    const probe = spawnSync(PYTHON, ['-c', `import ${module}`], {
      encoding: 'utf8',
      env: { ...process.env, ...ONE_THREAD },
    });
    if (probe.status !== 0) return `${PYTHON} cannot import ${module} (apt-get install -y ${pkg})`;
  }
  return undefined;
}

/**
 * Runs a benchmark's Python script (by its path under benchmarks/) with one thread and parses the
 * JSON of its last output line; a string says why it could not.
 */
export function runPythonJson(relative: string, args: readonly string[]): Record<string, unknown> | string {
  const script = benchScript(relative);
  const name = relative.split('/').pop() ?? relative;
  if (script === undefined) return `${name} not found`;
  const res = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', env: { ...process.env, ...ONE_THREAD } });
  const line = res.stdout.trim().split('\n').pop() ?? '';
  if (res.status !== 0) return `${name} failed (${res.status}): ${(line || res.stderr).slice(-300)}`;
  return JSON.parse(line) as Record<string, unknown>;
}

/** Times `steps` Adam steps (after `warmup` more) of the torch twin of `model`; a string says why not. */
export function runTorchAnchor(
  model: CaseName,
  warmup: number,
  steps: number,
  batch: number,
  profile = false,
): TorchTiming | string {
  const args = [
    '--model',
    model,
    '--warmup',
    String(warmup),
    '--steps',
    String(steps),
    '--batch',
    String(batch),
    ...(profile ? ['--profile'] : []),
  ];
  const out = runPythonJson(join('training', 'torch_anchor.py'), args);
  if (typeof out === 'string') return out;
  const num = (key: string): number => (typeof out[key] === 'number' ? out[key] : Number.NaN);
  return {
    torch: String(out['torch']),
    threads: num('threads'),
    params: num('params'),
    steps: num('steps'),
    msPerStep: num('ms_per_step'),
    samplesPerSec: num('samples_per_sec'),
    ...(typeof out['kinds'] === 'object' && out['kinds'] !== null
      ? { kinds: out['kinds'] as Record<string, number> }
      : {}),
  };
}
