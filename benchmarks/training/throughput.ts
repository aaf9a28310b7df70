/**
 * Training throughput (samples/s, after warm-up batches) of the zoo's mlp, cnn and lstm and a DARTS
 * edge block on every tfjs backend that loads here, side by side with one-thread PyTorch on the same
 * models (./torch_anchor.py, in rounds that alternate with tfjs so load drifts hit both alike).
 * Goals: wasm within 3× of one-thread torch on every zoo model (ratio ≥ 0.33, the first training issue);
 * ≥ 0.6 (the training-speed issue, #20).
 *
 *   node -r ./test/helpers/register-ts.js benchmarks/training/throughput.ts [--quick]
 *
 * cpu gets a time budget per model (it is ~100× slower on convs), so it may time fewer steps. Leaves
 * the fastest backend active.
 */
import * as tf from '@tensorflow/tfjs';

import { BACKEND_NAMES, type BackendName, initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import { type BenchResult, toMarkdown } from '../result';
import { median } from './stats';
import { runTorchAnchor, torchUnavailable } from './torch-runner';
import { TRAINING_CASES, type TrainingCase, trainableParams } from './zoo-cases';

export interface TrainingThroughputOptions {
  /** Fewer steps and a shorter cpu budget. */
  readonly quick?: boolean;
  /** Samples per step, the same for every model and backend. Default 32. */
  readonly batchSize?: number;
}

interface StepPlan {
  readonly warmup: number;
  readonly maxSteps: number;
  readonly budgetMs: number;
}

interface TfjsTiming {
  readonly params: number;
  readonly steps: number;
  readonly msPerStep: number;
}

/**
 * `warmup` untimed `trainOnBatch` calls (the first builds the graph, the next few let V8 optimise
 * the tfjs-layers loop), then timed ones until `maxSteps` or `budgetMs` (at least one).
 */
async function timeTfjs(c: TrainingCase, batch: number, plan: StepPlan): Promise<TfjsTiming> {
  const model = c.build();
  const [xs, ys] = c.batch(batch);
  try {
    for (let i = 0; i < plan.warmup; i++) await model.trainOnBatch(xs, ys);
    let steps = 0;
    const start = performance.now();
    while (steps < plan.maxSteps && (steps === 0 || performance.now() - start < plan.budgetMs)) {
      await model.trainOnBatch(xs, ys); // resolves after the loss is read back: the step is done
      steps++;
    }
    const elapsed = performance.now() - start;
    return { params: trainableParams(model), steps, msPerStep: elapsed / steps };
  } finally {
    tf.dispose([xs, ys]);
    disposeModel(model);
  }
}

async function loadable(name: BackendName): Promise<string | undefined> {
  try {
    const info = await initBackend({ backend: name });
    return `${info.threads ?? '?'} thread${info.threads === 1 ? '' : 's'}`;
  } catch {
    return undefined;
  }
}

/** One runtime's timings of one model, one entry per round. */
interface Series {
  readonly runtime: string;
  params: number;
  steps: number[];
  msPerStep: number[];
}

function add(
  series: Map<string, Series>,
  runtime: string,
  t: { params: number; steps: number; msPerStep: number },
): void {
  const s = series.get(runtime) ?? { runtime, params: t.params, steps: [], msPerStep: [] };
  s.steps.push(t.steps);
  s.msPerStep.push(t.msPerStep);
  series.set(runtime, s);
}

/**
 * Samples/s of every model on every backend that loads, beside one-thread PyTorch. Fast backends and
 * torch alternate for `rounds` rounds (torch right after, with the same warm-up and step count), and
 * the ratio is the median of the per-round ratios, so a load change on a shared machine hits both
 * sides alike; cpu runs once, within its budget.
 */
export async function trainingThroughput(options: TrainingThroughputOptions = {}): Promise<BenchResult> {
  const quick = options.quick === true;
  const batch = options.batchSize ?? 32;
  const rounds = quick ? 2 : 3;
  const warmup = quick ? 3 : 5;
  const fast: StepPlan = { warmup, maxSteps: 1000, budgetMs: quick ? 2_000 : 5_000 };
  // cpu takes seconds a conv step: one warm-up, and as many steps as fit in its budget.
  const slow: StepPlan = { warmup: 1, maxSteps: 1000, budgetMs: quick ? 5_000 : 20_000 };
  const backends = new Map<BackendName, string>();
  for (const name of BACKEND_NAMES) {
    const threads = await loadable(name);
    if (threads !== undefined) backends.set(name, `tfjs ${name} (${threads})`);
  }
  const noTorch = torchUnavailable();
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  let torchLabel = 'torch';
  let torchSkipped = noTorch;
  for (const c of TRAINING_CASES) {
    const series = new Map<string, Series>();
    const paired = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      let torchSteps = 0;
      for (const [name, label] of backends) {
        if (name === 'cpu') continue;
        await initBackend({ backend: name });
        const t = await timeTfjs(c, batch, fast);
        add(series, label, t);
        torchSteps ||= t.steps;
      }
      if (torchSkipped !== undefined || torchSteps === 0) continue;
      const torch = runTorchAnchor(c.name, warmup, torchSteps, batch);
      if (typeof torch === 'string') {
        torchSkipped = torch;
        continue;
      }
      torchLabel = `torch ${torch.torch} (${torch.threads} thread${torch.threads === 1 ? '' : 's'})`;
      add(series, torchLabel, torch);
      for (const [, s] of series) {
        if (s.runtime === torchLabel) continue;
        const list = paired.get(s.runtime) ?? [];
        list.push(torch.msPerStep / (s.msPerStep[round] ?? Number.NaN));
        paired.set(s.runtime, list);
      }
    }
    const cpu = backends.get('cpu');
    if (cpu !== undefined && c.onCpu) {
      await initBackend({ backend: 'cpu' });
      add(series, cpu, await timeTfjs(c, batch, slow));
    }
    const torchMs = median(series.get(torchLabel)?.msPerStep ?? []);
    for (const [, s] of series) {
      const ms = median(s.msPerStep);
      const vsTorch = s.runtime === torchLabel ? 1 : median(paired.get(s.runtime) ?? [torchMs / ms]);
      rows.push({
        model: c.name,
        runtime: s.runtime,
        params: s.params,
        steps: s.steps.join('+'),
        msPerStep: ms,
        samplesPerSec: (1000 * batch) / ms,
        vsTorch: Number.isNaN(vsTorch) ? 'n/a' : vsTorch,
      });
      const backend = [...backends].find(([, label]) => label === s.runtime)?.[0];
      if (backend !== undefined && !Number.isNaN(vsTorch)) ratios[`${c.name}: ${backend} ÷ torch samples/s`] = vsTorch;
    }
    if (torchSkipped !== undefined) rows.push({ model: c.name, runtime: `torch: ${torchSkipped}` });
  }
  await initBackend(); // the fastest again, for whatever runs next
  const models = TRAINING_CASES.map((c) => `${c.name}: ${c.description}`).join('; ');
  return {
    name: 'training-throughput',
    description:
      `Training samples/s: trainOnBatch (torch: one Adam step) on one fixed batch of ${batch}, after ` +
      `${warmup} warm-up steps (cpu: 1); medians of ${rounds} rounds of up to ${fast.budgetMs / 1000} s ` +
      `(cpu: one round, ${slow.budgetMs / 1000} s). Models: ${models}. vsTorch = tfjs ÷ one-thread ` +
      `PyTorch samples/s (median of per-round ratios); goals: wasm ≥ 0.33 on every zoo model, then ≥ 0.6 (#20). ` +
      (torchSkipped === undefined ? '' : `PyTorch anchor skipped: ${torchSkipped}. `) +
      `Backends loaded: ${[...backends.keys()].join(', ') || 'none'}.`,
    rows,
    ratios,
  };
}

if (require.main === module) {
  trainingThroughput({ quick: process.argv.includes('--quick') })
    .then((result) => process.stdout.write(`${toMarkdown(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
