import { InvalidArgumentError } from '../../errors';
import { learningRateSchedule, type LearningRateScheduler } from '../../training/callbacks/schedule-callbacks';
import { cosine } from '../../training/schedules/cosine';
import { exponential } from '../../training/schedules/exponential';
import { step } from '../../training/schedules/step';
import type { Schedule } from '../../training/schedules/validate';
import { checkKeys, isObj, optInt, optNumber, optString, type Obj } from './check';

/**
 * `lrSchedule:` in a `tfjs-tune run` config: how each trial's learning rate moves over epochs. The
 * rate a trial starts from is its own `learning_rate` (searched or the model's default), so the
 * schedule is a shape, not a value: Keras's `CosineDecay(alpha)` rather than PyTorch's absolute
 * `eta_min`, which would mean nothing across trials with rates 100x apart.
 */
export type LrScheduleConfig =
  | {
      readonly type: 'cosine';
      /** Epochs of one cosine period; default the run's `epochs` (its maximum under Hyperband/ASHA). */
      readonly period: number | null;
      /** The floor as a fraction of the trial's rate (Keras's `alpha`). Default 0. */
      readonly alpha: number;
      readonly warmupEpochs: number;
      readonly warmRestarts: boolean;
      readonly periodMultiplier: number;
    }
  | {
      readonly type: 'exponential';
      readonly decayRate: number;
      readonly decaySteps: number;
      readonly staircase: boolean;
    }
  | { readonly type: 'step'; readonly dropEvery: number; readonly factor: number };

export const LR_SCHEDULE_TYPES = ['cosine', 'exponential', 'step'] as const;

const KEYS: Readonly<Record<(typeof LR_SCHEDULE_TYPES)[number], readonly string[]>> = {
  cosine: ['type', 'period', 'alpha', 'warmupEpochs', 'warmRestarts', 'periodMultiplier'],
  exponential: ['type', 'decayRate', 'decaySteps', 'staircase'],
  step: ['type', 'dropEvery', 'factor'],
};

function optBool(raw: Obj, key: string): boolean | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new InvalidArgumentError(`lrSchedule.${key}`, v, 'true or false');
  return v;
}

function required(raw: Obj, key: string, value: number | undefined, what: string): number {
  if (value === undefined) throw new InvalidArgumentError(`lrSchedule.${key}`, raw[key], what);
  return value;
}

/** The block checked whole (every key, every value) before any work starts; null when left out. */
export function parseLrSchedule(raw: unknown): LrScheduleConfig | null {
  if (raw === undefined || raw === null) return null;
  const form = `{ type: ${LR_SCHEDULE_TYPES.join(' | ')}, ... }`;
  if (!isObj(raw)) throw new InvalidArgumentError('lrSchedule', raw, form);
  const type = optString(raw, 'type', 'lrSchedule.', LR_SCHEDULE_TYPES) as (typeof LR_SCHEDULE_TYPES)[number];
  if (type === undefined)
    throw new InvalidArgumentError('lrSchedule.type', undefined, `one of ${LR_SCHEDULE_TYPES.join(', ')}`);
  checkKeys(raw, KEYS[type], 'lrSchedule');
  const p = 'lrSchedule.';
  if (type === 'cosine') {
    const alpha = optNumber(raw, 'alpha', p, 0) ?? 0;
    if (alpha > 1)
      throw new InvalidArgumentError('lrSchedule.alpha', alpha, 'a number from 0 to 1 (a fraction of the rate)');
    const warmRestarts = optBool(raw, 'warmRestarts') ?? false;
    const periodMultiplier = optNumber(raw, 'periodMultiplier', p, 1) ?? 1;
    if (periodMultiplier !== 1 && !warmRestarts)
      throw new InvalidArgumentError('lrSchedule.periodMultiplier', periodMultiplier, '1 unless warmRestarts is true');
    return {
      type,
      period: optInt(raw, 'period', p, 1) ?? null,
      alpha,
      warmupEpochs: optInt(raw, 'warmupEpochs', p, 0) ?? 0,
      warmRestarts,
      periodMultiplier,
    };
  }
  if (type === 'exponential') {
    const decayRate = required(raw, 'decayRate', optNumber(raw, 'decayRate', p, 0), 'a number > 0 (e.g. 0.9)');
    if (decayRate === 0) throw new InvalidArgumentError('lrSchedule.decayRate', 0, 'a number > 0 (e.g. 0.9)');
    return {
      type,
      decayRate,
      decaySteps: optInt(raw, 'decaySteps', p, 1) ?? 1,
      staircase: optBool(raw, 'staircase') ?? false,
    };
  }
  const factor = required(raw, 'factor', optNumber(raw, 'factor', p, 0), 'a number > 0 (e.g. 0.1)');
  if (factor === 0) throw new InvalidArgumentError('lrSchedule.factor', 0, 'a number > 0 (e.g. 0.1)');
  return { type, dropEvery: required(raw, 'dropEvery', optInt(raw, 'dropEvery', p, 1), 'an integer >= 1'), factor };
}

/** The schedule of a trial whose rate is `initial`, for a run of `epochs` epochs. */
export function lrScheduleFor(config: LrScheduleConfig, initial: number, epochs: number): Schedule {
  switch (config.type) {
    case 'cosine':
      return cosine({
        initial,
        minValue: config.alpha * initial,
        period: config.period ?? Math.max(1, epochs - config.warmupEpochs),
        warmupEpochs: config.warmupEpochs,
        warmRestarts: config.warmRestarts,
        periodMultiplier: config.periodMultiplier,
      });
    case 'exponential':
      return exponential({
        initial,
        decayRate: config.decayRate,
        decaySteps: config.decaySteps,
        staircase: config.staircase,
      });
    case 'step':
      return step({ initial, dropEvery: config.dropEvery, factor: config.factor });
  }
}

/**
 * The fit callback that applies the schedule to one trial. It starts from the trial's
 * `learning_rate` param, so a trial Hyperband or ASHA resumes from a checkpoint (its optimiser at the
 * last scheduled rate) continues the same curve; without that param, from the rate the model was
 * compiled with.
 */
export function lrScheduleCallback(
  config: LrScheduleConfig,
  epochs: number,
  params: Readonly<Record<string, unknown>>,
): LearningRateScheduler {
  const fromParams = params['learning_rate'];
  let schedule: Schedule | null =
    typeof fromParams === 'number' && fromParams > 0 ? lrScheduleFor(config, fromParams, epochs) : null;
  return learningRateSchedule((epoch, current) => {
    schedule ??= lrScheduleFor(config, current, epochs);
    return schedule(epoch);
  });
}
