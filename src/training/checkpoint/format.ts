import type * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import type { JsonValue } from '../../trial/json';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
/** The `tfjsTune.version` this code writes; it reads this and older. */
export const CHECKPOINT_VERSION = 1;

/** tfjs-tune's part of model.json (null fields: a plain tfjs model.json without it). */
export interface CheckpointInfo {
  readonly version: number | null;
  readonly weightBytes: number | null;
  readonly weightsSha256: string | null;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  readonly optimizer: { readonly className: string; readonly config: Readonly<Record<string, JsonValue>> } | null;
}

export interface ParsedCheckpointJson {
  readonly artifacts: tf.io.ModelArtifacts;
  readonly weightPaths: readonly string[];
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly info: CheckpointInfo;
}

const BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bytes the specs describe, or null when a string tensor makes the size data-dependent. */
export function expectedByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES[dtype];
    if (size === undefined) return null;
    total += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}

/** Checks the weights' byte count against the manifest (and the size model.json recorded). */
export function checkManifest(
  file: string,
  specs: readonly tf.io.WeightsManifestEntry[],
  actual: number,
  recorded: number | null,
): void {
  const expected = expectedByteLength(specs) ?? recorded;
  if (expected !== null && actual !== expected) {
    const why = actual < expected ? 'truncated' : 'unexpected size';
    throw new TfjsTuneError(
      `${file}: ${why}: expected ${expected} bytes (the tensors listed in ${MODEL_FILE}'s weightsManifest), found ${actual}`,
    );
  }
}

function fail(file: string, what: string): never {
  throw new TfjsTuneError(`${file}: ${what}`);
}

function parseSpec(file: string, raw: unknown, i: number): tf.io.WeightsManifestEntry {
  const where = `weightsManifest weight ${i}`;
  if (!isObject(raw) || typeof raw['name'] !== 'string') fail(file, `${where}: expected { name, shape, dtype }`);
  const shape = raw['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    fail(file, `${where} ("${String(raw['name'])}"): expected "shape", an array of integers >= 0`);
  }
  if (typeof raw['dtype'] !== 'string' || !(raw['dtype'] in BYTES || raw['dtype'] === 'string')) {
    fail(file, `${where} ("${String(raw['name'])}"): expected "dtype" float32 | int32 | bool | string | complex64`);
  }
  return raw as unknown as tf.io.WeightsManifestEntry;
}

function parseWeightsManifest(file: string, raw: unknown): { paths: string[]; specs: tf.io.WeightsManifestEntry[] } {
  if (!Array.isArray(raw)) fail(file, 'expected "weightsManifest", an array of { paths, weights }');
  const paths: string[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of raw) {
    if (!isObject(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) {
      fail(file, 'expected each "weightsManifest" entry to be { paths: string[], weights: [...] }');
    }
    for (const p of group['paths'] as unknown[]) {
      if (typeof p !== 'string' || p.length === 0 || p.startsWith('/') || p.split(/[\\/]/).includes('..')) {
        fail(file, `weightsManifest path ${JSON.stringify(p)}: expected a file name inside the checkpoint directory`);
      }
      paths.push(p);
    }
    (group['weights'] as unknown[]).forEach((w) => specs.push(parseSpec(file, w, specs.length)));
  }
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) fail(file, `weightsManifest lists weight "${s.name}" twice`);
    seen.add(s.name);
  }
  if (specs.length > 0 && paths.length === 0) fail(file, 'weightsManifest lists weights but no weight files');
  return { paths, specs };
}

function parseInfo(file: string, raw: unknown): CheckpointInfo {
  if (raw === undefined)
    return { version: null, weightBytes: null, weightsSha256: null, metadata: {}, optimizer: null };
  if (!isObject(raw) || typeof raw['version'] !== 'number') fail(file, 'expected "tfjsTune" to be { version, ... }');
  if (raw['version'] > CHECKPOINT_VERSION) {
    fail(
      file,
      `checkpoint format version ${raw['version']} is newer than this tfjs-tune reads (${CHECKPOINT_VERSION})`,
    );
  }
  const optimizer = raw['optimizer'];
  if (
    optimizer !== undefined &&
    (!isObject(optimizer) || typeof optimizer['className'] !== 'string' || !isObject(optimizer['config']))
  ) {
    fail(file, 'expected "tfjsTune.optimizer" to be { className: string, config: {...} }');
  }
  const metadata = raw['metadata'];
  if (metadata !== undefined && !isObject(metadata)) fail(file, 'expected "tfjsTune.metadata" to be a JSON object');
  return {
    version: raw['version'],
    weightBytes: typeof raw['weightBytes'] === 'number' ? raw['weightBytes'] : null,
    weightsSha256: typeof raw['weightsSha256'] === 'string' ? raw['weightsSha256'] : null,
    metadata: (metadata ?? {}) as Record<string, JsonValue>,
    optimizer: (optimizer ?? null) as CheckpointInfo['optimizer'],
  };
}

/** Parses and validates model.json; every problem names the file and what was expected. */
export function parseCheckpointJson(file: string, text: string): ParsedCheckpointJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(file, `malformed JSON (${(e as Error).message}); expected the model.json of a checkpoint`);
  }
  if (!isObject(raw)) fail(file, 'expected a JSON object with modelTopology and weightsManifest');
  if (!isObject(raw['modelTopology'])) fail(file, 'expected "modelTopology", the model\'s layers as a JSON object');
  const { paths, specs } = parseWeightsManifest(file, raw['weightsManifest']);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: raw['modelTopology'],
    format: typeof raw['format'] === 'string' ? raw['format'] : 'layers-model',
    ...(typeof raw['generatedBy'] === 'string' ? { generatedBy: raw['generatedBy'] } : {}),
    ...(isObject(raw['trainingConfig'])
      ? { trainingConfig: raw['trainingConfig'] as unknown as tf.io.TrainingConfig }
      : {}),
    ...(isObject(raw['userDefinedMetadata'])
      ? { userDefinedMetadata: raw['userDefinedMetadata'] as NonNullable<tf.io.ModelArtifacts['userDefinedMetadata']> }
      : {}),
  };
  return { artifacts, weightPaths: paths, weightSpecs: specs, info: parseInfo(file, raw['tfjsTune']) };
}
