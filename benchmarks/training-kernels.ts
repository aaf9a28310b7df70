/**
 * Before/after timings of tfjs-tune's wasm training kernels, side by side in one process:
 *
 *   npx tsc -p tsconfig.build.json && node dist/benchmarks/training-kernels.js [--quick]
 *
 * For a kernel wasm has, "before" is wasm's own and "after" our replacement, timed alternately on
 * the same inputs (median of the reps, so a busy machine skews both alike). For a kernel wasm lacks
 * there is no wasm "before": the cpu backend, the only other place such a model trains here, is
 * timed once instead (skipped with --quick, as cpu takes seconds to minutes).
 */
import * as tf from '@tensorflow/tfjs';

import { initBackend, registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../src/training/backend';

export interface BenchRow {
  readonly name: string;
  /** 'wasm' (its own kernel), 'cpu' (wasm has none) or 'n/a' (not measured). */
  readonly before: 'wasm' | 'cpu' | 'n/a';
  readonly beforeMs: number;
  readonly afterMs: number;
}

type Run = () => tf.Tensor | tf.Tensor[];

interface Case {
  readonly name: string;
  /** True when wasm has no such kernel. */
  readonly missing: boolean;
  /** Creates inputs on the current backend and returns the timed closure and what to free. */
  readonly make: () => { run: Run; inputs: tf.Tensor[] };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeOnce(run: Run): Promise<number> {
  const start = performance.now();
  const out = run();
  const outs = Array.isArray(out) ? out : [out];
  for (const t of outs) await t.data();
  const elapsed = performance.now() - start;
  tf.dispose(outs);
  return elapsed;
}

function kernelCase(
  name: string,
  missing: boolean,
  shapes: Record<string, number[]>,
  kernelName: string,
  attrs: object,
): Case {
  return {
    name,
    missing,
    make: () => {
      const inputs: Record<string, tf.Tensor> = {};
      let seed = 1;
      for (const [key, shape] of Object.entries(shapes)) {
        inputs[key] =
          key === 'segmentIds'
            ? tf.randomUniform(shape, 0, (attrs as { numSegments: number }).numSegments, 'int32', seed++)
            : tf.randomNormal(shape, 0, 1, 'float32', seed++);
      }
      return {
        run: () => tf.engine().runKernel(kernelName, inputs, attrs as tf.NamedAttrMap) as tf.Tensor,
        inputs: Object.values(inputs),
      };
    },
  };
}

function matMulCase(label: string, m: number, k: number, n: number, ta: boolean, tb: boolean): Case {
  return {
    name: `BatchMatMul ${label} ${m}x${k}x${n} tA=${ta} tB=${tb}`,
    missing: false,
    make: () => {
      const a = tf.randomNormal(ta ? [k, m] : [m, k], 0, 1, 'float32', 1);
      const b = tf.randomNormal(tb ? [n, k] : [k, n], 0, 1, 'float32', 2);
      return { run: () => tf.matMul(a, b, ta, tb), inputs: [a, b] };
    },
  };
}

const CASES: readonly Case[] = [
  kernelCase(
    'Conv2DBackpropFilter x32x32x32x16 f3x3x16x32 s1',
    true,
    { x: [32, 32, 32, 16], dy: [32, 32, 32, 32] },
    'Conv2DBackpropFilter',
    { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] },
  ),
  kernelCase(
    'Conv2DBackpropFilter x32x16x16x32 f3x3x32x64 s2',
    true,
    { x: [32, 16, 16, 32], dy: [32, 8, 8, 64] },
    'Conv2DBackpropFilter',
    { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] },
  ),
  kernelCase(
    'Conv2DBackpropInput dy32x16x16x64 f3x3x32x64 s1',
    false,
    { dy: [32, 16, 16, 64], filter: [3, 3, 32, 64] },
    'Conv2DBackpropInput',
    { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [32, 16, 16, 32] },
  ),
  kernelCase(
    'Conv2DBackpropInput dy32x8x8x64 f3x3x32x64 s2',
    false,
    { dy: [32, 8, 8, 64], filter: [3, 3, 32, 64] },
    'Conv2DBackpropInput',
    { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [32, 16, 16, 32] },
  ),
  kernelCase(
    'DepthwiseBackpropInput dy32x16x16x64 f3x3 s1',
    true,
    { dy: [32, 16, 16, 64], filter: [3, 3, 64, 1] },
    'DepthwiseConv2dNativeBackpropInput',
    { strides: 1, dilations: 1, pad: 'same', inputShape: [32, 16, 16, 64] },
  ),
  kernelCase(
    'DepthwiseBackpropFilter x32x16x16x64 f3x3 s1',
    true,
    { x: [32, 16, 16, 64], dy: [32, 16, 16, 64] },
    'DepthwiseConv2dNativeBackpropFilter',
    { strides: 1, dilations: 1, pad: 'same', filterShape: [3, 3, 64, 1] },
  ),
  kernelCase(
    'DepthwiseBackpropFilter x32x32x32x32 f3x3 s2',
    true,
    { x: [32, 32, 32, 32], dy: [32, 16, 16, 32] },
    'DepthwiseConv2dNativeBackpropFilter',
    { strides: 2, dilations: 1, pad: 'same', filterShape: [3, 3, 32, 1] },
  ),
  kernelCase(
    'UnsortedSegmentSum 1600x64 -> 2000 (embedding grad)',
    true,
    { x: [1600, 64], segmentIds: [1600] },
    'UnsortedSegmentSum',
    { numSegments: 2000 },
  ),
  kernelCase(
    "MaxPoolGrad x32x32x32x16 2x2 s2 (wasm's is wrong)",
    false,
    { dy: [32, 16, 16, 16], input: [32, 32, 32, 16] },
    'MaxPoolGrad',
    { filterSize: 2, strides: 2, pad: 'valid' },
  ),
  kernelCase(
    'Conv3DBackpropInputV2 dy8x8x8x8x16 f3x3x3x8x16 s1 (wrong)',
    false,
    { dy: [8, 8, 8, 8, 16], filter: [3, 3, 3, 8, 16] },
    'Conv3DBackpropInputV2',
    { strides: 1, pad: 'same', inputShape: [8, 8, 8, 8, 8] },
  ),
  kernelCase(
    'Conv3DBackpropFilterV2 x8x8x8x8x8 f3x3x3x8x16 s2 (wrong)',
    false,
    { x: [8, 8, 8, 8, 8], dy: [8, 4, 4, 4, 16] },
    'Conv3DBackpropFilterV2',
    { strides: 2, pad: 'same', filterShape: [3, 3, 3, 8, 16] },
  ),
  matMulCase('dense dW', 32, 3072, 256, true, false),
  matMulCase('dense dx', 32, 256, 3072, false, true),
  matMulCase('lstm dW', 64, 32, 256, true, false),
  matMulCase('small', 64, 64, 64, true, false),
  matMulCase('gemv, kept flagged', 1, 512, 512, false, true),
  matMulCase('tiny', 32, 64, 10, false, true),
  matMulCase('1000^3', 1000, 1000, 1000, true, false),
  {
    name: 'Unpack [50,32,64] axis 0 (LSTM timesteps)',
    missing: false,
    make: () => {
      const x = tf.randomNormal([50, 32, 64]);
      return { run: () => tf.unstack(x), inputs: [x] };
    },
  },
  {
    name: 'Unpack [200,32,64] axis 0 (long sequence)',
    missing: false,
    make: () => {
      const x = tf.randomNormal([200, 32, 64]);
      return { run: () => tf.unstack(x), inputs: [x] };
    },
  },
  {
    name: 'SplitV [32,256] into 4 gates',
    missing: false,
    make: () => {
      const x = tf.randomNormal([32, 256]);
      return { run: () => tf.split(x, 4, 1), inputs: [x] };
    },
  },
  {
    name: 'Slice [32,34,34,16] -> [32,32,32,16]',
    missing: false,
    make: () => {
      const x = tf.randomNormal([32, 34, 34, 16]);
      return { run: () => tf.slice(x, [0, 1, 1, 0], [32, 32, 32, 16]), inputs: [x] };
    },
  },
  {
    name: 'Identity (tf.clone) 32x256',
    missing: false,
    make: () => {
      const x = tf.randomNormal([32, 256]);
      return { run: () => tf.clone(x), inputs: [x] };
    },
  },
];

