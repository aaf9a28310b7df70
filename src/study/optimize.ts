import { InvalidArgumentError, TrialPruned } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { StudyDirection, TrialState } from '../trial/state';
import type { Logger } from '../util/logger';
import { checkObjectiveValues, type ObjectiveResult } from './objective-result';
import { ProgressBar } from './progress-bar';
import type { Trial } from './trial';

export type Objective = (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes have any constructor shape
export type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * What the loop needs of a study; `Study` has it all. The loop takes this instead of `Study` so that
 * study.ts (which calls the loop) and this file do not import each other.
 */
export interface OptimizeHost {
  readonly directions: readonly StudyDirection[];
  readonly logger: Logger;
  /** Throws while no trial has completed. */
  readonly bestValue: number;
  readonly isStopRequested: boolean;
  stop(): void;
  clearStop(): void;
  askOrNull(maxTrialsInStudy?: number): Promise<Trial | null>;
  finish(trial: Trial, state: TrialState, values: number[] | null, failReason: string | null): Promise<FrozenTrial>;
}

/** `study.optimize`'s options; `S` is the study type the callbacks receive (`Study`, see study.ts). */
export interface OptimizeLoopOptions<S> {
  /** Trials this call runs (in this process). Omitted: until `timeout`, `study.stop()` or an exhausted grid. */
  readonly nTrials?: number;
  /** Seconds after which no new trial starts. */
  readonly timeout?: number;
  /** Objectives run at once in this process (asynchronous objectives overlap). Default 1. */
  readonly concurrency?: number;
  /** Called after each trial is stored. */
  readonly callbacks?: readonly ((study: S, trial: FrozenTrial) => void | Promise<void>)[];
  /** Error classes that fail a trial quietly; any other error fails it too, with a warning. */
  readonly catch?: readonly ErrorClass[];
  readonly showProgressBar?: boolean;
  /**
   * Stop creating trials once the study holds this many, counted by the storage in the same atomic
   * step that numbers a trial — exact across workers and processes (unlike a callback, which can
   * only stop after the trials already started).
   */
  readonly maxTrialsInStudy?: number;
}

const OPTION_KEYS = ['nTrials', 'timeout', 'concurrency', 'callbacks', 'catch', 'showProgressBar', 'maxTrialsInStudy'];

function checkOptions<S>(options: OptimizeLoopOptions<S>): void {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      throw new InvalidArgumentError(`optimize options.${key}`, key, `one of ${OPTION_KEYS.join(', ')}`);
  }
  const { nTrials, timeout, concurrency } = options;
  if (nTrials !== undefined && (!Number.isInteger(nTrials) || nTrials < 0)) {
    throw new InvalidArgumentError('nTrials', nTrials, 'an integer >= 0');
  }
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
    throw new InvalidArgumentError('timeout', timeout, 'a number of seconds > 0');
  }
  if (
    options.maxTrialsInStudy !== undefined &&
    (!Number.isInteger(options.maxTrialsInStudy) || options.maxTrialsInStudy < 0)
  ) {
    throw new InvalidArgumentError('maxTrialsInStudy', options.maxTrialsInStudy, 'an integer >= 0');
  }
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new InvalidArgumentError('concurrency', concurrency, 'an integer >= 1');
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** Runs one trial to its end; never throws for the objective's sake. */
async function runTrial(
  study: OptimizeHost,
  trial: Trial,
  objective: Objective,
  quiet: readonly ErrorClass[],
): Promise<FrozenTrial> {
  let result: unknown;
  try {
    result = await objective(trial);
  } catch (e) {
    if (e instanceof TrialPruned) return study.finish(trial, 'PRUNED', null, null);
    if (!quiet.some((cls) => e instanceof cls)) {
      study.logger.warn(`trial ${trial.number} failed: ${describeError(e)}`);
    }
    return study.finish(trial, 'FAIL', null, describeError(e));
  }
  const checked = checkObjectiveValues(result, study.directions.length);
  if (!checked.ok) {
    study.logger.warn(`trial ${trial.number} failed: ${checked.reason}`);
    return study.finish(trial, 'FAIL', null, checked.reason);
  }
  return study.finish(trial, 'COMPLETE', checked.values, null);
}

function bestOrNull(study: OptimizeHost): number | null {
  if (study.directions.length !== 1) return null;
  try {
    return study.bestValue;
  } catch {
    return null;
  }
}

/** The loop behind `study.optimize`: `concurrency` workers pull trials until a limit is hit. */
export async function optimizeStudy<S extends OptimizeHost>(
  study: S,
  objective: Objective,
  options: OptimizeLoopOptions<S>,
): Promise<void> {
  checkOptions(options);
  if (typeof objective !== 'function')
    throw new InvalidArgumentError('objective', objective, 'a function (trial) => value');
  study.clearStop();
  const deadline = options.timeout === undefined ? Infinity : Date.now() + options.timeout * 1000;
  const nTrials = options.nTrials ?? Infinity;
  const bar =
    options.showProgressBar === true
      ? new ProgressBar({ total: Number.isFinite(nTrials) ? nTrials : null, timeoutSeconds: options.timeout ?? null })
      : null;
  let started = 0;
  let finished = 0;
  const more = (): boolean => !study.isStopRequested && started < nTrials && Date.now() < deadline;

  const worker = async (): Promise<void> => {
    while (more()) {
      started++;
      const trial = await study.askOrNull(options.maxTrialsInStudy);
      if (trial === null) {
        started--;
        study.stop(); // the sampler's points (grid) or the study's trial budget are used up
        break;
      }
      const frozen = await runTrial(study, trial, objective, options.catch ?? []);
      finished++;
      bar?.update(finished, bestOrNull(study));
      for (const cb of options.callbacks ?? []) await cb(study, frozen);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 1 }, () => worker()));
  } finally {
    bar?.finish();
  }
}
