import { InvalidArgumentError } from '../errors';
import type { StudyDirection } from '../trial/state';

/** A tuner's objective: a metric from the fit logs and whether higher is better. */
export interface TunerObjective {
  readonly name: string;
  readonly direction: StudyDirection;
}

export type TunerObjectiveInput =
  string | { readonly name: string; readonly direction: 'min' | 'max' | StudyDirection };

/**
 * Resolves KerasTuner's objective forms: a metric name whose direction is inferred ('acc' /
 * 'accuracy' / 'auc' / 'precision' / 'recall' / 'f1' are maximised, everything else — losses,
 * errors — minimised), or an explicit `{ name, direction }`.
 */
export function resolveObjective(input: TunerObjectiveInput): TunerObjective {
  if (typeof input === 'string') {
    if (input.length === 0)
      throw new InvalidArgumentError('objective', input, "a metric name such as 'val_acc' or 'val_loss'");
    return { name: input, direction: inferDirection(input) };
  }
  if (input === null || typeof input !== 'object' || typeof input.name !== 'string' || input.name.length === 0) {
    throw new InvalidArgumentError('objective', input, "a metric name or { name, direction: 'min' | 'max' }");
  }
  const direction = ({ min: 'minimize', max: 'maximize', minimize: 'minimize', maximize: 'maximize' } as const)[
    input.direction
  ];
  if (direction === undefined) throw new InvalidArgumentError('objective.direction', input.direction, "'min' or 'max'");
  return { name: input.name, direction };
}

/**
 * The direction a metric named without one gets, for tuners and run configs alike: accuracy-like
 * names ('acc', 'accuracy', 'auc', 'precision', 'recall', 'f1' at the end) are maximised; losses,
 * errors and the model metrics (`params`, `inference_ms`) minimised.
 */
export function inferDirection(name: string): StudyDirection {
  return /(acc|accuracy|auc|precision|recall|f1)$/.test(name) ? 'maximize' : 'minimize';
}

/** The first name listed twice (objectives must be named once each), or undefined. */
export function firstRepeatedName(names: readonly string[]): string | undefined {
  return names.find((n, i) => names.indexOf(n) !== i);
}
