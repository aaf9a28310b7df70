/**
 * Merges the per-seed columns of several real-training results of one case (the default seeds, and
 * others run as separate processes with MF_SEEDS) into one table over all their seeds: real training
 * is slow, so seeds are spread over processes and cores, and a median over 3 seeds moves a lot.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchResult } from '../result';

interface SeedColumns {
  readonly epochs: number[];
  readonly best: number[];
}

function median(xs: readonly number[]): number {
  const v = xs.slice().sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

const parseSeeds = (cell: unknown): number[] =>
  String(cell)
    .split(' / ')
    .map((x) => (x === 'never' ? Infinity : Number(x)));

/** Reads `multifidelity-real-<caseName>*.json` (not earlier merges) from `dir` and merges them. */
export function mergeRealTraining(caseName: string, dir = join('benchmarks', 'results')): BenchResult {
  const files = readdirSync(dir).filter(
    (f) => f.startsWith(`multifidelity-real-${caseName}`) && f.endsWith('.json') && !f.includes('all-seeds'),
  );
  const byMethod = new Map<string, SeedColumns>();
  const order: string[] = [];
  let seedCount = 0;
  for (const file of files.sort()) {
    const result = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BenchResult;
    for (const row of result.rows) {
      const method = String(row['method']);
      if (row['epochsToTargetBySeed'] === undefined) throw new Error(`${file}: no per-seed columns (rerun it)`);
      if (!byMethod.has(method)) {
        byMethod.set(method, { epochs: [], best: [] });
        order.push(method);
      }
      const acc = byMethod.get(method) as SeedColumns;
      acc.epochs.push(...parseSeeds(row['epochsToTargetBySeed']));
      acc.best.push(...parseSeeds(row['bestFinalAccBySeed']));
    }
    seedCount += parseSeeds(result.rows[0]?.['epochsToTargetBySeed']).length;
  }
  const base = byMethod.get(order[0] ?? '') ?? { epochs: [], best: [] };
  const rows = order.map((method) => {
    const acc = byMethod.get(method) as SeedColumns;
    const epochs = median(acc.epochs);
    return {
      method,
      epochsToTargetMedian: Number.isFinite(epochs) ? epochs : 'never',
      speedUp: median(base.epochs) / epochs,
      reachedTarget: `${acc.epochs.filter(Number.isFinite).length}/${acc.epochs.length}`,
      withinAThirdOfRandom: `${acc.epochs.filter((e, i) => e * 3 <= (base.epochs[i] ?? NaN)).length}/${acc.epochs.length}`,
      bestFinalAccMean: acc.best.reduce((a, b) => a + b, 0) / acc.best.length,
    };
  });
  return {
    name: `multifidelity-real-${caseName}-all-seeds`,
    description:
      `The real-training results for ${caseName} in ${files.join(', ')}, merged over their ${seedCount} seeds: ` +
      `median epochs to the target (per seed: best val_acc random-full finds, within 1 point), the speed-up ` +
      `against random-full's median, the seeds where the method needed at most a third of random-full's epochs, ` +
      `and the mean best final val_acc within the budget.`,
    rows,
    ratios: Object.fromEntries(rows.slice(1).map((r) => [`${caseName}-${r.method}-epochSpeedUpToTarget`, r.speedUp])),
  };
}
