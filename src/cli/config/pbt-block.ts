import { cnn } from '../../../models/cnn';
import { lstm } from '../../../models/lstm';
import { mlp } from '../../../models/mlp';
import { InvalidArgumentError, quote } from '../../errors';
import { pbtOptionProblems, type OptionProblem } from '../../schedulers/pbt/pbt-settings';
import { LIVE_MUTABLE_PARAMS } from '../../schedulers/pbt/zoo-member';
import { spaceDistributions } from '../../schedulers/pbt/space-draw';
import type { HyperModel } from '../../training/hyper-model';
import { isObj, type Obj } from './check';

/**
 * `scheduler: { type: pbt | pb2, ... }` in a `tfjs-tune run` config: Ray Tune's PBT options,
 * camelCased. pb2 is the same block with PB2's explore step (a GP bandit on the reward change).
 */
export interface PBTBlock {
  readonly type: 'pbt' | 'pb2';
  readonly populationSize: number;
  readonly perturbationInterval: number;
  readonly burnInPeriod: number;
  readonly quantileFraction: number;
  readonly resampleProbability: number;
  readonly perturbationFactors: readonly number[];
  /** Parameters of the search space that mutate (each a live-mutable training parameter). */
  readonly hyperparamMutations: readonly string[];
  readonly synch: boolean;
}

export const PBT_KEYS = [
  'type',
  'populationSize',
  'perturbationInterval',
  'burnInPeriod',
  'quantileFraction',
  'resampleProbability',
  'perturbationFactors',
  'hyperparamMutations',
  'synch',
] as const;

/** The metrics a zoo PBT member scores itself by. */
const PBT_METRICS = ['val_acc', 'val_loss'];
const MODELS: Readonly<Record<string, HyperModel>> = { mlp, cnn, lstm };

/** Every problem of a config at once: one error naming each field, its value and what is allowed. */
export class InvalidConfigError extends InvalidArgumentError {
  constructor(readonly problems: readonly OptionProblem[]) {
    const first = problems[0] as OptionProblem;
    super(first.field, first.value, first.allowed);
    this.message =
      problems.length === 1
        ? this.message
        : `${problems.length} problems:\n${problems.map((p) => `  ${p.field}: got ${quote(p.value)}; expected ${p.allowed}`).join('\n')}`;
  }
}

/** Whether the config's `scheduler` is a PBT block (parsed here rather than by the other schedulers' parser). */
export function isPBTBlock(raw: unknown): raw is Obj {
  return isObj(raw) && (raw['type'] === 'pbt' || raw['type'] === 'pb2');
}

/**
 * Validates the PBT block together with the keys of the config it depends on, and reports every
 * problem in one error before any work starts: unknown keys, PBT's options (ranges as Ray Tune's),
 * mutations that are not parameters of the model's search space or would change the architecture,
 * and the keys PBT leaves no room for (its population sets the trials and its exploits stop members,
 * so `trials`, `pruner`, `earlyStopping` and a `method` other than random are refused).
 */
export function parsePBTBlock(block: Obj, config: Obj): PBTBlock {
  const problems: OptionProblem[] = [];
  const bad = (field: string, value: unknown, allowed: string) => problems.push({ field, value, allowed });
  for (const key of Object.keys(block))
    if (!(PBT_KEYS as readonly string[]).includes(key))
      bad(`scheduler.${key}`, block[key], `a known key: one of ${PBT_KEYS.join(', ')}`);
  const mutations = block['hyperparamMutations'];
  const names =
    Array.isArray(mutations) && mutations.every((m) => typeof m === 'string') ? (mutations as string[]) : null;
  if (names === null || names.length === 0)
    bad(
      'scheduler.hyperparamMutations',
      mutations,
      'a non-empty list of parameter names (e.g. [learning_rate, dropout])',
    );
  problems.push(
    ...pbtOptionProblems(
      {
        populationSize: block['populationSize'] as number,
        perturbationInterval: block['perturbationInterval'] as number,
        totalEpochs: (config['epochs'] ?? 3) as number,
        ...(block['burnInPeriod'] !== undefined ? { burnInPeriod: block['burnInPeriod'] as number } : {}),
        ...(block['quantileFraction'] !== undefined ? { quantileFraction: block['quantileFraction'] as number } : {}),
        ...(block['resampleProbability'] !== undefined
          ? { resampleProbability: block['resampleProbability'] as number }
          : {}),
        ...(block['perturbationFactors'] !== undefined
          ? { perturbationFactors: block['perturbationFactors'] as number[] }
          : {}),
        ...(block['synch'] !== undefined ? { synch: block['synch'] as boolean } : {}),
        hyperparamMutations: { ok: null } as never, // checked above, by name
      },
      'scheduler.',
    ).map((p) => (p.field === 'scheduler.totalEpochs' ? { ...p, field: 'epochs' } : p)),
  );
  const model = typeof config['model'] === 'string' ? MODELS[config['model']] : undefined;
  if (model !== undefined && names !== null) {
    const space = Object.keys(spaceDistributions((api) => model.space(api))).sort();
    const parameters = isObj(config['parameters']) ? config['parameters'] : {};
    for (const name of names) {
      if (!space.includes(name))
        bad(
          `scheduler.hyperparamMutations.${name}`,
          name,
          `a parameter of model ${model.name}: one of ${space.join(', ')}`,
        );
      else if (!LIVE_MUTABLE_PARAMS.includes(name))
        bad(
          `scheduler.hyperparamMutations.${name}`,
          name,
          `a parameter a live model can change (${LIVE_MUTABLE_PARAMS.join(', ')}); "${name}" changes the architecture`,
        );
      else if (isObj(parameters[name]) && 'value' in (parameters[name] as Obj))
        bad(
          `parameters.${name}`,
          parameters[name],
          `a range or values to mutate over (scheduler.hyperparamMutations names ${name})`,
        );
    }
  }
  const metric = isObj(config['metric']) ? config['metric']['name'] : undefined;
  if (metric !== undefined && !PBT_METRICS.includes(metric as string))
    bad(
      'metric.name',
      metric,
      `one of ${PBT_METRICS.join(', ')} with scheduler pbt (a member scores itself on the validation split)`,
    );
  const method = config['method'];
  if (method !== undefined && method !== 'random')
    bad('method', method, 'random (or left out) with scheduler pbt: members start from seeded draws of the space');
  for (const key of ['trials', 'pruner', 'earlyStopping'])
    if (config[key] !== undefined && config[key] !== false && config[key] !== 'none')
      bad(
        key,
        config[key],
        `left out with scheduler pbt (${key === 'trials' ? 'populationSize and epochs set the trials' : 'its exploits replace the bottom members'})`,
      );
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return {
    type: block['type'] === 'pb2' ? 'pb2' : 'pbt',
    populationSize: block['populationSize'] as number,
    perturbationInterval: block['perturbationInterval'] as number,
    burnInPeriod: (block['burnInPeriod'] as number | undefined) ?? 0,
    quantileFraction: (block['quantileFraction'] as number | undefined) ?? 0.25,
    resampleProbability: (block['resampleProbability'] as number | undefined) ?? 0.25,
    perturbationFactors: (block['perturbationFactors'] as number[] | undefined) ?? [1.2, 0.8],
    hyperparamMutations: names as string[],
    synch: (block['synch'] as boolean | undefined) ?? false,
  };
}
