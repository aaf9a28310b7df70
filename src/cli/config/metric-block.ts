import { InvalidArgumentError } from '../../errors';
import { MODEL_METRICS } from '../../training/objective-metrics';
import { firstRepeatedName, inferDirection } from '../../training/objective-spec';
import type { StudyDirection } from '../../trial/state';
import { checkKeys, isObj, optString } from './check';

/** One objective of a run: a fit-log metric, or a model metric (`params`, `inference_ms`). */
export interface MetricSpec {
  readonly name: string;
  readonly goal: StudyDirection;
}

/** The methods that search several objectives (the others have one value to rank by). */
export const MULTI_OBJECTIVE_METHODS = ['random', 'grid', 'qmc', 'tpe', 'gp', 'nsgaii', 'nsgaiii', 'auto'] as const;
/** The pruners that read a vector at a step (`none`: no pruner). */
export const MULTI_OBJECTIVE_PRUNERS = ['none', 'nop', 'dominated'] as const;

const FORM = '{ name: val_acc | val_loss | ..., goal: maximize | minimize }';
const LIST_FORM = `a list of them for several objectives (model metrics: ${MODEL_METRICS.join(', ')})`;

/**
 * `metric`: one mapping, or a list of mappings or names (several objectives: a Pareto front). A
 * goal left out is inferred from the name: accuracy-like names are maximised, losses and the model
 * metrics minimised.
 */
export function parseObjectives(raw: unknown): MetricSpec[] {
  if (raw === undefined) return [{ name: 'val_acc', goal: 'maximize' }];
  if (!Array.isArray(raw)) {
    if (!isObj(raw)) throw new InvalidArgumentError('metric', raw, `${FORM}, or ${LIST_FORM}`);
    return [parseOne(raw, 'metric')];
  }
  if (raw.length < 2)
    throw new InvalidArgumentError('metric', raw, `one mapping ${FORM}, or a list of two or more metrics`);
  const list = raw.map((entry: unknown, i) => {
    const path = `metric[${i}]`;
    if (typeof entry === 'string') return parseOne({ name: entry }, path);
    if (!isObj(entry)) throw new InvalidArgumentError(path, entry, `a metric name or ${FORM}`);
    return parseOne(entry, path);
  });
  const names = list.map((m) => m.name);
  const twice = firstRepeatedName(names);
  if (twice !== undefined)
    throw new InvalidArgumentError('metric', raw, `each metric once ("${twice}" is listed twice)`);
  // The first one picks each trial's best epoch and is what the display and `evaluate` go by.
  if ((MODEL_METRICS as readonly string[]).includes(names[0] as string))
    throw new InvalidArgumentError(
      'metric[0].name',
      names[0],
      `a metric of the fit first (val_acc, val_loss, acc, loss); ${MODEL_METRICS.join(', ')} after it`,
    );
  return list;
}

function parseOne(raw: Readonly<Record<string, unknown>>, path: string): MetricSpec {
  checkKeys(raw, ['name', 'goal'], path);
  const name = optString(raw, 'name', `${path}.`) ?? 'val_acc';
  const goal = optString(raw, 'goal', `${path}.`, ['maximize', 'minimize']) as StudyDirection | undefined;
  return { name, goal: goal ?? inferDirection(name) };
}

/** The names `metric` may take on this data (classification or regression); model metrics only in a list. */
export function checkObjectiveNames(objectives: readonly MetricSpec[], allowed: readonly string[]): void {
  const several = objectives.length > 1;
  objectives.forEach((m, i) => {
    const names = several ? [...allowed, ...MODEL_METRICS] : allowed;
    if (!names.includes(m.name))
      throw new InvalidArgumentError(
        several ? `metric[${i}].name` : 'metric.name',
        m.name,
        `one of ${names.join(', ')}`,
      );
  });
}
