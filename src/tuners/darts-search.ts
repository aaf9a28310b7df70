import type { DatasetSplits } from '../../datasets/types';
import { dartsHyperModel } from '../../models/darts';
import { InvalidArgumentError, NoCompletedTrialsError } from '../errors';
import { supernetFor } from '../nas/darts-model';
import { validateGenotype, type Genotype } from '../nas/genotype';
import {
  BILEVEL_KEYS,
  resolveBilevelOptions,
  type BilevelOptions,
  type ResolvedBilevelOptions,
} from '../nas/search/options';
import { GENOTYPE_ATTR, runBilevelSearch, type SearchEpoch } from '../nas/search/run-bilevel';
import type { Pruner } from '../pruners/base';
import type { Storage } from '../storage/base';
import { createStudy } from '../study/create-study';
import type { Study } from '../study/study';
import { disposeModel } from '../training/dispose-model';
import { objectiveFor } from '../training/objective-for';
import type { FrozenTrial } from '../trial/frozen-trial';
import { silentLogger, type Logger } from '../util/logger';

export interface DartsSearchOptions extends BilevelOptions {
  /** The supernet's C (node channels of the first cells). Default 16 (DARTS' search). */
  readonly channels?: number;
  /** Cells of the supernet; reductions at ⌊L/3⌋ and ⌊2L/3⌋. Default 8 (DARTS' search). */
  readonly cells?: number;
  /** Independent searches, one trial each, each with its own seed; the best validation accuracy wins. Default 1. */
  readonly maxTrials?: number;
  /** Where the search trials are stored (default in memory). */
  readonly storage?: string | Storage;
  readonly studyName?: string;
  /** Acts on each epoch's validation accuracy, as for any trial. */
  readonly pruner?: Pruner;
  readonly logger?: Logger;
}

const OWN_KEYS = ['channels', 'cells', 'maxTrials', 'storage', 'studyName', 'pruner', 'logger'] as const;

export interface DartsSearchResult {
  /** The genotype of the search with the best final validation accuracy. */
  readonly genotype: Genotype;
  readonly bestTrial: FrozenTrial;
  /** Per epoch of that search: losses, accuracies, α entropy, skip counts. */
  readonly epochs: readonly SearchEpoch[];
  readonly study: Study;
}

export interface RetrainOptions {
  readonly epochs: number;
  /** Default: the search's `channels`. DARTS retrains wider (C = 36) and deeper (20 cells). */
  readonly channels?: number;
  readonly cells?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
}

export interface RetrainResult {
  /** Validation accuracy at the best epoch. */
  readonly valAcc: number;
  readonly trial: FrozenTrial;
}

function positiveInt(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(field, v, 'a positive integer');
  return v;
}

/**
 * DARTS (Liu, Simonyan & Yang, ICLR 2019) as a tuner: the bilevel search on a supernet, α on
 * `data.val` and the weights on `data.train`, first or second order, with DARTS' optimisers and
 * schedules as defaults. Each search is a trial: its epochs are reported (validation accuracy as the
 * intermediate value, so pruners act; the epoch log; the current genotype as the `genotype` user
 * attribute), and DARTS+'s early stop (`earlyStopSkips`) guards against the collapse into skips.
 * `retrain` then trains the derived genotype from scratch.
 *
 * @example
 * ```ts
 * const data = tune.datasets.syntheticCifar({ nTrain: 500, nVal: 500, imageSize: 16, seed: 0 });
 * const darts = new tune.tuners.DartsSearch({ channels: 8, cells: 3, epochs: 10, batchSize: 32, earlyStopSkips: 2 });
 * const { genotype } = await darts.search(data);
 * const { valAcc } = await darts.retrain(genotype, data, { epochs: 10 });
 * ```
 */
export class DartsSearch {
  readonly channels: number;
  readonly cells: number;
  readonly maxTrials: number;
  readonly bilevel: ResolvedBilevelOptions;
  private readonly logger: Logger;

