import type { DatasetSplits } from '../../../datasets/types';
import { formatGenotype, genotypeToJson } from '../../nas/genotype';
import type { SearchEpoch } from '../../nas/search/run-bilevel';
import { redactStorageUrl } from '../../storage/postgres-url';
import type { JsonValue } from '../../trial/json';
import { DartsSearch } from '../../tuners/darts-search';
import { silentLogger, type Logger } from '../../util/logger';
import type { DartsBlock } from '../config/darts-block';
import type { RunConfig } from '../config/schema';
import { renderTable, type CliIo } from '../io';

export interface DartsRunOptions {
  readonly config: RunConfig & { readonly darts: DartsBlock };
  readonly data: DatasetSplits;
  readonly io: CliIo;
  readonly quiet: boolean;
  readonly json: boolean;
}

function epochTable(epochs: readonly SearchEpoch[]): string {
  return renderTable(
    ['epoch', 'loss', 'acc', 'val_loss', 'val_acc', 'α entropy (normal)', 'skips (normal)'],
    epochs.map((e) => [
      String(e.epoch),
      e.loss.toFixed(4),
      e.acc.toFixed(4),
      e.val_loss.toFixed(4),
      e.val_acc.toFixed(4),
      e.alpha_entropy_normal.toFixed(4),
      String(e.skip_count_normal),
    ]),
  );
}

/**
 * `model: darts` with `darts.search`: DARTS' bilevel search (each search a trial of the config's
 * study; `trials` searches, default 1), then the derived genotype trained from scratch. Prints the
 * search's epochs, the genotype (text and JSON) and the retrained network's validation accuracy; the
 * retrain is stored as the study's `darts_retrain` user attribute. Returns the exit code.
 */
export async function runDartsConfig(o: DartsRunOptions): Promise<number> {
  const { config, data, io } = o;
  const { search: searchOptions, retrain } = config.darts;
  const logger: Logger = o.quiet
    ? silentLogger
    : { info: (m) => io.stderr(`${m}\n`), warn: (m) => io.stderr(`warning: ${m}\n`) };
  const search = new DartsSearch({
    ...searchOptions,
    seed: searchOptions.seed ?? config.seed,
    maxTrials: config.trials ?? 1,
    storage: config.storage,
    studyName: config.study,
    logger,
  });
  const { order, epochs } = search.bilevel;
  if (!o.quiet)
    io.stderr(
      `study "${config.study}" in ${redactStorageUrl(config.storage)}: DARTS search (${order} order, ${epochs} epochs, C=${search.channels}, ${search.cells} cells) on ${config.dataset.kind}\n`,
    );
  const result = await search.search(data);
  try {
    if (!o.quiet)
      io.stderr(
        `retraining the genotype from scratch (C=${retrain.channels}, ${retrain.cells} cells, ${retrain.epochs} epochs)\n`,
      );
    const retrained = await search.retrain(result.genotype, data, {
      epochs: retrain.epochs,
      channels: retrain.channels,
      cells: retrain.cells,
      seed: config.seed,
      ...(retrain.batchSize !== null ? { batchSize: retrain.batchSize } : {}),
      ...(retrain.learningRate !== null ? { learningRate: retrain.learningRate } : {}),
    });
    const searchValAcc = result.bestTrial.values?.[0] ?? null;
    const stopped = result.bestTrial.userAttrs['stopped'];
    const summary = {
      search: {
        trial: result.bestTrial.number,
        valAcc: searchValAcc,
        stopped: typeof stopped === 'string' ? stopped : 'completed',
        epochs: result.epochs.length,
      },
      genotype: result.genotype,
      retrain: { valAcc: retrained.valAcc, epochs: retrain.epochs, channels: retrain.channels, cells: retrain.cells },
    };
    await result.study.setUserAttr('darts_retrain', summary.retrain as unknown as JsonValue);
    if (o.json) {
      io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      io.stdout(
        [
          `DARTS search, trial ${summary.search.trial}: ${summary.search.epochs} epoch(s), ${summary.search.stopped}, supernet val_acc ${searchValAcc?.toFixed(4) ?? '-'}`,
          epochTable(result.epochs).trimEnd(),
          'genotype:',
          formatGenotype(result.genotype),
          `genotype JSON: ${genotypeToJson(result.genotype)}`,
          `retrained from scratch (C=${retrain.channels}, ${retrain.cells} cells, ${retrain.epochs} epochs): val_acc ${retrained.valAcc.toFixed(4)}`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  } finally {
    await result.study.storage.close();
  }
}
