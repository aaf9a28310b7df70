import { InvalidArgumentError } from '../../errors';
import { exportLayersModel } from '../../training/evaluate/export-layers-model';
import { flagInt, flagString, parseArgs } from '../args';
import type { CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';
import { loadStudyModel, type StudyModel } from '../run/study-model';

export const exportModelHelp = `Usage: tfjs-tune export-model STUDY --out DIR [--trial N] [--storage URL]

Writes a study's model (the one evaluate picks) as a stock tfjs layers model, DIR/model.json +
DIR/weights.bin, which tf.loadLayersModel opens in a browser or Node with nothing of tfjs-tune, and
DIR/preprocess.json: the encoding to apply to inputs first (column order, means and scales, one-hot
categories, pixel scale) and the class list in the order of the model's outputs.
  --out DIR       the folder to write (created if needed; its files replaced)
  --trial N       this trial's checkpoint instead
  --storage URL   default sqlite:./tfjs-tune.db
`;

export async function exportModelCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, out: true, trial: true, verbose: false });
  const studyName = args.positionals[0];
  if (studyName === undefined) throw new InvalidArgumentError('STUDY', null, 'a study name (see `tfjs-tune studies`)');
  const out = flagString(args, 'out');
  if (out === undefined) throw new InvalidArgumentError('--out', null, 'a folder to write the model to');
  const storage = openExistingStorage(flagString(args, 'storage'));
  let sm: StudyModel | null = null;
  try {
    sm = await loadStudyModel(storage, studyName, flagInt(args, 'trial', 0));
    const files = await exportLayersModel(sm.model, out);
    io.stdout(
      `wrote ${files.join(', ')} (${sm.ensemble ? 'the ensemble' : `${sm.refit ? 'refit of ' : ''}trial #${sm.trial}`})\n`,
    );
    return 0;
  } finally {
    sm?.model.dispose();
    await storage.close();
  }
}
