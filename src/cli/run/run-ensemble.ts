import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { FittedPreprocessor } from '../../../datasets/preprocess/fitted';

import type { DatasetSplits } from '../../../datasets/types';
import type { Study } from '../../study/study';
import { initBackend } from '../../training/backend';
import { ENSEMBLE_GRAPH_FOLDER, saveEnsemble } from '../../training/ensemble/ensemble-file';
import { PREPROCESS_FILE } from '../../training/evaluate/trained-model';
import { selectEnsemble } from '../../training/ensemble/select-ensemble';
import type { EnsembleMetric, EnsembleScore } from '../../training/ensemble/greedy-selection';
import { slotOf } from '../../trial/hyperband-slot';
import { formatNumber } from '../../util/format';
import type { RunConfig } from '../config/schema';

/** What `tfjs-tune run` reports of the ensemble it built (the `ensemble` key of `--json`). */
export interface RunEnsembleSummary {
  readonly path: string;
  /** The whole ensemble as one checkpoint, like a trial's (what evaluate / export take). */
  readonly checkpoint: string;
  readonly metric: EnsembleMetric;
  readonly members: readonly { readonly trial: number; readonly weight: number }[];
  readonly validation: EnsembleScore;
  readonly bestSingle: { readonly trial: number; readonly score: EnsembleScore };
}

/**
 * `ensemble:` in a run config: after the search, this process reloads the best trials' checkpoints,
 * selects the ensemble on the validation split (`selectEnsemble`) and saves it to
 * `<checkpointDir>/ensemble` (its `graph/` the whole ensemble as one checkpoint). Under a scheduler only trials trained to the full `epochs` are
 * candidates (early rungs hold partly trained models).
 */
export async function runEnsemble(
  study: Study,
  config: RunConfig & { readonly ensemble: NonNullable<RunConfig['ensemble']> },
  data: DatasetSplits,
  checkpointDir: string,
  preprocessor?: FittedPreprocessor,
): Promise<RunEnsembleSummary> {
  await initBackend();
  const trials =
    config.scheduler.type === 'none' ? study.trials : study.trials.filter((t) => slotOf(t)?.epochs === config.epochs);
  const metric: EnsembleMetric = data.val.numClasses > 0 && /acc/.test(config.metric.name) ? 'accuracy' : 'loss';
  const ensemble = await selectEnsemble(study, data, {
    size: config.ensemble.size,
    topK: config.ensemble.topK,
    metric,
    trials,
  });
  try {
    const path = join(checkpointDir, 'ensemble');
    await saveEnsemble(ensemble, path);
    // The one-model checkpoint carries the encoding its members were trained on, as a trial's does.
    if (preprocessor !== undefined)
      await writeFile(join(path, ENSEMBLE_GRAPH_FOLDER, PREPROCESS_FILE), JSON.stringify(preprocessor), 'utf8');
    return {
      path,
      checkpoint: join(path, ENSEMBLE_GRAPH_FOLDER),
      metric,
      members: ensemble.members.map((m) => ({ trial: m.trial, weight: m.weight })),
      validation: ensemble.info.validation,
      bestSingle: ensemble.info.bestSingle,
    };
  } finally {
    ensemble.dispose();
  }
}

function scoreWords(score: EnsembleScore, metric: EnsembleMetric): string {
  return metric === 'accuracy'
    ? `val accuracy ${formatNumber(score.accuracy)} (loss ${formatNumber(score.loss)})`
    : `val loss ${formatNumber(score.loss)}`;
}

/** The summary's ensemble lines. */
export function formatRunEnsemble(s: RunEnsembleSummary): string {
  const members = s.members.map((m) => `#${m.trial} ×${formatNumber(m.weight)}`).join(', ');
  return [
    `ensemble of ${s.members.length} trial(s): ${members}`,
    `  ${scoreWords(s.validation, s.metric)}; best single trial #${s.bestSingle.trial}: ${scoreWords(s.bestSingle.score, s.metric)}`,
    `  saved to ${s.path} (as one model: ${s.checkpoint})`,
    '',
  ].join('\n');
}
