import { getAllStudySummaries } from '../../study/create-study';
import { formatNumber } from '../../util/format';
import { checkPositionals, flagBool, flagString, parseArgs } from '../args';
import { renderTable, type CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';

export const studiesHelp = `Usage: tfjs-tune studies [--storage URL] [--json]

Lists the studies in a storage: name, directions, trials by state, best value.
  --storage URL   default sqlite:./tfjs-tune.db
  --json          machine-readable output
`;

export async function studiesCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, json: false, verbose: false });
  checkPositionals(args, []);
  const storage = openExistingStorage(flagString(args, 'storage'));
  try {
    const summaries = await getAllStudySummaries({ storage });
    if (flagBool(args, 'json')) {
      const out = summaries.map((s) => ({
        studyName: s.studyName,
        directions: s.directions,
        nTrials: s.nTrials,
        trialsByState: s.trialsByState,
        bestValue: s.bestTrial?.value ?? null,
        bestParams: s.bestTrial?.params ?? null,
        paretoSize: s.paretoSize,
        datetimeStart: s.datetimeStart.toISOString(),
      }));
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    if (summaries.length === 0) {
      io.stdout('no studies in this storage\n');
      return 0;
    }
    const rows = summaries.map((s) => [
      s.studyName,
      s.directions.join(','),
      String(s.nTrials),
      ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING', 'WAITING'].map((k) => `${s.trialsByState[k] ?? 0}`).join('/'),
      s.directions.length === 1 ? formatNumber(s.bestTrial?.value ?? null) : `${s.paretoSize} on front`,
    ]);
    io.stdout(renderTable(['study', 'directions', 'trials', 'complete/pruned/fail/running/waiting', 'best'], rows));
    return 0;
  } finally {
    await storage.close();
  }
}
