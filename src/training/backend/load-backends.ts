import * as tf from '@tensorflow/tfjs';
import type * as TfjsBackendWasm from '@tensorflow/tfjs-backend-wasm';

import { engineFields } from './internals';

/** What loading a backend found out, for {@link BackendInfo}. */
export interface LoadedBackend {
  readonly version?: string;
  readonly threads?: number;
}

/**
 * Loads and activates one backend; throws an Error whose message says why it cannot. `threads` is
 * the caller's explicit request; left out, each backend keeps its own default (all cores).
 */
export type BackendLoader = (threads: number | undefined) => Promise<LoadedBackend>;

/**
 * `require` of an optional package, by a name bundlers do not see. A missing or broken package
 * (a tfjs-node whose native binding does not load) throws here, inside the caller's try, never at
 * import time of tfjs-tune.
 */
function requireOptional<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name) as T;
}

async function activate(name: string): Promise<void> {
  // setBackend reports a failed initialisation by resolving to false (after a console warning).
  if (tf.getBackend() === name && engineFields(tf.engine()).registry[name] !== undefined) return;
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  await tf.ready();
}

/** tfjs-node-gpu, else tfjs-node: native TensorFlow, the fastest when it is installed. */
export const loadTensorflow: BackendLoader = async (threads) => {
  // libtensorflow reads its thread count once, when the binding loads; a variable the user set wins.
  const setThreads = threads !== undefined && process.env['TF_NUM_INTRAOP_THREADS'] === undefined;
  if (setThreads) process.env['TF_NUM_INTRAOP_THREADS'] = String(threads);
  const reasons: string[] = [];
  let module: { version?: Record<string, string> } | undefined;
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      module = requireOptional<{ version?: Record<string, string> }>(name);
      break;
    } catch (error) {
      reasons.push(`${name}: ${firstLine(error)}`);
    }
  }
  if (module === undefined) {
    if (setThreads) delete process.env['TF_NUM_INTRAOP_THREADS'];
    throw new Error(reasons.join('; '));
  }
  if (engineFields(tf.engine()).registryFactory['tensorflow'] === undefined) {
    // tfjs-node registered its backend with its own copy of tfjs-core, which ours cannot use.
    throw new Error('tfjs-node loaded but registered no "tensorflow" backend with this @tensorflow/tfjs');
  }
  await activate('tensorflow');
  const version = module.version?.['tfjs-node'];
  const configured = Number(process.env['TF_NUM_INTRAOP_THREADS']);
  return {
    ...(version !== undefined ? { version } : {}),
    ...(Number.isInteger(configured) && configured > 0 ? { threads: configured } : {}),
  };
};

/** tfjs-backend-wasm (XNNPACK), with its .wasm binaries found in its own package folder. */
export const loadWasm: BackendLoader = async (threads) => {
  const wasm = requireOptional<typeof TfjsBackendWasm>('@tensorflow/tfjs-backend-wasm');
  if (engineFields(tf.engine()).registry['wasm'] === undefined) {
    if (tf.env().get('IS_NODE') === true) {
      // The loader would look for the .wasm files next to the bundle: point it at the package's
      // dist/ folder in node_modules (in a browser, serving them is the app's job).
      const binary = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      wasm.setWasmPaths(binary.slice(0, binary.length - 'tfjs-backend-wasm.wasm'.length));
    } else {
      // tfjs 4.22 turns wasm multithreading off in Node (WASM_HAS_MULTITHREAD_SUPPORT is false
      // there, tensorflow/tfjs#3830): XNNPACK runs on one thread whatever we ask. Only a browser
      // page with cross-origin isolation gets the threaded binary, so only there do we set a count.
      wasm.setThreadsCount(threads ?? cores());
    }
  }
  await activate('wasm');
  return { version: wasm.version_wasm, threads: wasm.getThreadsCount() };
};

/** The pure-JS backend: always there, and ~100x too slow for conv nets. */
export const loadCpu: BackendLoader = async () => {
  await activate('cpu');
  const version = (tf.version as Record<string, string | undefined>)['tfjs-backend-cpu'];
  return { ...(version !== undefined ? { version } : {}), threads: 1 };
};

function cores(): number {
  const navigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return navigator?.hardwareConcurrency ?? 1;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
