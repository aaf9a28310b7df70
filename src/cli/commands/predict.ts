import { writeFile } from 'node:fs/promises';

import { DatasetFormatError } from '../../../datasets/errors';
import { numSamples, type Dataset } from '../../../datasets/types';
import { InvalidArgumentError } from '../../errors';
import { flagInt, flagString, parseArgs } from '../args';
import { csvField, type CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';
import { heldOutData, loadStudyModel, type StudyModel } from '../run/study-model';

export const predictHelp = `Usage: tfjs-tune predict STUDY --data FILE [--out FILE] [--label COL] [--trial N] [--storage URL]

Writes a study's predictions for a CSV file (its feature columns as in the training file; a label
column, if there, is ignored): one row per input row, the predicted class and each class's
probability (p_<class>), or for regression the predicted value. The model is the one evaluate picks.
  --out FILE      where to write the CSV (default: stdout)
  --label COL     the label column to skip, when named otherwise than in the training file
  --trial N       this trial's checkpoint instead
  --storage URL   default sqlite:./tfjs-tune.db
`;

export async function predictCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, data: true, out: true, label: true, trial: true, verbose: false });
  const studyName = args.positionals[0];
  if (studyName === undefined) throw new InvalidArgumentError('STUDY', null, 'a study name (see `tfjs-tune studies`)');
  const file = flagString(args, 'data');
  if (file === undefined) throw new InvalidArgumentError('--data', null, 'a CSV file to predict for');
  const storage = openExistingStorage(flagString(args, 'storage'));
  let sm: StudyModel | null = null;
  try {
    sm = await loadStudyModel(storage, studyName, flagInt(args, 'trial', 0));
    const data = await readFeatures(sm, file, flagString(args, 'label'));
    const out = sm.model.predict(data);
    const classes = sm.model.classNames;
    const n = numSamples(data);
    const rows: string[] = [];
    if (classes === null) {
      rows.push('row,prediction');
      for (let i = 0; i < n; i++) rows.push(`${i + 1},${out[i] as number}`);
    } else {
      const k = classes.length;
      rows.push(['row', 'prediction', ...classes.map((c) => `p_${c}`)].map(csvField).join(','));
      for (let i = 0; i < n; i++) {
        const p = Array.from(out.subarray(i * k, (i + 1) * k));
        const arg = p.indexOf(Math.max(...p));
        rows.push([String(i + 1), csvField(classes[arg] as string), ...p.map((v) => String(v))].join(','));
      }
    }
    const text = `${rows.join('\n')}\n`;
    const target = flagString(args, 'out');
    if (target === undefined) io.stdout(text);
    else {
      await writeFile(target, text, 'utf8');
      io.stderr(`wrote ${target} (${n} predictions)\n`);
    }
    return 0;
  } finally {
    sm?.model.dispose();
    await storage.close();
  }
}

/** The file's features: its label column, if there, is dropped unread; a file without one reads too. */
async function readFeatures(sm: StudyModel, file: string, label: string | undefined): Promise<Dataset> {
  const trainLabel = label ?? (sm.config.dataset.options['label'] as string | number | undefined);
  if (trainLabel !== undefined) {
    try {
      return await heldOutData(sm, file, null, [trainLabel]);
    } catch (e) {
      if (!(e instanceof DatasetFormatError && /^ignore: no column/.test(e.detail))) throw e;
    }
  }
  return heldOutData(sm, file, null);
}
