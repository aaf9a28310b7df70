import { InvalidArgumentError } from '../../errors';
import { write } from '../../report/report';
import { checkPositionals, flagString, parseArgs } from '../args';
import type { CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';

export const reportHelp = `Usage: tfjs-tune report STUDY [--storage URL] [--out FILE]

Writes one self-contained HTML page (no network requests) with the study's charts: optimisation
history, Pareto front, learning curves (pruned trials, Hyperband/ASHA rungs), parallel coordinates,
slices, contours, value distribution, timeline by worker, and a sortable, filterable trial table.
Each chart only when the study has its data.
  --storage URL   default sqlite:./tfjs-tune.db
  --out FILE      default STUDY-report.html (unsafe characters replaced)
`;

export async function reportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, out: true, verbose: false });
  checkPositionals(args, ['STUDY']);
  const studyName = args.positionals[0];
  if (studyName === undefined) throw new InvalidArgumentError('STUDY', null, 'a study name (see `tfjs-tune studies`)');
  const out = flagString(args, 'out') ?? `${studyName.replace(/[^A-Za-z0-9._-]+/g, '_')}-report.html`;
  const storage = openExistingStorage(flagString(args, 'storage'));
  try {
    const record = await storage.getStudy(await storage.getStudyIdByName(studyName));
    const trials = await storage.getAllTrials(record.studyId);
    const bytes = await write({ studyName: record.studyName, directions: record.directions, trials }, out);
    io.stdout(`wrote ${out} (${trials.length} trials, ${(bytes / 1024).toFixed(0)} KiB)\n`);
    return 0;
  } finally {
    await storage.close();
  }
}
