/**
 * The DARTS supernet's training step on wasm beside a PyTorch supernet of the same shape
 * (./torch_supernet.py, one thread), side by side in one run: one gradient pass (forward in train
 * mode, cross-entropy, gradients of every weight and α) on a batch of 32, ms per step after
 * warm-up, with our C kernels on and off. Goal (#21 item 6): wasm ≥ 0.6× PyTorch's speed.
 *
 *   npm run bench -- darts-supernet-step
 */
import * as tf from '@tensorflow/tfjs';

import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { toTensors } from '../../src/api/datasets';
import { initBackend } from '../../src/training/backend';
import { setSimdKernelsEnabled } from '../../src/training/backend/simd/simd-kernels';
import { disposeModel } from '../../src/training/dispose-model';
import { dartsNetworkOf, supernetFor } from '../../src/nas/darts-model';
import { gradientPass, supernetVariables } from '../../src/nas/search/gradients';
import { DartsSearch } from '../../src/tuners/darts-search';
import type { BenchResult } from '../result';
import { median } from '../training/stats';
import { pythonLacks, runPythonJson } from '../training/torch-runner';

interface Shape {
  readonly label: string;
  readonly channels: number;
  readonly cells: number;
  readonly size: number;
  readonly classes: number;
}

/**
 * The darts benchmark's search space, and CIFAR-10's 32 px at the same C and depth: its activations
 * take ~2.8 GB of wasm's 4 GB heap (5 cells ~3.8 GB), where PyTorch has the machine's memory.
 */
const SHAPES: readonly Shape[] = [
  { label: 'darts bench (16 px, C 8, 3 cells, 4 classes)', channels: 8, cells: 3, size: 16, classes: 4 },
  { label: '32 px, C 8, 3 cells, 10 classes', channels: 8, cells: 3, size: 32, classes: 10 },
];

const BATCH = 32;

async function oursMsPerStep(shape: Shape, steps: number): Promise<{ ms: number; params: number }> {
  const data = syntheticCifar({
    nTrain: BATCH,
    nVal: 0,
    classes: shape.classes,
    imageSize: shape.size,
    seed: 0,
  });
  const model = supernetFor(data, { channels: shape.channels, cells: shape.cells, seed: 0 });
  const network = dartsNetworkOf(model);
  const vars = supernetVariables(network);
  const all = [...vars.weights, ...vars.alphas];
  const { xs, ys } = toTensors(data.train, { oneHot: true });
  const batch = { x: xs as tf.Tensor4D, y: ys as tf.Tensor2D };
  try {
    const pass = () => tf.dispose(gradientPass(network, batch, all).grads);
    for (let i = 0; i < 2; i++) pass();
    const start = performance.now();
    for (let i = 0; i < steps; i++) pass();
    const params = all.reduce((s, v) => s + v.size, 0);
    return { ms: (performance.now() - start) / steps, params };
  } finally {
    tf.dispose([xs, ys]);
    disposeModel(model);
  }
}

function torchMsPerStep(shape: Shape, steps: number): { ms: number; params: number; torch: string } | string {
  const lacks = pythonLacks({ torch: 'python3-torch' });
  if (lacks !== undefined) return lacks;
  const out = runPythonJson('darts/torch_supernet.py', [
    ...['--channels', String(shape.channels), '--cells', String(shape.cells)],
    ...['--size', String(shape.size), '--classes', String(shape.classes), '--batch', String(BATCH)],
    ...['--warmup', '2', '--steps', String(steps)],
  ]);
  if (typeof out === 'string') return out;
  return { ms: Number(out['ms_per_step']), params: Number(out['params']), torch: String(out['torch']) };
}

/** The darts benchmark's first-order search: its data sizes, epochs and α rate. */
const SEARCH = { n: 256, epochs: 4, ...{ channels: 8, cells: 3, size: 16, classes: 4 } };

async function oursSearchSeconds(): Promise<number> {
  const data = syntheticCifar({
    nTrain: SEARCH.n,
    nVal: SEARCH.n,
    classes: SEARCH.classes,
    imageSize: SEARCH.size,
    seed: 0,
  });
  const search = new DartsSearch({
    channels: SEARCH.channels,
    cells: SEARCH.cells,
    epochs: SEARCH.epochs,
    batchSize: BATCH,
    seed: 0,
    alpha: { learningRate: 3e-3 },
  });
  const start = performance.now();
  await search.search(data);
  return (performance.now() - start) / 1000;
}

