import * as tf from '@tensorflow/tfjs';

import { registeredKernel } from '../internals';
import { conv2DBackpropFilter } from './conv2d-backprop-filter';
import { conv2DBackpropInputViaConv } from './conv2d-backprop-input';
import { conv3DBackpropFilter } from './conv3d-backprop-filter';
import { conv3DBackpropInput } from './conv3d-backprop-input';
import { depthwiseConv2dNativeBackpropInput } from './depthwise-backprop';
import { heapDepthwiseFilterGrad } from './heap-depthwise-filter';
import { gatherKernel } from './heap-gather';
import { sliceKernel, splitKernel, unpackKernel } from './heap-slice';
import { heapTile } from './heap-tile';
import { maxPoolGrad } from './max-pool-grad';
import { rowSums } from './row-sums';
import { sharedIdentity } from './shared-identity';
import { unsortedSegmentSum } from './unsorted-segment-sum';
import { untransposedMatMul } from './untransposed-matmul';

const BACKEND = 'wasm';
const MARK = 'tfjs-tune';

/** A kernel config as we register it: tagged, and holding the one it replaced so it can go back. */
interface PatchedKernelConfig extends tf.KernelConfig {
  readonly patchedBy: typeof MARK;
  readonly replaced?: tf.KernelConfig;
}

interface KernelPatch {
  readonly kernelName: string;
  /** The replacement, given wasm's own kernel (undefined when wasm has none); undefined to skip. */
  build(original: tf.KernelConfig | undefined): tf.KernelFunc | undefined;
}

/** Adds a kernel wasm lacks; leaves a native one alone should a later tfjs ship it. */
function missing(kernelName: string, kernelFunc: tf.KernelFunc): KernelPatch {
  return { kernelName, build: (original) => (original === undefined ? kernelFunc : undefined) };
}

/** Replaces a kernel wasm has but gets wrong. */
function fixed(kernelName: string, kernelFunc: tf.KernelFunc): KernelPatch {
  return { kernelName, build: () => kernelFunc };
}

/** Wraps a kernel wasm has but runs slowly in some cases. */
function faster(kernelName: string, wrap: (original: tf.KernelConfig) => tf.KernelFunc): KernelPatch {
  return { kernelName, build: (original) => (original === undefined ? undefined : wrap(original)) };
}

/**
 * Every patch; each is checked against the cpu backend in test/training/backend and timed in
 * benchmarks/training-kernels.ts. Stride-2 conv input gradients take the spread-dy conv too: even
 * with 3/4 zeros it beat wasm's loop 2x; from stride 3 on, wasm's own kernel stays.
 */
const WASM_PATCHES: readonly KernelPatch[] = [
  missing('Conv2DBackpropFilter', conv2DBackpropFilter),
  missing('DepthwiseConv2dNativeBackpropInput', depthwiseConv2dNativeBackpropInput),
  missing('DepthwiseConv2dNativeBackpropFilter', heapDepthwiseFilterGrad),
  missing('UnsortedSegmentSum', unsortedSegmentSum),
  fixed('MaxPoolGrad', maxPoolGrad),
  fixed('Conv3DBackpropInputV2', conv3DBackpropInput),
  fixed('Conv3DBackpropFilterV2', conv3DBackpropFilter),
  faster('BatchMatMul', untransposedMatMul),
  faster('_FusedMatMul', untransposedMatMul),
  faster('Conv2DBackpropInput', (original) => conv2DBackpropInputViaConv(original, 2)),
  faster('Identity', sharedIdentity),
  faster('Slice', sliceKernel),
  faster('Unpack', unpackKernel),
  faster('SplitV', splitKernel),
  faster('Tile', () => heapTile),
  faster('GatherV2', gatherKernel),
  faster('Sum', (original) => rowSums(original, false)),
  faster('Mean', (original) => rowSums(original, true)),
];

function isPatched(config: tf.KernelConfig | undefined): config is PatchedKernelConfig {
  return config !== undefined && (config as Partial<PatchedKernelConfig>).patchedBy === MARK;
}

function registered(kernelName: string): tf.KernelConfig | undefined {
  return registeredKernel(kernelName, BACKEND);
}

/**
 * Registers tfjs-tune's training kernels for the wasm backend (tfjs 4.22): the gradient kernels
 * wasm lacks (conv filter, depthwise input and filter, segment sum), correct versions of ones it
 * gets wrong (MaxPoolGrad, Conv3D backprops), and faster versions of slow ones (transposed matMul,
 * conv input gradient, Slice/Unpack/SplitV, Identity, Tile, GatherV2, Sum and Mean over rows of channels). Idempotent: already patched kernels are
 * left as they are. Returns the names of the kernels that are now ours, sorted.
 *
 * Call it after the wasm backend is initialised (or before: a replacement carries the original's
 * setup function, so it is set up either way). {@link tfjs-tune!initBackend | initBackend} calls it when wasm wins.
 */
export function registerWasmTrainingKernels(): string[] {
  const names: string[] = [];
  for (const patch of WASM_PATCHES) {
    const current = registered(patch.kernelName);
    if (isPatched(current)) {
      names.push(patch.kernelName);
      continue;
    }
    const kernelFunc = patch.build(current);
    if (kernelFunc === undefined) continue;
    if (current !== undefined) tf.unregisterKernel(patch.kernelName, BACKEND);
    const config: PatchedKernelConfig = {
      kernelName: patch.kernelName,
      backendName: BACKEND,
      kernelFunc,
      patchedBy: MARK,
      ...(current !== undefined ? { replaced: current } : {}),
      ...(current?.setupFunc !== undefined ? { setupFunc: current.setupFunc } : {}),
      ...(current?.disposeFunc !== undefined ? { disposeFunc: current.disposeFunc } : {}),
    };
    tf.registerKernel(config);
    names.push(patch.kernelName);
  }
  return names.sort();
}

/**
 * Puts wasm's own kernels back and removes the added ones: for benchmarks that compare before and
 * after in one process, and for tests. Returns the names restored or removed, sorted.
 */
export function unregisterWasmTrainingKernels(): string[] {
  const names: string[] = [];
  for (const patch of WASM_PATCHES) {
    const current = registered(patch.kernelName);
    if (!isPatched(current)) continue;
    tf.unregisterKernel(patch.kernelName, BACKEND);
    if (current.replaced !== undefined) tf.registerKernel(current.replaced);
    names.push(patch.kernelName);
  }
  return names.sort();
}

/**
 * Whether the active backend is wasm with our depthwise backprop kernels, which take a dilation
 * themselves (the cpu backend's ignore it): the dilated depthwise gradient then passes it through
 * instead of writing the filter out densely.
 */
export function depthwiseBackpropTakesDilation(): boolean {
  return (
    tf.getBackend() === BACKEND &&
    isPatched(registered('DepthwiseConv2dNativeBackpropInput')) &&
    isPatched(registered('DepthwiseConv2dNativeBackpropFilter'))
  );
}

/** The names of the wasm kernels tfjs-tune has patched right now, sorted. */
export function patchedWasmKernels(): string[] {
  return WASM_PATCHES.map((p) => p.kernelName)
    .filter((name) => isPatched(registered(name)))
    .sort();
}