async function benchCase(c: Case, reps: number, withCpu: boolean): Promise<BenchRow> {
  let beforeMs = Number.NaN;
  if (c.missing && withCpu) {
    await tf.setBackend('cpu');
    const { run, inputs } = c.make();
    beforeMs = await timeOnce(run);
    tf.dispose(inputs);
  }
  await tf.setBackend('wasm');
  const { run, inputs } = c.make();
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i <= reps; i++) {
    if (!c.missing) {
      unregisterWasmTrainingKernels();
      const t = await timeOnce(run);
      if (i > 0) before.push(t);
    }
    registerWasmTrainingKernels();
    const t = await timeOnce(run);
    if (i > 0) after.push(t); // i = 0 warms both up
  }
  tf.dispose(inputs);
  if (!c.missing) beforeMs = median(before);
  return { name: c.name, before: c.missing ? (withCpu ? 'cpu' : 'n/a') : 'wasm', beforeMs, afterMs: median(after) };
}

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

function cnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      inputShape: [32, 32, 3],
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: seeded(1),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(
    tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(2) }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(
    tf.layers.separableConv2d({
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      depthwiseInitializer: seeded(3),
      pointwiseInitializer: seeded(4),
    }),
  );
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 10, kernelInitializer: seeded(5) }));
  return m;
}

