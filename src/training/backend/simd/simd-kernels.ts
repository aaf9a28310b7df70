import type * as tf from '@tensorflow/tfjs';

import { wasmBackendFields, wasmModuleFields } from '../internals';
import { KERNELS_WASM_BASE64 } from './kernels-wasm';

/*
 * The few WebAssembly JS API types used here (TypeScript has them only in the DOM lib, which this
 * Node project does not load).
 */
interface WasmGlobal {
  value: number;
}
interface WasmApi {
  readonly Memory: abstract new (...args: never[]) => object;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Stack for the C kernels (spills and their per-channel arrays), taken from tfjs's heap once. */
const STACK_BYTES = 256 * 1024;

/**
 * A conv's geometry as the C filter gradients take it after x, dy and the output (the conv's output
 * channels; for a depthwise conv its channel multiplier).
 */
export type ConvGeometry = [
  batch: number,
  inHeight: number,
  inWidth: number,
  inChannels: number,
  outHeight: number,
  outWidth: number,
  channelsOut: number,
  filterHeight: number,
  filterWidth: number,
  strideHeight: number,
  strideWidth: number,
  dilationHeight: number,
  dilationWidth: number,
  padTop: number,
  padLeft: number,
];

/** {@link ConvGeometry} from tfjs's conv info. */
export function convGeometry(info: tf.backend_util.Conv2DInfo, channelsOut: number): ConvGeometry {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    channelsOut,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/** The C functions of kernels.c; every pointer is a byte offset into tfjs's wasm heap. */
export interface KernelExports {
  readonly __stack_pointer: WasmGlobal;
  max_channels(): number;
  max_pool_grad(
    x: number,
    dy: number,
    dx: number,
    batch: number,
    inH: number,
    inW: number,
    channels: number,
    outH: number,
    outW: number,
    strideH: number,
    strideW: number,
    padTop: number,
    padLeft: number,
    filterH: number,
    filterW: number,
  ): void;
  conv2d_backprop_filter(x: number, dy: number, out: number, ...geometry: ConvGeometry): void;
  depthwise_backprop_filter(x: number, dy: number, out: number, ...geometry: ConvGeometry): void;
  sum_rows(x: number, out: number, outer: number, rows: number, cols: number, scale: number): void;
  flip_transpose_filter(src: number, dst: number, kh: number, kw: number, inC: number, outC: number): void;
  relu_grad(x: number, dy: number, dx: number, n: number): void;
  l1l2_penalty(w: number, n: number, l1: number, l2: number): number;
  l1l2_grad(w: number, out: number, n: number, a: number, b: number): void;
  batch_norm_forward(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    mean: number,
    variance: number,
    count: number,
    channels: number,
    epsilon: number,
  ): void;
  batch_norm_backward(
    x: number,
    dy: number,
    gamma: number,
    mean: number,
    variance: number,
    dMean: number,
    dVariance: number,
    dx: number,
    dGamma: number,
    dBeta: number,
    count: number,
    channels: number,
    epsilon: number,
  ): void;
}

/** tfjs's C kernels loaded beside wasm's own, on its memory. */
export interface SimdKernels {
  readonly fn: KernelExports;
  /** The most channels a per-channel kernel (batch norm) takes: its arrays live on a fixed stack. */
  readonly maxChannels: number;
  /** Where a tensor's data sits in the shared heap (a byte offset). */
  pointer(info: tf.TensorInfo): number;
}

const loaded = new WeakMap<object, SimdKernels | null>();
let enabled = typeof process === 'undefined' || process.env['TFJS_TUNE_SIMD_KERNELS'] !== '0';

/**
 * Turns the C kernels off (the JS loops on wasm's memory run instead) or on again: for the tests
 * of both paths and the benchmarks that time one against the other. `TFJS_TUNE_SIMD_KERNELS=0`
 * starts a process with them off.
 */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The C kernels for a wasm backend, loaded on first use; undefined when they are off, the backend
 * is not wasm, or the module cannot join its memory (a threaded build's shared memory, or no wasm
 * SIMD): callers then run their JS loops.
 */
export function simdKernelsFor(backend: tf.KernelBackend | object): SimdKernels | undefined {
  if (!enabled) return undefined;
  const cached = loaded.get(backend);
  if (cached !== undefined) return cached ?? undefined;
  const kernels = 'typedArrayFromHeap' in backend ? load(backend) : undefined;
  loaded.set(backend, kernels ?? null);
  return kernels;
}

function load(backend: object): SimdKernels | undefined {
  const { wasm, dataIdMap } = wasmBackendFields(backend);
  const module = wasmModuleFields(wasm);
  const memory = module.asm.memory;
  if (wasmApi === undefined || !(memory instanceof wasmApi.Memory)) return undefined;
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  if (!wasmApi.validate(bytes)) return undefined; // no wasm SIMD here
  let fn: KernelExports;
  try {
    const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
    fn = instance.exports as unknown as KernelExports;
  } catch {
    return undefined; // shared memory (threaded wasm) against our unshared import, or the like
  }
  const stackBase = module._malloc(STACK_BYTES) >>> 0;
  // The stack grows down from the end of its block, kept 16-byte aligned.
  fn.__stack_pointer.value = (stackBase + STACK_BYTES) & ~15;
  return {
    fn,
    maxChannels: fn.max_channels(),
    pointer: (info) => {
      const offset = dataIdMap.get(info.dataId)?.memoryOffset;
      if (offset === undefined || offset === null) throw new Error('tensor has no data in wasm memory');
      return offset;
    },
  };
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
