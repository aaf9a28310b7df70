import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import type { JsonValue } from '../../trial/json';
import { writeFilesAtomically } from './atomic-write';
import {
  CHECKPOINT_VERSION,
  MODEL_FILE,
  WEIGHTS_FILE,
  checkManifest,
  expectedByteLength,
  parseCheckpointJson,
  type CheckpointInfo,
} from './format';

/** What tfjs-tune adds to model.json beside the standard tfjs fields. */
export interface CheckpointExtras {
  /** User metadata (epoch, trial number, ...), stored as JSON. */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
  /** The optimiser whose state is in the 'optimizer' weight group. */
  readonly optimizer?: { readonly className: string; readonly config: Readonly<Record<string, JsonValue>> };
}

/** A checkpoint as read back: tfjs artifacts plus tfjs-tune's part. */
export interface ReadCheckpoint {
  readonly artifacts: tf.io.ModelArtifacts & { weightData: ArrayBuffer; weightSpecs: tf.io.WeightsManifestEntry[] };
  readonly info: CheckpointInfo;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A `tf.io.IOHandler` for a checkpoint directory: `model.json` (tfjs layers-model format: topology,
 * weightsManifest, trainingConfig, plus a `tfjsTune` block with the weights' size and SHA-256, the
 * optimiser's class and config and user metadata) and one `weights.bin`. Both are written to
 * temporary files, fsynced and renamed into place, weights first and model.json last.
 *
 * @example
 * ```ts
 * await model.save(new tune.CheckpointHandler('./ckpt', { metadata: { epoch: 3 } }));
 * const again = await tf.loadLayersModel(new tune.CheckpointHandler('./ckpt'));
 * ```
 */
export class CheckpointHandler implements tf.io.IOHandler {
  constructor(
    readonly dir: string,
    private readonly extras: CheckpointExtras = {},
  ) {}

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology === undefined || artifacts.modelTopology instanceof ArrayBuffer) {
      throw new TfjsTuneError('CheckpointHandler.save: expected a layers model (JSON modelTopology)');
    }
    const specs = artifacts.weightSpecs ?? [];
    const data = new Uint8Array(
      artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
    );
    const expected = expectedByteLength(specs);
    if (expected !== null && expected !== data.byteLength) {
      throw new TfjsTuneError(
        `CheckpointHandler.save: weight specs describe ${expected} bytes but the data has ${data.byteLength}`,
      );
    }
    const json = {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? null,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
      ...(artifacts.trainingConfig !== undefined ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      tfjsTune: {
        version: CHECKPOINT_VERSION,
        savedAt: new Date().toISOString(),
        weightBytes: data.byteLength,
        weightsSha256: sha256(data),
        ...(this.extras.optimizer !== undefined ? { optimizer: this.extras.optimizer } : {}),
        ...(this.extras.metadata !== undefined ? { metadata: this.extras.metadata } : {}),
      },
    };
    const text = JSON.stringify(json);
    await writeFilesAtomically(this.dir, [
      { name: WEIGHTS_FILE, data },
      { name: MODEL_FILE, data: text },
    ]);
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: Buffer.byteLength(JSON.stringify(artifacts.modelTopology)),
        weightSpecsBytes: Buffer.byteLength(JSON.stringify(specs)),
        weightDataBytes: data.byteLength,
      },
    };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    return (await readCheckpoint(this.dir)).artifacts;
  }
}

async function readFileOrExplain(file: string, what: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TfjsTuneError(`${file}: not found; expected ${what}`);
    throw new TfjsTuneError(`${file}: cannot read (${String(e)}); expected ${what}`);
  }
}

/** Reads and checks a checkpoint directory written by {@link CheckpointHandler}. */
export async function readCheckpoint(dir: string): Promise<ReadCheckpoint> {
  const modelPath = path.join(dir, MODEL_FILE);
  const text = (
    await readFileOrExplain(modelPath, 'the model.json of a checkpoint written by saveCheckpoint')
  ).toString('utf8');
  const parsed = parseCheckpointJson(modelPath, text);
  const parts: Buffer[] = [];
  for (const p of parsed.weightPaths) {
    parts.push(
      await readFileOrExplain(path.join(dir, p), `the weights file listed in ${MODEL_FILE}'s weightsManifest`),
    );
  }
  const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  const weightsName = parsed.weightPaths.map((p) => path.join(dir, p)).join(' + ');
  checkManifest(weightsName, parsed.weightSpecs, bytes.byteLength, parsed.info.weightBytes);
  if (parsed.info.weightsSha256 !== null && sha256(bytes) !== parsed.info.weightsSha256) {
    throw new TfjsTuneError(
      `${weightsName}: content does not match the SHA-256 recorded in ${modelPath} (corrupted, or replaced by another save)`,
    );
  }
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return {
    artifacts: { ...parsed.artifacts, weightSpecs: parsed.weightSpecs, weightData },
    info: parsed.info,
  };
}
