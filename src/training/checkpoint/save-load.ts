import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import type { JsonValue } from '../../trial/json';
import { layersModelFields, registerTrainingOps } from '../backend';
import { disposeModel } from '../dispose-model';
import { CheckpointHandler, readCheckpoint } from './file-handler';
import { MODEL_FILE } from './format';
import { readOptimizerState, writeOptimizerState, type NamedWeight } from './optimizer-state';

export interface SaveCheckpointOptions {
  /** Save the optimiser's state and config so training resumes exactly. Default true (when compiled). */
  readonly includeOptimizer?: boolean;
  /** JSON metadata stored with the checkpoint (epoch, trial number, ...). */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

export interface LoadCheckpointOptions {
  /**
   * true (default): compile with the saved training config (loss, metrics, optimiser) and restore the
   * optimiser's state; an object: compile with these args (the optimiser must be of the saved class
   * to get its state back); false: do not compile (inference only).
   */
  readonly compile?: boolean | tf.ModelCompileArgs;
}

export interface LoadedCheckpoint {
  readonly model: tf.LayersModel;
  /** The metadata given to {@link saveCheckpoint}. */
  readonly metadata: Readonly<Record<string, JsonValue>>;
  /** Whether the optimiser's saved state was put back. */
  readonly optimizerRestored: boolean;
}

function serializableTrainingConfig(model: tf.LayersModel): tf.io.TrainingConfig | null {
  try {
    // Protected in tfjs-layers' typings; it is what `model.save` stores.
    const config = layersModelFields(model).getTrainingConfig();
    const loss: unknown = config.loss;
    const ok =
      typeof loss === 'string' || (Array.isArray(loss) && loss.length > 0) || Object.keys(loss as object).length > 0;
    return ok ? config : null; // a custom loss function serialises as {}: leave compiling to the caller
  } catch {
    return null;
  }
}

/**
 * Saves `model` to the checkpoint directory `dir` (created if needed): `model.json` + `weights.bin`,
 * written atomically. With `includeOptimizer` (default, when the model is compiled) the optimiser's
 * slots, iteration count, class and config are saved too, so {@link loadCheckpoint} resumes training
 * exactly. Adamax cannot be saved with its state (tfjs 4.22 lacks its getWeights()).
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 2 });
 * await tune.saveCheckpoint(model, './ckpt/trial-7', { metadata: { epoch: 2, trial: 7 } });
 * const { model: resumed, metadata } = await tune.loadCheckpoint('./ckpt/trial-7');
 * await resumed.fit(x, y, { epochs: 3, initialEpoch: metadata.epoch as number });
 * ```
 */
export async function saveCheckpoint(
  model: tf.LayersModel,
  dir: string,
  options: SaveCheckpointOptions = {},
): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new InvalidArgumentError('saveCheckpoint(dir)', dir, 'a directory path');
  if (options.metadata !== undefined) {
    try {
      JSON.stringify(options.metadata);
    } catch (e) {
      throw new InvalidArgumentError('saveCheckpoint.metadata', String(e), 'JSON-serialisable values');
    }
  }
  const optimizer = model.optimizer ?? null;
  if (options.includeOptimizer === true && optimizer === null) {
    throw new TfjsTuneError('saveCheckpoint: includeOptimizer is true but the model is not compiled (no optimizer)');
  }
  const withOptimizer = (options.includeOptimizer ?? true) && optimizer !== null;

  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    { includeOptimizer: false }, // tfjs' own path leaks the iteration scalar; we add the state below
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (artifacts === null) throw new TfjsTuneError('saveCheckpoint: model.save produced no artifacts');

