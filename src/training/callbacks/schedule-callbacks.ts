import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import type { Logger } from '../../util/logger';
import { stderrLogger } from '../../util/logger';
import { getOptimizerLearningRate, setOptimizerLearningRate } from './optimizer-params';
import { logScheduled, type UnresolvedLogs } from './logs';

/** Next learning rate from the epoch and the rate in use (a plain `Schedule` fits too). */
export type LearningRateFn = (epoch: number, currentLr: number) => number;

export interface LearningRateScheduleArgs {
  /** Log each change. Default false. */
  readonly verbose?: boolean;
  /** Where `verbose` writes. Default stderr. */
  readonly logger?: Logger;
}

function compiledOptimizer(model: tf.LayersModel | null, who: string): tf.Optimizer {
  const optimizer = model?.optimizer;
  if (optimizer === undefined || optimizer === null)
    throw new TfjsTuneError(`${who}: the model has no optimizer (compile it before fit)`);
  return optimizer;
}

/**
 * Sets the optimiser's learning rate at the start of each epoch to `schedule(epoch, currentLr)` and
 * records the rate used in the epoch logs as `lr` (so `history.history.lr` has it). Works with every
 * tfjs-core optimiser; see {@link setOptimizerLearningRate}.
 *
 * @example
 * ```ts
 * const lr = tune.callbacks.learningRateSchedule(tune.schedules.cosine({ initial: 0.1, period: 20 }));
 * const h = await model.fit(x, y, { epochs: 20, callbacks: [lr] });
 * h.history.lr; // the 20 rates used
 * ```
 */
export class LearningRateScheduler extends tf.Callback {
  private readonly verbose: boolean;
  private readonly logger: Logger;

  constructor(
    private readonly schedule: LearningRateFn,
    args: LearningRateScheduleArgs = {},
  ) {
    super();
    if (typeof schedule !== 'function') {
      throw new InvalidArgumentError('learningRateSchedule(schedule)', typeof schedule, 'a function (epoch, lr) => lr');
    }
    this.verbose = args.verbose ?? false;
    this.logger = args.logger ?? stderrLogger;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const optimizer = compiledOptimizer(this.model, 'learningRateSchedule');
    const current = getOptimizerLearningRate(optimizer);
    const next = this.schedule(epoch, current);
    if (typeof next !== 'number' || !Number.isFinite(next) || next < 0) {
      throw new InvalidArgumentError(
        `learningRateSchedule: schedule(${epoch}, ${current})`,
        next,
        'a finite number >= 0',
      );
    }
    setOptimizerLearningRate(optimizer, next);
    if (this.verbose) this.logger.info(`epoch ${epoch}: learning rate ${next}`);
  }

  override async onEpochEnd(_epoch: number, logs?: UnresolvedLogs): Promise<void> {
    if (logs !== undefined)
      logScheduled(logs, 'lr', getOptimizerLearningRate(compiledOptimizer(this.model, 'learningRateSchedule')));
  }
}

/** Factory for {@link LearningRateScheduler}. */
export function learningRateSchedule(
  schedule: LearningRateFn,
  args: LearningRateScheduleArgs = {},
): LearningRateScheduler {
  return new LearningRateScheduler(schedule, args);
}

/** Applies a scheduled value to the model (or its optimiser) before an epoch. */
export type ParameterSetter = (value: number, model: tf.LayersModel, epoch: number) => void;

export interface ParameterScheduleArgs {
  /** Also record the value in the epoch logs under this key. Default: not logged. */
  readonly logKey?: string;
}

/**
 * Calls `setter(schedule(epoch), model, epoch)` at the start of each epoch: a generic schedule for
 * knobs other than the learning rate (dropout rate, momentum, a loss weight held in a closure, ...).
 *
 * @example
 * ```ts
 * const drop = tune.callbacks.parameterSchedule(
 *   (rate, model) => tune.callbacks.setDropoutRate(model, rate),
 *   tune.schedules.step({ initial: 0.5, dropEvery: 5, factor: 0.5 }),
 *   { logKey: 'dropout' },
 * );
 * await model.fit(x, y, { epochs: 20, callbacks: [drop] });
 * ```
 */
export class ParameterScheduler extends tf.Callback {
  private readonly logKey: string | null;
  /** The value set for the current epoch, or null before the first. */
  current: number | null = null;

  constructor(
    private readonly setter: ParameterSetter,
    private readonly schedule: (epoch: number) => number,
    args: ParameterScheduleArgs = {},
  ) {
    super();
    if (typeof setter !== 'function')
      throw new InvalidArgumentError('parameterSchedule(setter)', typeof setter, 'a function');
    if (typeof schedule !== 'function') {
      throw new InvalidArgumentError('parameterSchedule(schedule)', typeof schedule, 'a function (epoch) => value');
    }
    this.logKey = args.logKey ?? null;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const value = this.schedule(epoch);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`parameterSchedule: schedule(${epoch})`, value, 'a finite number');
    }
    this.setter(value, this.model, epoch);
    this.current = value;
  }

  override async onEpochEnd(_epoch: number, logs?: UnresolvedLogs): Promise<void> {
    if (logs !== undefined && this.logKey !== null && this.current !== null)
      logScheduled(logs, this.logKey, this.current);
  }
}

/** Factory for {@link ParameterScheduler}. */
export function parameterSchedule(
  setter: ParameterSetter,
  schedule: (epoch: number) => number,
  args: ParameterScheduleArgs = {},
): ParameterScheduler {
  return new ParameterScheduler(setter, schedule, args);
}
