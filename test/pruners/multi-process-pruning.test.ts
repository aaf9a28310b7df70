import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadStudy } from '../../src/study/create-study';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import { silentLogger } from '../../src/util/logger';
import { pruningCurve, pruningPruner, type PrunerKind } from './fixtures/pruning-curves';
import { runCurves } from './helpers/run-curves';

const hook = require.resolve('../helpers/register-ts.js');
const workerScript = require.resolve('./fixtures/pruning-worker.ts');

function runWorker(job: object): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', hook, workerScript, JSON.stringify(job)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

/** What a pruning decision leaves behind: state, how far the trial ran, and its rung values. */
function outcome(t: FrozenTrial): [string, number | null, Record<string, unknown>] {
  const rungs = Object.fromEntries(Object.entries(t.systemAttrs).filter(([k]) => k.startsWith('completed_rung_')));
  return [t.state, t.lastStep, rungs];
}

describe('pruning with two processes on one SQLite study', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-prune-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('process B judges its trials against the rung values process A stored (ASHA and Hyperband)', async () => {
    const storage = `sqlite:${join(dir, 'study.db')}`;
    const kinds: PrunerKind[] = ['asha', 'hyperband'];
    const studies = kinds.map((pruner) => ({ studyName: `mp-${pruner}`, pruner }));
    // A runs trials 0-11 of each study and exits; then B, a fresh process with fresh pruners, runs 12-23.
    for (let i = 0; i < 2; i++) {
      expect(await runWorker({ storage, nTrials: 12, studies })).toEqual({ code: 0, stderr: '' });
    }
    const curves = Array.from({ length: 24 }, (_, k) => pruningCurve(k));
    for (const { studyName, pruner } of studies) {
      const shared = await loadStudy({ studyName, storage, logger: silentLogger });
      expect(shared.trials).toHaveLength(24);
      // One process running all 24 trials decides exactly the same, rung values included.
      const reference = await runCurves(pruningPruner(pruner), curves, { studyName });
      expect(shared.trials.map(outcome)).toEqual(reference.trials.map(outcome));
      expect(shared.trials.some((t) => t.state === 'PRUNED')).toBe(true);
      await shared.storage.close();

      if (pruner === 'asha') {
        // Had B not seen A's rung values, its own 12 trials would have been judged differently.
        const alone = await runCurves(pruningPruner(pruner), curves.slice(12), { studyName });
        expect(alone.trials.map((t) => t.state)).not.toEqual(shared.trials.slice(12).map((t) => t.state));
      }
    }
  });
});