  let specs = artifacts.weightSpecs ?? [];
  let data = artifacts.weightData ?? new ArrayBuffer(0);
  let extrasOptimizer: { className: string; config: Record<string, JsonValue> } | undefined;
  let trainingConfig: tf.io.TrainingConfig | null = null;
  if (withOptimizer && optimizer !== null) {
    const state = await readOptimizerState(optimizer);
    try {
      const encoded = await tf.io.encodeWeights(state.weights as NamedWeight[], 'optimizer');
      specs = [...specs, ...encoded.specs];
      data = tf.io.concatenateArrayBuffers([
        tf.io.CompositeArrayBuffer.join(data),
        tf.io.CompositeArrayBuffer.join(encoded.data),
      ]);
    } finally {
      state.release();
    }
    extrasOptimizer = { className: state.className, config: optimizer.getConfig() };
    trainingConfig = serializableTrainingConfig(model);
  }
  const handler = new CheckpointHandler(dir, {
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    ...(extrasOptimizer !== undefined ? { optimizer: extrasOptimizer } : {}),
  });
  await handler.save({
    ...artifacts,
    weightSpecs: specs,
    weightData: data,
    ...(trainingConfig !== null ? { trainingConfig } : {}),
  });
}

function compileLoaded(
  model: tf.LayersModel,
  dir: string,
  compile: boolean | tf.ModelCompileArgs,
  config: tf.io.TrainingConfig | undefined,
  hasOptimizerState: boolean,
): void {
  if (compile === false) return;
  if (compile !== true) {
    model.compile(compile);
    return;
  }
  if (config !== undefined) {
    try {
      model.loadTrainingConfig(config as Parameters<tf.LayersModel['loadTrainingConfig']>[0]);
    } catch (e) {
      throw new TfjsTuneError(
        `${dir}/${MODEL_FILE}: cannot compile from its trainingConfig (${String(e)}); pass loadCheckpoint(dir, { compile: {...} })`,
      );
    }
  } else if (hasOptimizerState) {
    throw new TfjsTuneError(
      `${dir}/${MODEL_FILE}: has optimizer state but no trainingConfig (a custom loss is not serialisable); pass loadCheckpoint(dir, { compile: { optimizer, loss } })`,
    );
  }
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: rebuilds the model, loads its weights and,
 * unless `compile: false`, compiles it and restores the optimiser's state. A missing, truncated or
 * malformed checkpoint is an error naming the file and what was expected.
 *
 * @example
 * ```ts
 * const { model, metadata } = await tune.loadCheckpoint('./ckpt/trial-7');
 * model.predict(x);
 * ```
 */
export async function loadCheckpoint(dir: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const { artifacts, info } = await readCheckpoint(dir);
  const named = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  let model: tf.LayersModel | null = null;
  try {
    const modelWeights: tf.NamedTensorMap = {};
    const optimizerWeights: NamedWeight[] = [];
    for (const spec of artifacts.weightSpecs) {
      const tensor = named[spec.name] as tf.Tensor;
      if (spec.group === 'optimizer') optimizerWeights.push({ name: spec.name, tensor });
      else modelWeights[spec.name] = tensor;
    }
    try {
      registerTrainingOps(); // the fused and dilated layer classes, which the topology names
      model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: artifacts.modelTopology as object,
          format: artifacts.format ?? 'layers-model',
        }),
      );
      model.loadWeights(modelWeights, true);
    } catch (e) {
      throw new TfjsTuneError(
        `${dir}/${MODEL_FILE}: cannot rebuild the model from its topology and weights (${String(e)})`,
      );
    }
    if (artifacts.userDefinedMetadata !== undefined) model.setUserDefinedMetadata(artifacts.userDefinedMetadata);
    compileLoaded(model, dir, options.compile ?? true, artifacts.trainingConfig, optimizerWeights.length > 0);
    let optimizerRestored = false;
    const optimizer = model.optimizer ?? null;
    if (optimizer !== null && optimizerWeights.length > 0) {
      const saved = info.optimizer?.className;
      if (saved !== undefined && saved !== optimizer.getClassName()) {
        throw new TfjsTuneError(
          `${dir}: the checkpoint holds ${saved} optimizer state but the model is compiled with ${optimizer.getClassName()}; compile with a ${saved} optimizer or pass compile: false`,
        );
      }
      await writeOptimizerState(optimizer, optimizerWeights);
      optimizerRestored = true;
    }
    return { model, metadata: info.metadata, optimizerRestored };
  } catch (e) {
    if (model !== null) disposeModel(model);
    throw e;
  } finally {
    tf.dispose(Object.values(named));
  }
}