function torchSearchSeconds(): number | string {
  const out = runPythonJson('darts/torch_supernet.py', [
    ...['--channels', String(SEARCH.channels), '--cells', String(SEARCH.cells), '--size', String(SEARCH.size)],
    ...['--classes', String(SEARCH.classes), '--batch', String(BATCH)],
    ...['--search-epochs', String(SEARCH.epochs), '--n', String(SEARCH.n)],
  ]);
  return typeof out === 'string' ? out : Number(out['search_seconds']);
}

export async function dartsSupernetStep(options: { rounds?: number; steps?: number } = {}): Promise<BenchResult> {
  const { rounds = 3, steps = 5 } = options;
  await initBackend({ backend: 'wasm' });
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  let torchNote: string | undefined;
  try {
    for (const shape of SHAPES) {
      const series: Record<'on' | 'off' | 'torch', number[]> = { on: [], off: [], torch: [] };
      let params = { ours: 0, torch: 0 };
      for (let round = 0; round < rounds; round++) {
        for (const mode of ['on', 'off'] as const) {
          setSimdKernelsEnabled(mode === 'on');
          const t = await oursMsPerStep(shape, steps);
          series[mode].push(t.ms);
          params = { ...params, ours: t.params };
        }
        setSimdKernelsEnabled(true);
        const theirs = torchMsPerStep(shape, steps);
        if (typeof theirs === 'string') torchNote ??= theirs;
        else {
          series.torch.push(theirs.ms);
          params = { ...params, torch: theirs.params };
          torchNote ??= `torch ${theirs.torch}, 1 thread`;
        }
      }
      const torchMs = series.torch.length > 0 ? median(series.torch) : Number.NaN;
      const runtimes: Array<[string, number[], number]> = [
        ['tfjs wasm, our C kernels', series.on, params.ours],
        ['tfjs wasm, C kernels off', series.off, params.ours],
        ['PyTorch (1 thread)', series.torch, params.torch],
      ];
      for (const [runtime, ms, p] of runtimes) {
        if (ms.length === 0) continue;
        rows.push({
          shape: shape.label,
          runtime,
          params: p,
          'ms / step': median(ms),
          'speed ÷ PyTorch': torchMs / median(ms),
        });
      }
      ratios[`${shape.label}: wasm ÷ PyTorch speed (goal ≥ 0.6)`] = torchMs / median(series.on);
      ratios[`${shape.label}: C kernels on ÷ off speed`] = median(series.off) / median(series.on);
    }
    // The whole first-order search of the darts benchmark, once each side.
    const ours = await oursSearchSeconds();
    const theirs = pythonLacks({ torch: 'python3-torch' }) ?? torchSearchSeconds();
    const label = `first-order search (${SEARCH.epochs} epochs × ${SEARCH.n / BATCH} batches, 16 px, C 8, 3 cells)`;
    rows.push({ shape: label, runtime: 'tfjs wasm, our C kernels', 'search s': ours });
    if (typeof theirs === 'number') {
      rows.push({ shape: label, runtime: 'PyTorch (1 thread)', 'search s': theirs, 'speed ÷ PyTorch': 1 });
      rows[rows.length - 2] = { ...rows[rows.length - 2], 'speed ÷ PyTorch': theirs / ours };
      ratios['first-order search: wasm ÷ PyTorch speed'] = theirs / ours;
    }
  } finally {
    setSimdKernelsEnabled(true);
  }
  return {
    name: 'darts-supernet-step',
    description:
      `The DARTS search supernet's gradient pass (train-mode forward, cross-entropy, gradients of every ` +
      `weight and α; batch ${BATCH}) on wasm with our C kernels on and off (off: their JS fallbacks; the ` +
      `supernet's fused batch norm runs in both), beside a PyTorch supernet of the ` +
      `same shape (benchmarks/darts/torch_supernet.py: quark0/darts model_search.py with every batch norm ` +
      `non-affine and \`none\` skipped, as ours; ${torchNote ?? 'PyTorch not run'}); medians of ${rounds} ` +
      `rounds of ${steps} steps after 2 warm-up, the runtimes alternating. Then the darts benchmark's whole ` +
      `first-order search once each side (ours: DartsSearch on synthetic CIFAR; PyTorch: train_search.py's ` +
      `loop with unrolled=False, the same optimisers, sizes and per-epoch validation, on random images).`,
    rows,
    ratios,
  };
}
