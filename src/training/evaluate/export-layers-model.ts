import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import { PREPROCESS_FILE, type TrainedModel } from './trained-model';

/**
 * Our layer classes and the stock class each one is a drop-in for (same config, same weights): the
 * fused ones only change how training runs, seeded dropout only how its mask is drawn, and both are
 * identities at inference. A browser's `tf.loadLayersModel` knows only the stock names.
 */
const STOCK_CLASS: Readonly<Record<string, string>> = {
  TfjsTuneFusedDense: 'Dense',
  TfjsTuneFusedBatchNormalization: 'BatchNormalization',
  TfjsTuneFusedLSTM: 'LSTM',
  TfjsTuneSeededDropout: 'Dropout',
  DilatedDepthwiseConv2D: 'DepthwiseConv2D',
};

/** The topology with every `class_name` of ours replaced by its stock class. */
export function stockTopology(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stockTopology);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'class_name' && typeof v === 'string' ? (STOCK_CLASS[v] ?? v) : stockTopology(v);
  }
  return out;
}

/**
 * Writes a trained model as a stock tfjs layers model — `model.json` + `weights.bin`, which
 * `tf.loadLayersModel('…/model.json')` opens in a browser with nothing of tfjs-tune — and its
 * preprocessing and class list as `preprocess.json` beside it (apply it to inputs first).
 */
export async function exportLayersModel(trained: TrainedModel, dir: string): Promise<string[]> {
  let captured: tf.io.ModelArtifacts | null = null;
  await trained.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    { includeOptimizer: false },
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (artifacts === null) throw new TfjsTuneError('export-model: model.save produced no artifacts');
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'tfjs-tune export-model',
    modelTopology: stockTopology(artifacts.modelTopology),
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  await mkdir(dir, { recursive: true });
  const files = [join(dir, 'model.json'), join(dir, 'weights.bin'), join(dir, PREPROCESS_FILE)];
  await writeFile(files[0] as string, JSON.stringify(modelJson), 'utf8');
  await writeFile(files[1] as string, Buffer.from(weights));
  await writeFile(files[2] as string, `${JSON.stringify(trained.preprocessor, null, 2)}\n`, 'utf8');
  return files;
}
