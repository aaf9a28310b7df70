import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../src/errors';
import { dartsModel } from '../src/nas/darts-model';
import { DARTS_V2, validateGenotype, type Genotype } from '../src/nas/genotype';
import { genotypeFromParams, genotypeParams, suggestGenotype } from '../src/nas/genotype-space';
import type { BuildContext, HyperModel, Params, SuggestApi } from '../src/training/hyper-model';
import { OPTIMIZERS, compileModel, num } from './common';

export interface DartsHyperModelOptions {
  /** A fixed architecture (a derived or published one): the space then asks for no genotype parameters. */
  readonly genotype?: Genotype;
  /** DARTS' C: fixed here, or else a parameter (`channels`). */
  readonly channels?: number;
  /** Cells: fixed here, or else a parameter (`cells`). */
  readonly cells?: number;
}

const CHANNEL_CHOICES = [8, 16] as const;
const CELL_CHOICES = [3, 5, 8] as const;

function positiveInt(value: number | undefined, field: string): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new InvalidArgumentError(field, value, 'a positive integer');
  }
  return value;
}

/**
 * The DARTS zoo family: a network of DARTS cells, its architecture either fixed (`options.genotype`)
 * or a set of 24 categorical parameters (`normal_node0_inputs`, `normal_node0_op0`, ...; see
 * `suggestGenotype`), so the ordinary samplers search genotypes — random search over the DARTS space
 * is the baseline NAS results are judged by. Trained like any zoo model (SGD with momentum by default,
 * as DARTS retrains).
 *
 * @example
 * ```ts
 * const fixed = tune.models.dartsHyperModel({ genotype: tune.models.DARTS_V2, channels: 16, cells: 8 });
 * const model = fixed.build(fixed.defaults, { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
 * ```
 */
export function dartsHyperModel(options: DartsHyperModelOptions = {}): HyperModel {
  const fixedGenotype = options.genotype === undefined ? undefined : validateGenotype(options.genotype, 'genotype');
  const fixedChannels = positiveInt(options.channels, 'channels');
  const fixedCells = positiveInt(options.cells, 'cells');
  return {
    name: 'darts',
    defaults: {
      learning_rate: 0.025,
      optimizer: 'sgd',
      batch_size: 32,
      ...(fixedChannels === undefined ? { channels: 8 } : {}),
      ...(fixedCells === undefined ? { cells: 3 } : {}),
      ...(fixedGenotype === undefined ? genotypeParams(DARTS_V2) : {}),
    },
    space(trial: SuggestApi): Params {
      const params: Record<string, string | number> = {
        learning_rate: trial.suggestFloat('learning_rate', 1e-3, 0.1, { log: true }),
        optimizer: trial.suggestCategorical('optimizer', OPTIMIZERS),
        batch_size: trial.suggestCategorical('batch_size', [16, 32, 64]),
      };
      if (fixedChannels === undefined) params['channels'] = trial.suggestCategorical('channels', CHANNEL_CHOICES);
      if (fixedCells === undefined) params['cells'] = trial.suggestCategorical('cells', CELL_CHOICES);
      if (fixedGenotype === undefined) Object.assign(params, genotypeParams(suggestGenotype(trial)));
      return params;
    },
    build(params: Params, context: BuildContext): tf.LayersModel {
      if (!Number.isInteger(context.numClasses) || context.numClasses < 2) {
        throw new InvalidArgumentError('numClasses', context.numClasses, 'at least 2 (darts is a classifier)');
      }
      const model = dartsModel({
        inputShape: context.inputShape,
        numClasses: context.numClasses,
        channels: fixedChannels ?? num(params, 'channels', 8),
        cells: fixedCells ?? num(params, 'cells', 3),
        genotype: fixedGenotype ?? genotypeFromParams(params),
        seed: context.seed,
      });
      return compileModel(model, { optimizer: 'sgd', ...params }, context);
    },
  };
}

/** `dartsHyperModel()`: channels, cells and the genotype are all parameters. */
export const darts: HyperModel = dartsHyperModel();
