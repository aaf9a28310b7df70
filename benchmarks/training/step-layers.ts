/**
 * A wasm training step per layer kind, before and after our C kernels, side by side in one process:
 * the same models and batches profiled with the C kernels off (`setSimdKernelsEnabled(false)`: the
 * JS loops and tensor-op routes they replaced) and on, alternating in rounds. Kernel times are
 * exclusive (step-profile.ts) and charged to a layer kind by the outermost kernel's name.
 *
 *   npm run bench -- training-step-layers
 */
import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../../src/training/backend';
import { setSimdKernelsEnabled } from '../../src/training/backend/simd/simd-kernels';
import { disposeModel } from '../../src/training/dispose-model';
import { type BenchResult } from '../result';
import { median } from './stats';
import { timeAndProfile } from './step-profile';
import { runTorchAnchor, torchUnavailable } from './torch-runner';
import { type CaseName, TRAINING_CASES } from './zoo-cases';

/** Layer kinds, each with the kernels (outermost name) it is charged for. */
const KINDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['conv forward', ['Conv2D', 'FusedConv2D', 'fusedConv2d__op', 'DepthwiseConv2dNative']],
  ['conv filter gradient', ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter']],
  ['conv input gradient', ['Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropInput']],
  ['batch norm (forward and gradient)', ['TfjsTuneBatchNormTrain', 'TfjsTuneBatchNormTrainGrad']],
  ['pooling (forward and gradient)', ['MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad', 'Mean']],
  ['bias gradients (Sum)', ['Sum']],
  ['dense', ['TfjsTuneDense', 'BatchMatMul', '_FusedMatMul']],
];
const OTHER = 'other kernels (activations, loss, optimiser, ...)';
const OUTSIDE = 'outside kernels (tape, layers, optimiser JS)';
/** PyTorch runs both conv gradients in one operator: compared on the sum of ours. */
const CONV_GRADIENTS = 'conv gradients (filter + input)';
/** Our kind → the name torch_anchor.py's profile gives the same kind. */
const TORCH_NAME: Readonly<Record<string, string>> = { [OTHER]: 'other kernels', [OUTSIDE]: 'outside kernels' };

function kindOf(label: string): string {
  const outer = label.split(' > ')[0] ?? label;
  return KINDS.find(([, names]) => names.includes(outer))?.[0] ?? OTHER;
}

/** ms per step by layer kind (and the unprofiled step), for one model in its current mode. */
async function profileByKind(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  steps: number,
): Promise<Map<string, number>> {
  for (let i = 0; i < 2; i++) await model.trainOnBatch(xs, ys); // the mode's kernels warm
  const { wallMs, profiledMs, totals, kernelMs } = await timeAndProfile(model, xs, ys, steps);
  const byKind = new Map<string, number>([['step (unprofiled)', wallMs]]);
  for (const [label, t] of totals) byKind.set(kindOf(label), (byKind.get(kindOf(label)) ?? 0) + t.ms / steps);
  byKind.set(OUTSIDE, profiledMs - kernelMs);
  return byKind;
}

export async function trainingStepLayers(
  options: { models?: readonly CaseName[]; rounds?: number; steps?: number } = {},
): Promise<BenchResult> {
  const { models = ['cnn', 'cnn-bn', 'cnn-large', 'darts'], rounds = 3, steps = 5 } = options;
  await initBackend({ backend: 'wasm' });
  const rows: Record<string, string | number>[] = [];
  const ratios: Record<string, number> = {};
  const noTorch = torchUnavailable();
  let torchNote: string | undefined;
  try {
    for (const c of TRAINING_CASES.filter((t) => models.includes(t.name))) {
      const model = c.build();
      const [xs, ys] = c.batch(32);
      const samples = { before: new Map<string, number[]>(), after: new Map<string, number[]>() };
      try {
        for (let i = 0; i < 3; i++) await model.trainOnBatch(xs, ys);
        for (let round = 0; round < rounds; round++) {
          for (const mode of ['before', 'after'] as const) {
            setSimdKernelsEnabled(mode === 'after');
            for (const [kind, ms] of await profileByKind(model, xs, ys, steps)) {
              samples[mode].set(kind, [...(samples[mode].get(kind) ?? []), ms]);
            }
          }
        }
      } finally {
        setSimdKernelsEnabled(true);
        tf.dispose([xs, ys]);
        disposeModel(model);
      }
      for (const mode of ['before', 'after'] as const) {
        const m = samples[mode];
        const filter = m.get('conv filter gradient') ?? [];
        const input = m.get('conv input gradient') ?? [];
        if (filter.length > 0 || input.length > 0) {
          m.set(
            CONV_GRADIENTS,
            Array.from({ length: rounds }, (_, i) => (filter[i] ?? 0) + (input[i] ?? 0)),
          );
        }
      }
      const torch = noTorch === undefined ? runTorchAnchor(c.name, 5, 10, 32, true) : noTorch;
      if (typeof torch === 'string') torchNote ??= torch;
      const torchMs = (kind: string): number => {
        if (typeof torch === 'string') return Number.NaN;
        if (kind === 'step (unprofiled)') return torch.msPerStep;
        return torch.kinds?.[TORCH_NAME[kind] ?? kind] ?? Number.NaN;
      };
      const kinds = ['step (unprofiled)', ...KINDS.map(([k]) => k), CONV_GRADIENTS, OTHER, OUTSIDE];
      for (const kind of kinds) {
        const before = median(samples.before.get(kind) ?? [0]);
        const after = median(samples.after.get(kind) ?? [0]);
        if (before < 0.05 && after < 0.05) continue;
        const theirs = torchMs(kind);
        rows.push({
          model: c.name,
          'layer kind': kind,
          'before ms': before,
          'after ms': after,
          'before ÷ after': after > 0 ? before / after : Number.NaN,
          'PyTorch ms': theirs,
          'after ÷ PyTorch': theirs > 0 ? after / theirs : Number.NaN,
        });
      }
      const before = median(samples.before.get('step (unprofiled)') ?? []);
      const after = median(samples.after.get('step (unprofiled)') ?? []);
      ratios[`${c.name}: step before ÷ after`] = before / after;
      const torchStep = torchMs('step (unprofiled)');
      if (torchStep > 0) ratios[`${c.name}: step after ÷ PyTorch`] = after / torchStep;
    }
  } finally {
    setSimdKernelsEnabled(true);
  }
  return {
    name: 'training-step-layers',
    description:
      `wasm training step (trainOnBatch, batch 32, Adam) by layer kind, before (our C kernels off: the ` +
      `JS loops and tensor-op routes they replaced) and after (on), alternating in ${rounds} rounds of ` +
      `${steps} profiled steps in one process; medians, ms per step, exclusive kernel times charged by ` +
      `the outermost kernel's name. Models: ${TRAINING_CASES.filter((t) => models.includes(t.name))
        .map((t) => `${t.name}: ${t.description}`)
        .join('; ')}.`,
    rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number.isNaN(v) ? '' : v]))),
    ratios,
  };
}
