import { writeFile } from 'node:fs/promises';

import { InvalidArgumentError } from '../../errors';
import { exportOptunaJournal } from '../../interop/optuna-journal';
import { flagString, parseArgs } from '../args';
import type { CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';

export const exportHelp = `Usage: tfjs-tune export [STUDY...] --format optuna-journal --out FILE [--storage URL]

Writes studies (all of them when none is named) as an Optuna JournalFileStorage log (operation
codes 0-9, read by Optuna 3.1 and later):
  python3 -c "import optuna; s = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage('FILE'))"
  optuna-dashboard FILE
  --format        optuna-journal (the one format today)
  --out FILE      where to write (replaced if it exists)
  --storage URL   default sqlite:./tfjs-tune.db
`;

const FORMATS = ['optuna-journal'];

export async function exportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, format: true, out: true, verbose: false });
  const format = flagString(args, 'format');
  if (format === undefined || !FORMATS.includes(format))
    throw new InvalidArgumentError('--format', format ?? null, FORMATS.join(', '));
  const out = flagString(args, 'out');
  if (out === undefined) throw new InvalidArgumentError('--out', null, 'a file to write');
  const storage = openExistingStorage(flagString(args, 'storage'));
  try {
    const text = await exportOptunaJournal(storage, args.positionals.length > 0 ? args.positionals : undefined);
    await writeFile(out, text, 'utf8');
    io.stdout(`wrote ${out} (${text === '' ? 0 : text.split('\n').length - 1} journal lines)\n`);
    return 0;
  } finally {
    await storage.close();
  }
}
