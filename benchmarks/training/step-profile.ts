/**
 * Where a wasm training step goes: `tf.profile` over a few `trainOnBatch` steps (after warm-up),
 * exclusive kernel time summed by kernel name; the rest of the profiled step ("outside kernels") is
 * autodiff tape, tfjs-layers and optimiser JS between kernels. The unprofiled step time is shown too.
 *
 *   node -r ./test/helpers/register-ts.js benchmarks/training/step-profile.ts [cnn lstm ...]
 */
import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import { type BenchResult, toMarkdown } from '../result';
import { CASE_NAMES, type CaseName, TRAINING_CASES } from './zoo-cases';

export interface StepProfileOptions {
  readonly models?: readonly CaseName[];
  readonly batchSize?: number;
  /** Steps profiled (and timed unprofiled). Default 5. */
  readonly steps?: number;
  /** Kernels listed per model, the slowest. Default 10. */
  readonly top?: number;
}

export interface KernelTotal {
  calls: number;
  /** Exclusive: the time of kernels it runs inside (composite kernels) is theirs, not its. */
  ms: number;
}

interface ProfilerView {
  profileKernel: (name: string, inputs: unknown, run: () => unknown) => unknown;
}

/**
 * Runs `run` under `tf.profile` and times every kernel exclusively: a kernel implemented with other
 * kernels (our wasm gradient replacements, tfjs's composite ops) is charged its own glue only, and
 * its inner kernels are listed as `outer > inner`. (tf.profile's own `kernelTimeMs` is inclusive,
 * so its sum double counts.) Returns the totals and the time spent in top-level kernels.
 */
export async function kernelTotals(
  run: () => Promise<void>,
): Promise<{ totals: Map<string, KernelTotal>; topMs: number }> {
  const profiler = (tf.engine() as unknown as { profiler: ProfilerView }).profiler;
  const original = profiler.profileKernel;
  const totals = new Map<string, KernelTotal>();
  const frames: { name: string; childMs: number }[] = [];
  let topMs = 0;
  profiler.profileKernel = (name, inputs, body) => {
    const label = frames.length > 0 ? `${frames.map((f) => f.name).join(' > ')} > ${name}` : name;
    frames.push({ name, childMs: 0 });
    const start = performance.now();
    try {
      return original.call(profiler, name, inputs, body);
    } finally {
      const ms = performance.now() - start;
      const frame = frames.pop();
      const parent = frames[frames.length - 1];
      if (parent === undefined) topMs += ms;
      else parent.childMs += ms;
      const total = totals.get(label) ?? { calls: 0, ms: 0 };
      total.calls++;
      total.ms += ms - (frame?.childMs ?? 0);
      totals.set(label, total);
    }
  };
  // The profiler reads every output back to look for NaNs: not what we time, so off while profiling.
  const check = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  try {
    await tf.profile(run);
    return { totals, topMs };
  } finally {
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', check);
    profiler.profileKernel = original;
  }
}

/** What one model's steps measured: unprofiled and profiled ms per step, and the kernel totals. */
export interface StepTimes {
  readonly wallMs: number;
  readonly profiledMs: number;
  /** Exclusive kernel totals over all profiled steps. */
  readonly totals: Map<string, KernelTotal>;
  /** Top-level kernel time per step. */
  readonly kernelMs: number;
}

/** `steps` trainOnBatch steps timed unprofiled, then `steps` more under {@link kernelTotals}. */
export async function timeAndProfile(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  steps: number,
): Promise<StepTimes> {
  let start = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
  const wallMs = (performance.now() - start) / steps;
  start = performance.now();
  const { totals, topMs } = await kernelTotals(async () => {
    for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
  });
  const profiledMs = (performance.now() - start) / steps;
  return { wallMs, profiledMs, totals, kernelMs: topMs / steps };
}

export async function trainingStepProfile(options: StepProfileOptions = {}): Promise<BenchResult> {
  const { models = ['cnn', 'darts'], batchSize = 32, steps = 5, top = 10 } = options;
  await initBackend({ backend: 'wasm' });
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  for (const c of TRAINING_CASES.filter((t) => models.includes(t.name))) {
    const model = c.build();
    const [xs, ys] = c.batch(batchSize);
    try {
      for (let i = 0; i < 5; i++) await model.trainOnBatch(xs, ys);
      const { wallMs, profiledMs, totals, kernelMs } = await timeAndProfile(model, xs, ys, steps);
      const sorted = [...totals].sort((a, b) => b[1].ms - a[1].ms);
      const shown = sorted.slice(0, top);
      const row = (kernel: string, n: number, ms: number): Record<string, string | number> => ({
        model: c.name,
        kernel,
        callsPerStep: n,
        msPerStep: ms,
        percentOfStep: (100 * ms) / profiledMs,
      });
      const calls = sorted.reduce((s, [, t]) => s + t.calls, 0) / steps;
      rows.push(row(`(step: ${wallMs.toPrecision(3)} ms unprofiled; profiled:)`, calls, profiledMs));
      for (const [name, t] of shown) rows.push(row(name, t.calls / steps, t.ms / steps));
      rows.push(row('(other kernels)', Number.NaN, kernelMs - shown.reduce((s, [, t]) => s + t.ms / steps, 0)));
      rows.push(row('(outside kernels: tape, layers, optimiser JS)', Number.NaN, profiledMs - kernelMs));
      ratios[`${c.name}: kernel time ÷ step time`] = kernelMs / profiledMs;
    } finally {
      tf.dispose([xs, ys]);
      disposeModel(model);
    }
  }
  return {
    name: 'training-step-profile',
    description:
      `wasm training step (trainOnBatch, batch ${batchSize}, Adam) profiled with tf.profile over ${steps} steps ` +
      `after 5 warm-up steps; ms per step, exclusive (a kernel run inside another is listed as outer > inner), ` +
      `with each kernel's JS glue. Percentages are of the profiled step.`,
    rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number.isNaN(v) ? '' : v]))),
    ratios,
  };
}

if (require.main === module) {
  const wanted = process.argv.slice(2).filter((a): a is CaseName => (CASE_NAMES as readonly string[]).includes(a));
  trainingStepProfile(wanted.length > 0 ? { models: wanted } : {})
    .then((result) => process.stdout.write(`${toMarkdown(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
