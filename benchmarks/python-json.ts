import { spawn } from 'node:child_process';

import { benchScript, PYTHON } from './training/torch-runner';

/**
 * Runs a benchmark's Python anchor (`relative` under benchmarks/) in the background: `input` as
 * JSON on its stdin, its stdout parsed as JSON. Resolves to the result, or to why there is none
 * (script missing, Python not starting, a non-zero exit with the end of its stderr), so a bench
 * can mark the anchor's columns missing instead of failing.
 */
export function runPythonJson<T>(relative: string, input: unknown, env: NodeJS.ProcessEnv): Promise<T | string> {
  const script = benchScript(relative);
  const name = relative.split('/').at(-1) as string;
  if (script === undefined) return Promise.resolve(`${name} not found`);
  const child = spawn(PYTHON, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(JSON.stringify(input));
  return new Promise((resolve) => {
    child.on('error', (e) => resolve(`${PYTHON} failed to start: ${e.message}`));
    child.on('exit', (code) => resolve(code === 0 ? (JSON.parse(out) as T) : `${name} failed: ${err.slice(-500)}`));
  });
}
