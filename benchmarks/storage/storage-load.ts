/**
 * `npm run bench -- storage-load`: many client processes on one PostgreSQL study, tfjs-tune's
 * PostgresStorage beside Optuna's RDBStorage (Debian's python3-optuna over python3-psycopg2;
 * `npm run bench:setup` installs them) on the same throwaway server. Each client runs ask + 3
 * suggests + tell on a cheap objective with a random sampler for a fixed time. Reported: trials per
 * second, the 99th-percentile ask latency, errors, the retries our storage made, and deadlocks (the
 * server's own count for the database, so both sides are counted alike).
 *
 * STORAGE_LOAD_CLIENTS=4,16,32 and STORAGE_LOAD_SECONDS=15 (the defaults) change the sizes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { extname, join } from 'node:path';
import { Client } from 'pg';

import { PostgresStorage } from '../../src/storage/postgres';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres-server';
import type { BenchResult } from '../result';

const PYTHON = process.env['OPTUNA_PYTHON'] ?? '/usr/bin/python3';
const OURS = join(__dirname, `load-client${extname(__filename)}`);
// The Python client is not compiled: beside this file under ts, in the source tree when built.
const OPTUNA =
  extname(__filename) === '.ts'
    ? join(__dirname, 'load_client_optuna.py')
    : join(__dirname, '..', '..', '..', 'benchmarks', 'storage', 'load_client_optuna.py');

interface ClientResult {
  trials: number;
  errors: number;
  askMs: number[];
  retries: number;
  deadlocks: number;
}

function p99(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] as number;
}

/** Starts `n` clients, waits until every one is ready, says go to all at once, collects their results. */
async function runClients(cmd: string, argsFor: (i: number) => string[], n: number): Promise<ClientResult[]> {
  const clients = Array.from({ length: n }, (_, i) => {
    const child = spawn(cmd, argsFor(i), { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n')) markReady();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<ClientResult>((resolve, reject) =>
      child.on('exit', (code) => {
        const last = out.trim().split('\n').pop() ?? '';
        if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ClientResult);
        else reject(new Error(`client ${i} exited with ${code}: ${err.slice(-1000)}`));
      }),
    );
    return { child, ready: Promise.race([ready, done.then(() => undefined)]), done };
  });
  await Promise.all(clients.map((c) => c.ready));
  for (const c of clients) c.child.stdin.end('go\n');
  return Promise.all(clients.map((c) => c.done));
}

async function serverDeadlocks(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const r = await client.query<{ deadlocks: string }>(
    'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()',
  );
  await client.end();
  return Number(r.rows[0]?.deadlocks ?? 0);
}

function optunaAvailable(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import optuna, psycopg2'], { stdio: 'pipe' });
    return null;
  } catch {
    return `${PYTHON} cannot import optuna and psycopg2 (run npm run bench:setup)`;
  }
}

async function side(
  pg: ThrowawayPostgres,
  name: 'tfjs-tune' | 'optuna',
  n: number,
  seconds: number,
  database: string,
): Promise<Record<string, string | number>> {
  const url = pg.createDatabase(database);
  let results: ClientResult[];
  if (name === 'tfjs-tune') {
    const storage = new PostgresStorage(url);
    await storage.createStudy('load', ['minimize']);
    await storage.close();
    const hook =
      extname(__filename) === '.ts' ? ['-r', join(__dirname, '..', '..', 'test', 'helpers', 'register-ts.js')] : [];
    results = await runClients(process.execPath, (i) => [...hook, OURS, url, 'load', String(i), String(seconds)], n);
  } else {
    const sa = url.replace(/^postgres:/, 'postgresql+psycopg2:');
    execFileSync(PYTHON, ['-c', `import optuna; optuna.create_study(study_name="load", storage="${sa}")`], {
      stdio: 'pipe',
    });
    results = await runClients(PYTHON, (i) => [OPTUNA, sa, 'load', String(i), String(seconds)], n);
  }
  const trials = results.reduce((s, r) => s + r.trials, 0);
  return {
    storage: name,
    clients: n,
    seconds,
    trials,
    'trials/s': trials / seconds,
    'p99 ask ms': p99(results.flatMap((r) => r.askMs)),
    errors: results.reduce((s, r) => s + r.errors, 0),
    retries: results.reduce((s, r) => s + r.retries, 0),
    deadlocks: await serverDeadlocks(url),
  };
}

export async function storageLoad(): Promise<BenchResult> {
  const sizes = (process.env['STORAGE_LOAD_CLIENTS'] ?? '4,16,32').split(',').map(Number);
  const seconds = Number(process.env['STORAGE_LOAD_SECONDS'] ?? '15');
  const missing = optunaAvailable();
  if (missing !== null) throw new Error(`storage-load: ${missing}`);
  const pg = await startThrowawayPostgres({ maxConnections: 400 });
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  try {
    for (const n of sizes) {
      const ours = await side(pg, 'tfjs-tune', n, seconds, `ours_${n}`);
      const theirs = await side(pg, 'optuna', n, seconds, `optuna_${n}`);
      rows.push(ours, theirs);
      ratios[`trials/s tfjs-tune ÷ Optuna, ${n} clients`] =
        (ours['trials/s'] as number) / (theirs['trials/s'] as number);
      ratios[`p99 ask latency Optuna ÷ tfjs-tune, ${n} clients`] =
        (theirs['p99 ask ms'] as number) / (ours['p99 ask ms'] as number);
    }
  } finally {
    pg.stop();
  }
  const version = execFileSync(PYTHON, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' }).trim();
  return {
    name: 'storage-load',
    description: [
      `N client processes on one study, each looping ask + 3 suggests + tell (random sampler, a cheap objective) for ${seconds} s; tfjs-tune's PostgresStorage and Optuna ${version}'s RDBStorage (SQLAlchemy + psycopg2) on the same throwaway PostgreSQL 15 (fsync off, on this machine), one fresh database per row. Neither side runs heartbeats.`,
      `Machine: ${cpus().length} cores shared with other work, so the clients, both runtimes and the server compete for the same cores: absolute rates are low and the ratios are what to read. Goal: ≥ 5× Optuna's trials/s at 32 clients, zero errors.`,
      "Deadlocks are the server's count for the row's database (pg_stat_database); retries are the transient failures our storage retried.",
    ].join(' '),
    rows,
    ratios,
  };
}
