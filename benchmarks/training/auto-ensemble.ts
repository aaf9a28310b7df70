/**
 * Model selection across the zoo and ensemble selection: `tune.models.auto(data)` searched by TPE
 * (in-memory study, one checkpoint per trial), then `tune.ensemble.select` (Caruana's greedy
 * selection, size 50, over the 8 best trials). Per case and seed: the families the trials chose,
 * the search's and the selection's wall time, and the validation and held-out test accuracy of the
 * ensemble and of the best single trial. The verdict is the ratio of their test accuracies (the
 * ensemble is chosen on validation, so validation flatters it; test does not).
 *
 *   node -r ./test/helpers/register-ts.js benchmarks/training/auto-ensemble.ts [tabular|cifar]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { syntheticCifar, syntheticTabular, trainValTestSplit, type DatasetSplits } from '../../src/api/datasets';
import { auto, objectiveFor } from '../../src/api/models';
import { EnsembleModel, select } from '../../src/api/ensemble';
import { TPESampler } from '../../src/samplers/tpe/sampler';
import { createStudy } from '../../src/study/create-study';
import { initBackend } from '../../src/training/backend';
import { loadCheckpoint } from '../../src/training/checkpoint/save-load';
import { silentLogger } from '../../src/util/logger';
import { type BenchResult, toMarkdown } from '../result';

export type AutoEnsembleCase = 'tabular' | 'cifar';

interface CaseSpec {
  readonly data: (seed: number) => DatasetSplits;
  readonly trials: number;
  readonly epochs: number;
  readonly seeds: readonly number[];
}

const CASES: Readonly<Record<AutoEnsembleCase, CaseSpec>> = {
  tabular: {
    data: (seed) =>
      trainValTestSplit(
        syntheticTabular({ nVal: 0, nTrain: 1500, nFeatures: 12, nInformative: 6, classes: 3, seed }).train,
        {
          valFraction: 0.2,
          testFraction: 0.2,
          seed,
        },
      ),
    trials: 16,
    epochs: 8,
    seeds: [1, 2, 3],
  },
  cifar: {
    data: (seed) => syntheticCifar({ nTrain: 600, nVal: 200, nTest: 400, classes: 4, seed }),
    trials: 12,
    epochs: 3,
    seeds: [1, 2],
  },
};

async function runSeed(name: AutoEnsembleCase, spec: CaseSpec, seed: number): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-auto-'));
  try {
    const data = spec.data(seed);
    const objective = objectiveFor(auto(data), data, { epochs: spec.epochs, checkpointDir: dir });
    const study = await createStudy({
      direction: objective.direction,
      seed,
      sampler: new TPESampler({ seed }),
      logger: silentLogger,
    });
    const t0 = performance.now();
    await study.optimize(objective, { nTrials: spec.trials });
    const searchS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const ensemble = await select(study, data, { size: 50, topK: 8 });
    const selectS = (performance.now() - t1) / 1000;
    const best = study.bestTrial;
    const { model } = await loadCheckpoint(best.userAttrs['checkpoint'] as string, { compile: false });
    const single = new EnsembleModel([{ trial: best.number, weight: 1, model, checkpoint: null }], ensemble.info);
    try {
      const families = new Map<string, number>();
      for (const t of study.trials)
        families.set(String(t.params['model']), (families.get(String(t.params['model'])) ?? 0) + 1);
      const test = data.test as NonNullable<DatasetSplits['test']>;
      return {
        case: name,
        seed,
        trials: study.trials.length,
        families: [...families].map(([f, n]) => `${f} ${n}`).join(', '),
        members: ensemble.members.length,
        'search s': searchS,
        'selection s': selectS,
        'val acc ensemble': ensemble.info.validation.accuracy as number,
        'val acc best single': ensemble.info.bestSingle.score.accuracy as number,
        'test acc ensemble': ensemble.score(test).accuracy as number,
        'test acc best single': single.score(test).accuracy as number,
      };
    } finally {
      ensemble.dispose();
      single.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function autoEnsembleBenchmark(name: AutoEnsembleCase): Promise<BenchResult> {
  await initBackend();
  const spec = CASES[name];
  const rows: Record<string, string | number>[] = [];
  for (const seed of spec.seeds) rows.push(await runSeed(name, spec, seed));
  const mean = (key: string): number => rows.reduce((s, r) => s + (r[key] as number), 0) / rows.length;
  return {
    name: `auto-ensemble-${name}`,
    description: `tune.models.auto + TPE, ${spec.trials} trials of ${spec.epochs} epochs per seed, then tune.ensemble.select (size 50, top 8); accuracy of the ensemble and of the best single trial on validation (where the ensemble is chosen) and on a held-out test split.`,
    rows,
    ratios: {
      'test acc, ensemble / best single (mean over seeds)': mean('test acc ensemble') / mean('test acc best single'),
      'val acc, ensemble / best single (mean over seeds)': mean('val acc ensemble') / mean('val acc best single'),
      'selection time / search time (mean over seeds)': mean('selection s') / mean('search s'),
    },
  };
}

if (require.main === module) {
  const name = (process.argv[2] ?? 'tabular') as AutoEnsembleCase;
  if (!(name in CASES)) throw new Error(`auto-ensemble: got "${name}"; expected tabular or cifar`);
  autoEnsembleBenchmark(name).then(
    (r) => process.stdout.write(`${toMarkdown(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`auto-ensemble: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
