import type { FittedPreprocessor } from '../../../datasets/preprocess/fitted';
import type { DatasetSplits } from '../../../datasets/types';
import type { TrialState } from '../../trial/state';
import type { RunConfig } from '../config/schema';

/** What the parent hands each trial worker when it starts (the pool adds `ownerTag`). */
export interface WorkerJob {
  readonly config: RunConfig;
  readonly data: DatasetSplits;
  /** The study stops growing at this many trials (exact across workers: the storage enforces it). */
  readonly maxTrialsInStudy: number | null;
  /** Epoch milliseconds after which no trial starts. */
  readonly deadline: number | null;
  readonly checkpointDir: string;
  /** The preprocessing the data was encoded with, written beside each trial's checkpoint (absent: none). */
  readonly preprocessor?: FittedPreprocessor;
  /** Written on every trial this worker starts (system attribute `owner`), so the parent can fail them if the worker dies. */
  readonly ownerTag: string;
  /** Seconds between heartbeats of this worker's trials (`tfjs-tune worker --heartbeat`); default the study's. */
  readonly heartbeatInterval?: number;
}

/**
 * What a trial worker posts for the display (the pool's own messages, `src/execution/protocol.ts`,
 * go to the pool). A worker of a scheduled run (Hyperband, ASHA) serves the parent's jobs
 * (`serveJobs`); the others run trials on their own until the study is full.
 */
export type WorkerMessage =
  | { type: 'backend'; description: string }
  | { type: 'trial-start'; number: number; trialId: number }
  | { type: 'epoch'; number: number; epoch: number; epochs: number; value: number | null }
  | {
      type: 'trial-end';
      number: number;
      state: TrialState;
      value: number | null;
      failReason: string | null;
      /** Scheduled runs: the epochs the trial was trained to (its rung), so partial scores are told apart. */
      epochs?: number;
    }
  /** PBT on worker threads: one member's interval ended (the line the parent prints). */
  | { type: 'interval'; line: string }
  | { type: 'done' }
  | { type: 'error'; message: string };
