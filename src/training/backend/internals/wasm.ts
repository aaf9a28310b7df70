import * as tf from '@tensorflow/tfjs';

import { defineCheck, defineView } from './view';

/** What our C kernels need of the wasm backend: its emscripten module and where tensors live. */
export interface WasmBackendFields {
  readonly wasm: WasmModuleFields;
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
}

/** The emscripten module inside the wasm backend: its exports (the memory among them) and malloc. */
export interface WasmModuleFields {
  readonly asm: { readonly memory?: object };
  _malloc(bytes: number): number;
}

/** The wasm backend once initialised (the canary initialises it first); null before. */
function wasmProbe(): object {
  return (tf.engine().findBackend('wasm') ?? {}) as object;
}

export const wasmBackendFields = defineView<WasmBackendFields, object>(
  'BackendWasm',
  { wasm: 'field', dataIdMap: 'field' },
  wasmProbe,
);

export const wasmModuleFields = defineView<WasmModuleFields, object>(
  'BackendWasm.wasm (emscripten module)',
  { asm: 'field', _malloc: 'method' },
  () => (wasmProbe() as Partial<WasmBackendFields>).wasm ?? {},
);

defineCheck("the wasm backend's module exports its memory as asm.memory", () => {
  const memory = (wasmProbe() as Partial<WasmBackendFields>).wasm?.asm.memory;
  const api = (globalThis as { WebAssembly?: { Memory: abstract new (...args: never[]) => object } }).WebAssembly;
  return api !== undefined && memory instanceof api.Memory;
});
