/**
 * `npm run bench -- tabular`: real tabular data sets shipped by Debian's python3-sklearn (iris, wine,
 * breast cancer; `npm run bench:setup` installs it; never downloaded), each tuned twice on the same
 * split with the same number of trials: `tfjs-tune run` with its default preprocessing (no manual
 * scaling) and `refit: true`, scored on the held-out test part by `tfjs-tune evaluate`; and
 * scikit-learn's MLPClassifier (standardised in its pipeline) tuned by Optuna's TPE, refitted on
 * train + validation and scored on the same test rows. Wall times of both, side by side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfiguredData } from '../../src/cli/config/resolve';
import { validateConfig } from '../../src/cli/config/schema';
import { main } from '../../src/cli/main';
import type { Dataset } from '../../datasets/types';
import type { BenchResult } from '../result';

const PYTHON = process.env['OPTUNA_PYTHON'] ?? '/usr/bin/python3';
const SKLEARN_DATA = '/usr/lib/python3/dist-packages/sklearn/datasets/data';
const DATASETS = ['iris.csv', 'wine_data.csv', 'breast_cancer.csv'] as const;

export interface TabularOptions {
  readonly trials?: number;
  readonly epochs?: number;
  readonly seeds?: readonly number[];
  readonly log?: (message: string) => void;
}

/** scikit-learn's files open with a line `n, features, class names…`: the rest is the table, label last. */
function tableFrom(file: string, out: string): number {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  writeFileSync(out, `${lines.join('\n')}\n`);
  return (lines[0] ?? '').split(',').length;
}

function splitCsv(ds: Dataset, file: string): void {
  const width = ds.xShape[1] as number;
  const rows = [[...Array.from({ length: width }, (_, j) => `f${j}`), 'label'].join(',')];
  for (let i = 0; i < (ds.xShape[0] as number); i++)
    rows.push([...Array.from(ds.x.subarray(i * width, (i + 1) * width)), ds.y[i] as number].join(','));
  writeFileSync(file, `${rows.join('\n')}\n`);
}

async function cli(argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  if (code !== 0) throw new Error(`tfjs-tune ${argv[0]} exited ${code}: ${err}`);
  return out;
}

export async function tabularBenchmark(options: TabularOptions = {}): Promise<BenchResult> {
  const trials = options.trials ?? 20;
  const epochs = options.epochs ?? 50;
  // Ten splits: a test part of 30 rows moves 3.3 points per row, so fewer seeds are mostly noise.
  const seeds = options.seeds ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const log = options.log ?? (() => undefined);
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, optuna'], { encoding: 'utf8' });
  if (probe.status !== 0 || !existsSync(SKLEARN_DATA))
    throw new Error(`tabular needs scikit-learn and Optuna for ${PYTHON} (npm run bench:setup): ${probe.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-bench-tabular-'));
  const rows: Record<string, string | number>[] = [];
  const gaps: number[] = [];
  const gapsBy = new Map<string, number[]>();
  let versions = '';
  try {
    for (const name of DATASETS) {
      const table = join(dir, name);
      const columns = tableFrom(join(SKLEARN_DATA, name), table);
      for (const seed of seeds) {
        const study = `${name.replace(/\.csv$/, '')}-${seed}`;
        const raw = {
          study,
          model: 'mlp',
          dataset: { csv: table, label: columns - 1, header: false, valFraction: 0.2, testFraction: 0.2, seed },
          method: 'tpe',
          trials,
          epochs,
          refit: true,
          seed,
          workers: 1,
          storage: `sqlite:${join(dir, `${study}.db`)}`,
        };
        const config = join(dir, `${study}.json`);
        writeFileSync(config, JSON.stringify(raw));
        // The same split for scikit-learn: the raw parts tfjs-tune cuts (before its own preprocessing).
        const parts = await loadConfiguredData(validateConfig(raw, { studyFromFile: study }).dataset, seed);
        const files = (['train', 'val', 'test'] as const).map((p) => {
          const f = join(dir, `${study}-${p}.csv`);
          splitCsv(parts[p] as Dataset, f);
          return f;
        });
        log(`${study}: tfjs-tune run (${trials} trials, ${epochs} epochs)`);
        const t0 = Date.now();
        await cli(['run', config, '--quiet']);
        const scores = JSON.parse(await cli(['evaluate', study, '--storage', raw.storage, '--json'])) as {
          scores: { accuracy: number; n: number };
        };
        const oursWall = (Date.now() - t0) / 1000;
        log(`${study}: scikit-learn MLPClassifier + Optuna`);
        const py = spawnSync(
          PYTHON,
          [join('benchmarks', 'tabular', 'mlp_optuna.py'), ...files, String(trials), String(epochs), String(seed)],
          {
            encoding: 'utf8',
            env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
          },
        );
        if (py.status !== 0) throw new Error(`mlp_optuna.py failed: ${py.stderr}`);
        const theirs = JSON.parse(py.stdout.trim().split('\n').pop() as string) as {
          test_acc: number;
          wall_s: number;
          versions: string;
        };
        versions = theirs.versions;
        const gap = (scores.scores.accuracy - theirs.test_acc) * 100;
        gaps.push(gap);
        gapsBy.set(name, [...(gapsBy.get(name) ?? []), gap]);
        rows.push({
          dataset: name,
          seed,
          'train/val/test rows': `${parts.train.xShape[0]}/${parts.val.xShape[0]}/${scores.scores.n}`,
          'tfjs-tune test acc %': scores.scores.accuracy * 100,
          'sklearn MLP+Optuna test acc %': theirs.test_acc * 100,
          'gap (points)': gap,
          'tfjs-tune wall s': oursWall,
          'sklearn wall s': theirs.wall_s,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return {
    name: 'tabular',
    description: `Real tabular data (python3-sklearn's shipped CSVs), stratified 60/20/20 split, ${trials} TPE trials each, ${epochs} epochs (tfjs-tune) / max_iter (scikit-learn), best configuration refitted on train + validation, accuracy on the held-out test part. tfjs-tune: default config, default preprocessing (standardise + impute, fitted on training rows), scored by \`tfjs-tune evaluate\`; ${versions}: StandardScaler + MLPClassifier tuned by Optuna TPE over the same kind of space. One worker / one BLAS thread each, on shared cores (wall times are indicative). Goal: within 1 point.`,
    rows,
    ratios: {
      ...Object.fromEntries(
        [...gapsBy].map(([name, g]) => [`${name}: mean gap (points)`, g.reduce((a, b) => a + b, 0) / g.length]),
      ),
      'mean gap, tfjs-tune minus scikit-learn (points)': mean,
      'worst gap (points)': Math.min(...gaps),
    },
  };
}
