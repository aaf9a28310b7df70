/**
 * Per-trial overhead of ask + tell with the random sampler at 1,000 trials, in memory and in
 * SQLite, measured side by side in one run. Goal (foundation issue): < 0.2 ms in memory, < 2 ms
 * in SQLite. The objective is trivial, so this is the engine's own cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createStudy } from '../src';
import { silentLogger } from '../src/util/logger';
import type { BenchResult } from './result';

async function measure(
  storage: string | undefined,
  nTrials: number,
): Promise<{ msPerTrial: number; lastHundredMs: number }> {
  const study = await createStudy({
    storage: storage ?? 'memory',
    seed: 0,
    logger: silentLogger,
    heartbeatInterval: 0,
  });
  const times: number[] = [];
  for (let i = 0; i < nTrials; i++) {
    const t0 = performance.now();
    const trial = await study.ask();
    const x = trial.suggestFloat('x', -10, 10);
    const y = trial.suggestInt('y', 1, 100, { log: true });
    const c = trial.suggestCategorical('c', ['a', 'b', 'c']);
    await study.tell(trial, x * x + y + (c === 'a' ? 1 : 0));
    times.push(performance.now() - t0);
  }
  await study.storage.close();
  const total = times.reduce((s, t) => s + t, 0);
  const last = times.slice(-100).reduce((s, t) => s + t, 0) / 100;
  return { msPerTrial: total / nTrials, lastHundredMs: last };
}

export async function askTellOverhead(): Promise<BenchResult> {
  const nTrials = 1000;
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-bench-'));
  try {
    await measure(undefined, 50); // warm the JIT before timing
    const memory = await measure(undefined, nTrials);
    const sqlite = await measure(`sqlite:${join(dir, 'bench.db')}`, nTrials);
    return {
      name: 'ask-tell-overhead',
      description: `ask + 3 suggests + tell, random sampler, ${nTrials} trials`,
      rows: [
        { storage: 'memory', msPerTrial: memory.msPerTrial, msPerTrialLast100: memory.lastHundredMs, goalMs: 0.2 },
        { storage: 'sqlite', msPerTrial: sqlite.msPerTrial, msPerTrialLast100: sqlite.lastHundredMs, goalMs: 2 },
      ],
      ratios: { sqliteOverMemory: sqlite.msPerTrial / memory.msPerTrial },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
