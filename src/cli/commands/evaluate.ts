import { InvalidArgumentError } from '../../errors';
import type { EvaluationScores } from '../../training/evaluate/metrics';
import { formatNumber } from '../../util/format';
import { flagBool, flagInt, flagString, parseArgs } from '../args';
import { renderTable, type CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';
import { heldOutData, loadStudyModel, type StudyModel } from '../run/study-model';

export const evaluateHelp = `Usage: tfjs-tune evaluate STUDY [--storage URL] [--data FILE] [--label COL] [--trial N] [--json]

Scores a study's model on held-out data: the refit model when the run had refit: true, else the best
trial's (or --trial N's). The data is encoded with the preprocessing and class list stored with the
model (fitted on the training rows only). Classification: the study's metric, accuracy, loss,
per-class precision / recall / F1 and the confusion matrix; regression: loss (MSE), MAE and R².
  --data FILE     a CSV file with the training file's columns; default: the config's test part
                  (dataset.testFraction or dataset.test)
  --label COL     its label column, when named otherwise than in the training file
  --trial N       this trial's checkpoint instead
  --json          the scores as JSON on stdout
  --storage URL   default sqlite:./tfjs-tune.db
`;

/** The test-data value of a study's metric: val_acc → accuracy, val_loss → loss. */
export function metricOnTest(metric: string, scores: EvaluationScores): number | null {
  const name = metric.replace(/^val_/, '');
  if (name === 'loss') return scores.loss;
  if (scores.task === 'classification' && (name === 'acc' || name === 'accuracy')) return scores.accuracy;
  return null;
}

export async function evaluateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, data: true, label: true, trial: true, json: false, verbose: false });
  const studyName = args.positionals[0];
  if (studyName === undefined) throw new InvalidArgumentError('STUDY', null, 'a study name (see `tfjs-tune studies`)');
  if (args.positionals.length > 1) throw new InvalidArgumentError('STUDY', args.positionals, 'one study name');
  const storage = openExistingStorage(flagString(args, 'storage'));
  let sm: StudyModel | null = null;
  try {
    sm = await loadStudyModel(storage, studyName, flagInt(args, 'trial', 0));
    const file = flagString(args, 'data');
    const data = await heldOutData(sm, file, flagString(args, 'label'));
    const scores = sm.model.evaluate(data);
    const metric = { name: sm.metric, value: metricOnTest(sm.metric, scores) };
    const source = {
      trial: sm.trial,
      refit: sm.refit,
      ensemble: sm.ensemble,
      checkpoint: sm.checkpoint,
      data: file ?? 'test part of the config',
    };
    if (flagBool(args, 'json'))
      io.stdout(`${JSON.stringify({ study: studyName, ...source, metric, scores }, null, 2)}\n`);
    else io.stdout(renderScores(studyName, source, metric, scores));
    return 0;
  } finally {
    sm?.model.dispose();
    await storage.close();
  }
}

function modelWords(source: { trial: number; refit: boolean; ensemble: boolean }): string {
  if (source.refit) return `trial #${source.trial}'s configuration refitted on train + validation`;
  if (source.ensemble) return `the run's ensemble (best single member: trial #${source.trial})`;
  return `trial #${source.trial}`;
}

function renderScores(
  study: string,
  source: { trial: number; refit: boolean; ensemble: boolean; data: string },
  metric: { name: string; value: number | null },
  scores: EvaluationScores,
): string {
  const f = (v: number): string => formatNumber(v);
  const lines = [`study "${study}", ${modelWords(source)}, on ${source.data} (${scores.n} rows)`];
  if (metric.value !== null)
    lines.push(`${metric.name.replace(/^val_/, '')} (the study's metric ${metric.name}): ${f(metric.value)}`);
  if (scores.task === 'regression') {
    lines.push(`loss (MSE): ${f(scores.loss)}`, `MAE: ${f(scores.mae)}`, `R²: ${f(scores.r2)}`, '');
    return lines.join('\n');
  }
  lines.push(`accuracy: ${f(scores.accuracy)}`, `loss: ${f(scores.loss)}`, '');
  const perClass = renderTable(
    ['class', 'precision', 'recall', 'f1', 'support'],
    scores.perClass.map((c) => [c.name, f(c.precision), f(c.recall), f(c.f1), String(c.support)]),
  );
  const confusion = renderTable(
    ['true \\ predicted', ...scores.classNames],
    scores.confusion.map((row, i) => [scores.classNames[i] as string, ...row.map(String)]),
  );
  return `${lines.join('\n')}${perClass}\n${confusion}`;
}