function lstm(embedding: boolean, steps = 50): tf.Sequential {
  const m = tf.sequential();
  if (embedding) {
    m.add(tf.layers.embedding({ inputDim: 2000, outputDim: 32, inputLength: 50, embeddingsInitializer: seeded(1) }));
    m.add(tf.layers.lstm({ units: 64, kernelInitializer: seeded(2), recurrentInitializer: seeded(3) }));
  } else {
    m.add(
      tf.layers.lstm({
        inputShape: [steps, 32],
        units: 64,
        kernelInitializer: seeded(2),
        recurrentInitializer: seeded(3),
      }),
    );
  }
  m.add(tf.layers.dense({ units: 2, kernelInitializer: seeded(4) }));
  return m;
}

interface StepCase {
  readonly name: string;
  readonly build: () => tf.Sequential;
  readonly x: () => tf.Tensor;
  readonly y: () => tf.Tensor;
  /** Trains on stock wasm too (no missing kernel), so before = wasm. */
  readonly stockWasm: boolean;
}

const STEPS: readonly StepCase[] = [
  {
    name: 'train step: CIFAR-shaped CNN (conv, sep-conv), batch 32',
    build: cnn,
    x: () => tf.randomNormal([32, 32, 32, 3], 0, 1, 'float32', 7),
    y: () => tf.randomNormal([32, 10], 0, 1, 'float32', 8),
    stockWasm: false,
  },
  {
    name: 'train step: LSTM(64) on 50x32 floats, batch 32',
    build: () => lstm(false, 50),
    x: () => tf.randomNormal([32, 50, 32], 0, 1, 'float32', 9),
    y: () => tf.randomNormal([32, 2], 0, 1, 'float32', 10),
    stockWasm: true,
  },
  {
    name: 'train step: LSTM(64) on 200x32 floats, batch 32',
    build: () => lstm(false, 200),
    x: () => tf.randomNormal([32, 200, 32], 0, 1, 'float32', 9),
    y: () => tf.randomNormal([32, 2], 0, 1, 'float32', 10),
    stockWasm: true,
  },
  {
    name: 'train step: embedding(2000)+LSTM(64), 50 tokens, batch 32',
    build: () => lstm(true),
    x: () => tf.randomUniform([32, 50], 0, 2000, 'int32', 11),
    y: () => tf.randomNormal([32, 2], 0, 1, 'float32', 12),
    stockWasm: false,
  },
];

/** Median ms per `trainOnBatch` of a fresh model on the current backend (first step not counted). */
async function stepMs(s: StepCase, reps: number, setup: () => void): Promise<number[]> {
  const model = s.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const xs = s.x();
  const ys = s.y();
  const times: number[] = [];
  try {
    for (let i = 0; i <= reps; i++) {
      setup();
      const start = performance.now();
      await model.trainOnBatch(xs, ys);
      if (i > 0) times.push(performance.now() - start);
    }
    return times;
  } finally {
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
  }
}

export async function runTrainingKernelBenchmarks(quick = false): Promise<BenchRow[]> {
  await initBackend({ backend: 'wasm' });
  const reps = quick ? 5 : 11;
  const rows: BenchRow[] = [];
  for (const c of CASES) rows.push(await benchCase(c, reps, !quick));
  for (const s of STEPS) {
    let beforeMs = Number.NaN;
    if (s.stockWasm) {
      await tf.setBackend('wasm');
      beforeMs = median(await stepMs(s, quick ? 3 : 5, unregisterWasmTrainingKernels));
    } else if (!quick) {
      await tf.setBackend('cpu');
      beforeMs = median(await stepMs(s, 1, () => undefined));
    }
    await tf.setBackend('wasm');
    const afterMs = median(await stepMs(s, quick ? 3 : 5, registerWasmTrainingKernels));
    rows.push({ name: s.name, before: s.stockWasm ? 'wasm' : quick ? 'n/a' : 'cpu', beforeMs, afterMs });
  }
  return rows;
}

export function renderBenchRows(rows: readonly BenchRow[]): string {
  const head = `${'kernel / step'.padEnd(60)} ${'before'.padStart(17)}   ${'after (wasm+tfjs-tune)'.padStart(22)}  speedup`;
  const lines = rows.map((r) => {
    const before = Number.isNaN(r.beforeMs) ? 'n/a' : `${r.beforeMs.toFixed(2)} ms`;
    const speedup = Number.isNaN(r.beforeMs) ? '' : `x${(r.beforeMs / r.afterMs).toFixed(1)}`;
    return `${r.name.padEnd(60)} ${r.before.padEnd(5)}${before.padStart(12)}   ${`${r.afterMs.toFixed(2)} ms`.padStart(22)}  ${speedup}`;
  });
  return [head, ...lines].join('\n');
}

if (require.main === module) {
  runTrainingKernelBenchmarks(process.argv.includes('--quick'))
    .then((rows) => console.log(renderBenchRows(rows)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
