import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { ParentsProbe, type ParentsSeen } from './fixtures/nsgaii-probe';

const hook = require.resolve('../helpers/register-ts.js');
const workerScript = require.resolve('./fixtures/nsgaii-worker.ts');

function runWorker(job: object): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', hook, workerScript, JSON.stringify(job)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('NSGA-II across two processes on one SQLite file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-nsga-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('both processes breed each generation from the same parents, the ones the stored trials replay to', async () => {
    const storage = `sqlite:${join(dir, 'study.db')}`;
    const P = 6;
    const results = await Promise.all(
      [0, 1].map(() => runWorker({ storage, nTrials: 30, populationSize: P, barrier: dir, workers: 2 })),
    );
    for (const r of results) expect(r).toEqual({ code: 0, stderr: '' });

    const study = await tune.loadStudy({ studyName: 'nsga', storage, logger: tune.logging.silentLogger });
    expect(study.trials).toHaveLength(60);
    const seen = new Map<number, string>();
    const pids = new Map<number, Set<unknown>>();
    for (const t of study.trials) {
      const p = t.userAttrs['parents'] as unknown as ParentsSeen;
      const key = JSON.stringify(p.parents);
      if (!seen.has(p.generation)) seen.set(p.generation, key);
      expect([p.generation, key]).toEqual([p.generation, seen.get(p.generation)]);
      if (!pids.has(p.generation)) pids.set(p.generation, new Set());
      pids.get(p.generation)?.add(t.userAttrs['pid']);
    }
    // Several generations were bred, each from P parents, and both processes bred in some of them.
    expect(seen.size).toBeGreaterThanOrEqual(4);
    for (const [g, key] of seen) if (g > 0) expect(JSON.parse(key)).toHaveLength(P);
    expect([...pids].filter(([g, s]) => g > 0 && s.size === 2).length).toBeGreaterThanOrEqual(2);

    // A fresh sampler replaying the stored trials reaches the same parents for every generation.
    const probe = new ParentsProbe({ seed: 7, populationSize: P });
    const last = study.trials[study.trials.length - 1] as tune.FrozenTrial;
    probe.sampleRelative(study, last, probe.inferRelativeSearchSpace(study));
    for (const [g, key] of seen) if (g > 0) expect([g, JSON.stringify(probe.history.get(g))]).toEqual([g, key]);
  }, 60_000);
});
