/**
 * `npm run bench -- darts`: is DARTS' derived architecture better than random architectures from the
 * same space, each retrained with the same protocol (Li & Talwalkar 2019's question)? Synthetic
 * CIFAR at 16 px; C = 8, 3 cells; first-order search. Per search seed: the derived genotype's test
 * accuracy after retraining and its percentile among N random genotypes retrained alike, and the
 * same for random search with weight sharing. Sizes come from DARTS_BENCH_* variables, so a small
 * run on a busy machine and a larger one elsewhere use one code path.
 */
import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { formatGenotype, skipCount } from '../../src/nas/genotype';
import { initBackend, describeBackend } from '../../src/training/backend';
import { Rng } from '../../src/random';
import { DartsSearch } from '../../src/tuners/darts-search';
import type { BenchResult } from '../result';
import { randomGenotype, retrainAccuracy, type DartsBenchSizes } from './retrain';
import { weightSharingSearch } from './weight-sharing';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: got "${raw}"; expected a positive integer`);
  return v;
}

/** Share of `others` strictly below `value`, ties counted half (a percentile in [0, 100]). */
export function percentileAmong(value: number, others: readonly number[]): number {
  const below = others.filter((o) => o < value).length;
  const ties = others.filter((o) => o === value).length;
  return (100 * (below + ties / 2)) / others.length;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function dartsBenchmark(log: (m: string) => void): Promise<BenchResult> {
  const backend = describeBackend(await initBackend());
  const searchSeeds = Array.from({ length: envInt('DARTS_BENCH_SEEDS', 3) }, (_, i) => i);
  const nRandom = envInt('DARTS_BENCH_RANDOM', 10);
  const n = envInt('DARTS_BENCH_N', 256);
  const sizes: DartsBenchSizes = {
    channels: 8,
    cells: 3,
    epochs: envInt('DARTS_BENCH_EPOCHS', 4),
    batchSize: 32,
  };
  const data = syntheticCifar({ nTrain: n, nVal: n, nTest: 2 * n, classes: 4, imageSize: 16, seed: 0 });
  const trainSeed = 0; // every retrain: the same initialisation and data order
  const rows: Record<string, string | number>[] = [];

  const randomAccs: number[] = [];
  for (let k = 0; k < nRandom; k++) {
    const genotype = randomGenotype(new Rng(1000).derive('random', k));
    const started = performance.now();
    const acc = await retrainAccuracy(genotype, data, sizes, trainSeed);
    randomAccs.push(acc);
    const retrainSeconds = (performance.now() - started) / 1000;
    log(`random genotype ${k}: test acc ${acc.toFixed(4)} (${retrainSeconds.toFixed(0)} s)`);
    rows.push({
      method: 'random',
      seed: k,
      test_acc: acc,
      skips_normal: skipCount(genotype.normal),
      retrain_s: retrainSeconds,
    });
  }

  const dartsPercentiles: number[] = [];
  const wsPercentiles: number[] = [];
  let searchSeconds = 0;
  for (const seed of searchSeeds) {
    const started = performance.now();
    const search = new DartsSearch({
      channels: sizes.channels,
      cells: sizes.cells,
      epochs: sizes.epochs,
      batchSize: sizes.batchSize,
      seed,
      // 10x DARTS' rate: this search has ~30 α steps, DARTS' ~20 000 (as examples/cifar-darts.yaml).
      alpha: { learningRate: 3e-3 },
    });
    const { genotype } = await search.search(data);
    const seconds = (performance.now() - started) / 1000;
    searchSeconds += seconds;
    const acc = await retrainAccuracy(genotype, data, sizes, trainSeed);
    const pct = percentileAmong(acc, randomAccs);
    dartsPercentiles.push(pct);
    log(`DARTS seed ${seed}: test acc ${acc.toFixed(4)}, percentile ${pct.toFixed(0)}\n${formatGenotype(genotype)}`);
    rows.push({
      method: 'darts (1st order)',
      seed,
      test_acc: acc,
      percentile: pct,
      skips_normal: skipCount(genotype.normal),
      search_s: seconds,
    });

    const wsStarted = performance.now();
    const ws = await weightSharingSearch(data, sizes, nRandom, seed);
    const wsSeconds = (performance.now() - wsStarted) / 1000;
    const wsAcc = await retrainAccuracy(ws.genotype, data, sizes, trainSeed);
    const wsPct = percentileAmong(wsAcc, randomAccs);
    wsPercentiles.push(wsPct);
    log(`RS-WS seed ${seed}: test acc ${wsAcc.toFixed(4)}, percentile ${wsPct.toFixed(0)}`);
    rows.push({
      method: 'random search, weight sharing',
      seed,
      test_acc: wsAcc,
      percentile: wsPct,
      skips_normal: skipCount(ws.genotype.normal),
      search_s: wsSeconds,
    });
  }
  const randomMedian = median(randomAccs);
  return {
    name: 'darts',
    description: `DARTS' derived architecture against ${nRandom} random genotypes of the same space, each retrained from scratch with one protocol (${sizes.epochs} epochs, SGD momentum lr 0.025, batch ${sizes.batchSize}, init/order seed ${trainSeed}); test accuracy on ${2 * n} held-out images. Synthetic CIFAR 16 px, 4 classes, ${n} train (weights) / ${n} val (α) images; C = ${sizes.channels}, ${sizes.cells} cells; first-order search of ${sizes.epochs} epochs (α lr 3e-3, other DARTS defaults), search seeds ${searchSeeds.join(', ')}. Random search with weight sharing: single-path supernet training for the same epochs, ${nRandom} candidates ranked by shared-weight val accuracy, the best retrained. Backend: ${backend}. Published picture (CIFAR-10 test error): DARTS 2.76 %, random architectures 3.29 %, RS-WS 2.85 %.`,
    rows: [...rows, { method: 'random (median)', test_acc: randomMedian }],
    ratios: {
      'darts: seeds above the random median (fraction)':
        dartsPercentiles.filter((p) => p > 50).length / dartsPercentiles.length,
      'darts: median percentile among random': median(dartsPercentiles),
      'rs-ws: median percentile among random': median(wsPercentiles),
      'darts: search seconds per seed (wasm)': searchSeconds / searchSeeds.length,
    },
  };
}
