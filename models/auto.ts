import type * as tf from '@tensorflow/tfjs';

import type { Dataset, DatasetSplits } from '../datasets/types';
import { InvalidArgumentError } from '../src/errors';
import type { CategoricalChoice, ParamValue } from '../src/space/distributions';
import type { BuildContext, HyperModel, Params, SuggestApi } from '../src/training/hyper-model';
import { cnn } from './cnn';
import { bagOfEmbeddings, lstm } from './lstm';
import { mlp } from './mlp';

/** The kinds of data the zoo tells apart: each allows its own model families. */
export type DataKind = 'tabular' | 'images' | 'tokens';

/** The parameter that picks the family; every other parameter is named `<family>.<name>`. */
export const AUTO_FAMILY_PARAM = 'model';

/**
 * The families `auto` chooses between, per kind of data, the first being the default. Token
 * sequences get the LSTM and the bag of embeddings (an MLP over averaged token embeddings), not the
 * plain MLP: the plain MLP would read token ids as magnitudes, which mean nothing.
 */
export const AUTO_FAMILIES: Readonly<Record<DataKind, readonly HyperModel[]>> = {
  tabular: [mlp],
  images: [cnn, mlp],
  tokens: [lstm, bagOfEmbeddings],
};

export interface AutoModelOptions {
  /** Restricts the families (by name) to these, in this order; each must suit the data's kind. */
  readonly families?: readonly string[];
}

function trainPart(data: Dataset | DatasetSplits): Dataset {
  return 'train' in data ? data.train : data;
}

/**
 * The data's kind: token sequences carry a vocabulary, images are `[N, H, W, C]`, tables `[N, F]`.
 */
export function dataKindOf(data: Dataset | DatasetSplits): DataKind {
  const ds = trainPart(data);
  const shape = ds?.xShape;
  if (!Array.isArray(shape))
    throw new InvalidArgumentError('data.xShape', shape ?? null, 'a dataset or its splits (train, val)');
  if (ds.vocabulary !== undefined && shape.length === 2) return 'tokens';
  if (shape.length === 4) return 'images';
  if (shape.length === 2) return 'tabular';
  throw new InvalidArgumentError(
    'data.xShape',
    shape,
    '[N, features] (tabular), [N, H, W, C] (images) or [N, maxLen] with a vocabulary (tokens)',
  );
}

/** The parameter name a family's own parameter gets in the joint space. */
export function familyParamName(family: string, name: string): string {
  return `${family}.${name}`;
}

/** A `SuggestApi` that stores every name under the family's prefix, so families never collide. */
function prefixed(trial: SuggestApi, family: string): SuggestApi {
  return {
    suggestFloat: (name, low, high, options) => trial.suggestFloat(familyParamName(family, name), low, high, options),
    suggestInt: (name, low, high, options) => trial.suggestInt(familyParamName(family, name), low, high, options),
    suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]): T =>
      trial.suggestCategorical(familyParamName(family, name), choices),
  };
}

/**
 * The family's own params out of joint ones: `<family>.<name>` keys lose their prefix, other
 * families' keys are dropped, plain keys (a caller's own `batch_size`) are kept.
 */
function familyParams(params: Params, family: string, families: readonly string[]): Params {
  const own: Record<string, ParamValue> = {};
  const prefix = `${family}.`;
  for (const [key, value] of Object.entries(params)) {
    if (key === AUTO_FAMILY_PARAM) continue;
    if (key.startsWith(prefix)) own[key.slice(prefix.length)] = value;
    else if (!families.some((f) => key.startsWith(`${f}.`)) && !(key in own)) own[key] = value;
  }
  return own;
}

function chooseFamilies(kind: DataKind, options: AutoModelOptions): readonly HyperModel[] {
  const allowed = AUTO_FAMILIES[kind];
  if (options.families === undefined) return allowed;
  const names = allowed.map((m) => m.name);
  if (!Array.isArray(options.families) || options.families.length === 0)
    throw new InvalidArgumentError('families', options.families ?? null, `a non-empty list of ${names.join(', ')}`);
  return options.families.map((name, i) => {
    const found = allowed.find((m) => m.name === name);
    if (found === undefined)
      throw new InvalidArgumentError(`families[${i}]`, name, `one of ${names.join(', ')} (for ${kind} data)`);
    return found;
  });
}

/**
 * Model selection across the zoo, as auto-sklearn does it: the family is a categorical parameter
 * (`model`) suggested first, then that family's own space under names prefixed with the family
 * (`mlp.learning_rate`, `cnn.filters`), so each family's parameters are conditional on it and never
 * share a distribution with another's (Optuna's conditional, define-by-run spaces). Every sampler
 * works on it: joint samplers learn the parameters all trials share and draw the rest independently.
 *
 * `space(trial)` returns the chosen family's params under their plain names plus `model`, which is
 * what `build` and the training loop (`batch_size`) read; `build` also takes the stored (prefixed)
 * form, so a trial's `params` rebuild its model.
 *
 * @example
 * ```ts
 * const data = tune.datasets.syntheticCifar({ nTrain: 512, nVal: 128, seed: 0 });
 * const model = tune.models.auto(data); // cnn or mlp for images
 * const objective = tune.models.objectiveFor(model, data, { epochs: 3 });
 * ```
 */
export function auto(data: Dataset | DatasetSplits, options: AutoModelOptions = {}): HyperModel {
  const kind = dataKindOf(data);
  const families = chooseFamilies(kind, options);
  const names = families.map((m) => m.name);
  const byName = (name: ParamValue | undefined): HyperModel => {
    const found = families.find((m) => m.name === name);
    if (found === undefined)
      throw new InvalidArgumentError(
        `params.${AUTO_FAMILY_PARAM}`,
        name ?? null,
        `one of ${names.join(', ')} (the families for ${kind} data)`,
      );
    return found;
  };
  const defaults: Record<string, ParamValue> = { [AUTO_FAMILY_PARAM]: names[0] as string };
  for (const family of families) {
    for (const [key, value] of Object.entries(family.defaults)) defaults[familyParamName(family.name, key)] = value;
  }
  return {
    name: 'auto',
    defaults,
    space(trial: SuggestApi): Params {
      const family = byName(trial.suggestCategorical(AUTO_FAMILY_PARAM, names));
      return { [AUTO_FAMILY_PARAM]: family.name, ...family.space(prefixed(trial, family.name)) };
    },
    build(params: Params, context: BuildContext): tf.LayersModel {
      const family = byName(params[AUTO_FAMILY_PARAM]);
      return family.build(familyParams(params, family.name, names), context);
    },
  };
}