  constructor(private readonly options: DartsSearchOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!(OWN_KEYS as readonly string[]).includes(key) && !(BILEVEL_KEYS as readonly string[]).includes(key)) {
        throw new InvalidArgumentError(
          `DartsSearch.${key}`,
          key,
          `one of ${[...BILEVEL_KEYS, ...OWN_KEYS].join(', ')}`,
        );
      }
    }
    const { channels, cells, maxTrials, storage, studyName, pruner, logger, ...bilevel } = options;
    void storage;
    void studyName;
    void pruner;
    this.channels = positiveInt(channels, 16, 'DartsSearch.channels');
    this.cells = positiveInt(cells, 8, 'DartsSearch.cells');
    this.maxTrials = positiveInt(maxTrials, 1, 'DartsSearch.maxTrials');
    this.bilevel = resolveBilevelOptions(bilevel, 'DartsSearch.');
    this.logger = logger ?? silentLogger;
  }

  /**
   * Runs `maxTrials` searches on `data` (train: weights, val: α) and returns the best one's genotype.
   * A storage given as a URL stays open with the returned study (close it with `study.storage.close()`).
   */
  async search(data: DatasetSplits): Promise<DartsSearchResult> {
    const study = await createStudy({
      direction: 'maximize',
      seed: this.bilevel.seed,
      logger: this.logger,
      ...(this.options.storage !== undefined ? { storage: this.options.storage } : {}),
      ...(this.options.studyName !== undefined ? { studyName: this.options.studyName } : {}),
      ...(this.options.pruner !== undefined ? { pruner: this.options.pruner } : {}),
    });
    await study.optimize(
      async (trial) => {
        const seed = trial.seed;
        const model = supernetFor(data, { channels: this.channels, cells: this.cells, seed });
        try {
          const result = await runBilevelSearch(model, data, { ...this.bilevel, seed }, { trial, logger: this.logger });
          trial.setUserAttr('stopped', result.stopped);
          return result.epochs.at(-1)?.val_acc ?? 0;
        } finally {
          disposeModel(model);
        }
      },
      { nTrials: this.maxTrials },
    );
    const completed = study.trials.filter((t) => t.state === 'COMPLETE');
    if (completed.length === 0) {
      // A storage opened here from a URL is this search's to close; the caller never sees the study.
      if (typeof this.options.storage === 'string') await study.storage.close();
      throw new NoCompletedTrialsError('no DARTS search completed (all pruned or failed)');
    }
    const bestTrial = study.bestTrial;
    return {
      genotype: validateGenotype(bestTrial.userAttrs[GENOTYPE_ATTR], `trial ${bestTrial.number} user attr genotype`),
      bestTrial,
      epochs: (bestTrial.systemAttrs['epoch_log'] ?? []) as unknown as SearchEpoch[],
      study,
    };
  }

  /**
   * Trains `genotype` from scratch (new weights, affine batch norm) on `data.train`, validated on
   * `data.val`: the zoo's `darts` model with the architecture fixed, SGD with momentum.
   */
  async retrain(genotype: Genotype, data: DatasetSplits, options: RetrainOptions): Promise<RetrainResult> {
    const model = dartsHyperModel({
      genotype,
      channels: options.channels ?? this.channels,
      cells: options.cells ?? this.cells,
    });
    const study = await createStudy({
      direction: 'maximize',
      seed: options.seed ?? this.bilevel.seed,
      logger: this.logger,
    });
    const space = (): Record<string, number | string> => ({
      ...model.defaults,
      batch_size: options.batchSize ?? this.bilevel.batchSize,
      learning_rate: options.learningRate ?? this.bilevel.weights.learningRate,
    });
    await study.optimize(objectiveFor(model, data, { epochs: options.epochs, space }), { nTrials: 1 });
    const trial = study.bestTrial;
    return { valAcc: trial.values?.[0] ?? 0, trial };
  }
}
