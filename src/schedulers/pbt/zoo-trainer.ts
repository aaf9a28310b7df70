import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import type { DatasetSplits } from '../../../datasets/types';
import { TfjsTuneError } from '../../errors';
import { Rng, type RngState } from '../../random/rng';
import type { JsonValue } from '../../trial/json';
import { loadCheckpoint, saveCheckpoint } from '../../training/checkpoint/save-load';
import { disposeModel } from '../../training/dispose-model';
import type { HyperModel, Params } from '../../training/hyper-model';
import { dropoutStreamsOf, readModelState } from './model-state';
import { memberJobTrainer, type MemberJobTrainer } from './member-trainer';
import type { PBTParams } from './member';
import { cloneZooState, zooStateFromPortable, zooStateToPortable } from './portable-zoo-state';
import { LIVE_MUTABLE_PARAMS, disposeZooState, zooMember, type ZooMember, type ZooMemberState } from './zoo-member';

export interface ZooTrainerOptions {
  readonly hyperModel: HyperModel;
  readonly data: DatasetSplits;
  /** Each job's end state is saved to `<checkpointDir>/trial_<n>` (a killed run resumes from them). */
  readonly checkpointDir: string;
  /** The run's seed: members' initial weights derive from it and their member number, the data order is its own. */
  readonly seed: number;
  readonly metric?: 'val_acc' | 'val_loss';
  /** Parameters every member is built with beyond a trial's (the model's defaults fill the rest). */
  readonly fixedParams?: Params;
  /** Return each job's end state as a PortableState (for the worker-thread executor). */
  readonly handOverStates?: boolean;
}

/**
 * Whether a member built with `builtWith` must be rebuilt to take a state trained with `params`:
 * members may start with other architectures (Ray Tune's PBT restores the donor's whole
 * checkpoint), so a recipient whose graph differs from its donor's is rebuilt before it takes the
 * donor's weights. Only the live-mutable parameters may differ without a rebuild.
 */
export function architectureDiffers(builtWith: PBTParams, params: PBTParams): boolean {
  return Object.keys({ ...builtWith, ...params }).some(
    (k) => !LIVE_MUTABLE_PARAMS.includes(k) && builtWith[k] !== params[k],
  );
}

/** The seed member `member`'s model is built with: a replay of its lineage builds the same initial weights. */
export function memberSeed(runSeed: number, member: number): number {
  return new Rng(runSeed).derive('member', member).nextUint32();
}

/** The checkpoint metadata key of the dropout layers' mask streams (a resumed member draws the masks it would have). */
const DROPOUT_STREAMS_KEY = 'dropoutStreams';

/** Saves a member's model as a job's end checkpoint: weights, optimiser state, and its dropout mask streams. */
export async function saveZooCheckpoint(model: tf.LayersModel, dir: string, trialNumber: number): Promise<void> {
  const streams = dropoutStreamsOf(model) as unknown as JsonValue;
  await saveCheckpoint(model, dir, { metadata: { trial: trialNumber, [DROPOUT_STREAMS_KEY]: streams } });
}

/** Reads the weights, optimiser state and dropout mask streams of a checkpoint written at the end of a job. */
export async function loadZooState(dir: string): Promise<ZooMemberState> {
  const { model, metadata } = await loadCheckpoint(dir);
  try {
    const state = await readModelState(model);
    const streams = metadata[DROPOUT_STREAMS_KEY];
    // Checkpoints written before the streams were saved restart them from the layers' seeds.
    return Array.isArray(streams) ? { ...state, dropout: streams as unknown as RngState[] } : state;
  } finally {
    disposeModel(model);
  }
}

/**
 * A start state this process does not hold, from its checkpoint (a job trained on another machine
 * writes it to the shared folder before its trial is told); a missing one fails the job, naming it.
 */
async function loadDonorState(dir: string, trialNumber: number): Promise<ZooMemberState> {
  if (!existsSync(dir))
    throw new TfjsTuneError(
      `the state of trial ${trialNumber} is not held in this process and its checkpoint ${dir} is missing (the study's checkpoint folder must be shared by every machine); the interval fails rather than train from scratch`,
    );
  return loadZooState(dir);
}

/**
 * The PBT job trainer for zoo models: live members in this process (exploit copies the donor's
 * weights and optimiser slots in memory), each job's end state saved as a checkpoint
 * (`saveCheckpoint`, weights + optimiser state) so a run killed with SIGKILL resumes from storage
 * and the last states, and converted to and from PortableState for the worker-thread executor.
 * Checkpoints of trials the scheduler releases are deleted; each member's last one stays (the
 * tuner's `getBestModels` loads it).
 */
export function zooJobTrainer(options: ZooTrainerOptions): MemberJobTrainer<ZooMemberState> {
  const dirOf = (trialNumber: number) => join(options.checkpointDir, `trial_${trialNumber}`);
  return memberJobTrainer<ZooMemberState>({
    createMember: (member: number, params: PBTParams) =>
      zooMember({
        hyperModel: options.hyperModel,
        data: options.data,
        params: { ...options.fixedParams, ...params },
        seed: memberSeed(options.seed, member),
        dataSeed: options.seed,
        ...(options.metric !== undefined ? { metric: options.metric } : {}),
      }),
    needsRebuild: architectureDiffers,
    copyState: cloneZooState,
    disposeState: disposeZooState,
    save: (trialNumber, member) => saveZooCheckpoint((member as ZooMember).model, dirOf(trialNumber), trialNumber),
    load: (trialNumber) => loadDonorState(dirOf(trialNumber), trialNumber),
    drop: (trialNumber) => rmSync(dirOf(trialNumber), { recursive: true, force: true }),
    toPortable: zooStateToPortable,
    fromPortable: zooStateFromPortable,
    ...(options.handOverStates !== undefined ? { handOverStates: options.handOverStates } : {}),
  });
}
