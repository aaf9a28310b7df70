import { readFile } from 'node:fs/promises';

import { InvalidArgumentError } from '../../errors';
import { importOptunaJournal } from '../../interop/optuna-journal';
import { storageFromUrl } from '../../storage/from-url';
import { checkPositionals, flagString, parseArgs } from '../args';
import type { CliIo } from '../io';
import { DEFAULT_STORAGE } from '../storage-arg';

export const importHelp = `Usage: tfjs-tune import FILE [--storage URL]

Reads an Optuna JournalFileStorage log (operation codes 0-9; what Optuna 3.1 and later write) and
adds each of its studies to the storage, with their trials, states, params, values, intermediate
values and attributes. Trial times become the import's. A study name already in the storage stops
the import before anything is written.
  --storage URL   default sqlite:./tfjs-tune.db (created when missing)
`;

export async function importCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, verbose: false });
  checkPositionals(args, ['FILE']);
  const file = args.positionals[0];
  if (file === undefined) throw new InvalidArgumentError('FILE', null, 'an Optuna journal file');
  const text = await readFile(file, 'utf8');
  const storage = storageFromUrl(flagString(args, 'storage') ?? DEFAULT_STORAGE);
  try {
    const studies = await importOptunaJournal(storage, text);
    for (const s of studies) io.stdout(`imported study "${s.studyName}" (${s.trials} trials)\n`);
    if (studies.length === 0) io.stdout('no studies in that journal\n');
    return 0;
  } finally {
    await storage.close();
  }
}
