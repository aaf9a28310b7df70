import { InvalidArgumentError, TfjsTuneError, quote } from '../../errors';
import { type BackendLoader, loadCpu, loadTensorflow, loadWasm } from './load-backends';
import { registerForBackend } from './register';

/** The backends tfjs-tune trains on, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Environment variable that forces one backend: `TFJS_TUNE_BACKEND=cpu|wasm|tensorflow`. */
export const BACKEND_ENV_VAR = 'TFJS_TUNE_BACKEND';

export interface BackendInfo {
  readonly name: BackendName;
  readonly version?: string;
  /** Threads the backend computes on (wasm in Node: always 1). */
  readonly threads?: number;
  /** Kernels and gradients tfjs-tune registered for this backend, sorted. */
  readonly kernelsPatched: readonly string[];
}

export interface InitBackendOptions {
  /** Forces a backend; wins over {@link BACKEND_ENV_VAR}. Left out: the fastest that loads. */
  readonly backend?: BackendName;
  /** Compute threads, where the backend lets us choose (tensorflow; wasm in a browser). */
  readonly threads?: number;
  /** Progress and fallback messages (which backend was skipped, and why). */
  readonly log?: (msg: string) => void;
}

/** A backend was asked for by name and cannot be loaded here. */
export class BackendUnavailableError extends TfjsTuneError {}

const LOADERS: Readonly<Record<BackendName, BackendLoader>> = {
  tensorflow: loadTensorflow,
  wasm: loadWasm,
  cpu: loadCpu,
};

const ALLOWED = `one of ${BACKEND_NAMES.map((n) => quote(n)).join(', ')}`;

/**
 * Activates the fastest backend that loads, tensorflow (tfjs-node-gpu, then tfjs-node), then wasm,
 * then cpu, unless `options.backend` or `TFJS_TUNE_BACKEND` names one, in which case that one or an
 * error. Registers what training needs (`registerForBackend`, in register.ts): the fused ops and
 * layers and the dilated depthwise gradient on every backend, and on wasm its missing and faster
 * gradient kernels. Calling it again is cheap and changes nothing.
 *
 * @example
 * ```ts
 * const info = await initBackend({ log: console.log });
 * console.log(describeBackend(info)); // "wasm 4.22.0, 1 thread, 15 kernels patched"
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const log = options.log ?? (() => undefined);
  const forced = forcedBackend(options);
  const candidates: readonly BackendName[] = forced === undefined ? BACKEND_NAMES : [forced.name];
  const reasons: string[] = [];
  for (const name of candidates) {
    try {
      const loaded = await LOADERS[name](options.threads);
      const info: BackendInfo = { name, ...loaded, kernelsPatched: registerForBackend(name) };
      log(`tfjs-tune backend: ${describeBackend(info)}`);
      return info;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      reasons.push(`${name}: ${reason}`);
      if (forced === undefined) log(`tfjs-tune backend: skipping ${name} (${reason})`);
    }
  }
  if (forced !== undefined) {
    throw new BackendUnavailableError(
      `${forced.source}=${quote(forced.name)} cannot be loaded: ${reasons.join('; ')}. ` +
        `Allowed values: ${BACKEND_NAMES.map((n) => quote(n)).join(', ')} (its package must be installed)`,
    );
  }
  throw new BackendUnavailableError(`no tfjs backend could be loaded: ${reasons.join('; ')}`);
}

/** One line for a CLI header, e.g. `wasm 4.22.0, 1 thread, 15 kernels patched`. */
export function describeBackend(info: BackendInfo): string {
  const parts: string[] = [info.version === undefined ? info.name : `${info.name} ${info.version}`];
  if (info.threads !== undefined) parts.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`);
  const patched = info.kernelsPatched.length;
  if (patched > 0) parts.push(`${patched} kernel${patched === 1 ? '' : 's'} patched`);
  return parts.join(', ');
}

function forcedBackend(options: InitBackendOptions): { name: BackendName; source: string } | undefined {
  if (options.backend !== undefined) return { name: checkName('backend', options.backend), source: 'backend' };
  const fromEnv = process.env[BACKEND_ENV_VAR];
  if (fromEnv === undefined || fromEnv.trim() === '') return undefined;
  return { name: checkName(BACKEND_ENV_VAR, fromEnv.trim().toLowerCase()), source: BACKEND_ENV_VAR };
}

function checkName(field: string, value: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new InvalidArgumentError(field, value, ALLOWED);
}
