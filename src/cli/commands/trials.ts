import { InvalidArgumentError } from '../../errors';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { formatNumber } from '../../util/format';
import { checkPositionals, flagString, parseArgs } from '../args';
import { csvField, renderTable, type CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';

export const trialsHelp = `Usage: tfjs-tune trials STUDY [--storage URL] [--format table|csv|json]

Prints every trial of a study: number, state, values, parameters, duration.
  --storage URL   default sqlite:./tfjs-tune.db
  --format        table (default), csv or json
`;

const FORMATS = ['table', 'csv', 'json'];

function columns(trials: readonly FrozenTrial[]): { params: string[]; nValues: number } {
  const params = new Set<string>();
  let nValues = 1;
  for (const t of trials) {
    for (const k of Object.keys(t.params)) params.add(k);
    nValues = Math.max(nValues, t.values?.length ?? 0);
  }
  return { params: [...params].sort(), nValues };
}

function rowsOf(
  trials: readonly FrozenTrial[],
  fmt: (v: number | null) => string,
): { header: string[]; rows: string[][] } {
  const { params, nValues } = columns(trials);
  const valueCols = nValues === 1 ? ['value'] : Array.from({ length: nValues }, (_, i) => `values_${i}`);
  const header = ['number', 'state', ...valueCols, ...params.map((p) => `params_${p}`), 'duration_s', 'fail_reason'];
  const rows = trials.map((t) => [
    String(t.number),
    t.state,
    ...valueCols.map((_, i) => fmt(t.values?.[i] ?? null)),
    ...params.map((p) => (p in t.params ? String(t.params[p]) : '')),
    t.durationMs === null ? '' : (t.durationMs / 1000).toFixed(3),
    t.failReason ?? '',
  ]);
  return { header, rows };
}

export async function trialsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { storage: true, format: true, verbose: false });
  checkPositionals(args, ['STUDY']);
  const studyName = args.positionals[0];
  if (studyName === undefined) throw new InvalidArgumentError('STUDY', null, 'a study name (see `tfjs-tune studies`)');
  const format = flagString(args, 'format') ?? 'table';
  if (!FORMATS.includes(format)) throw new InvalidArgumentError('--format', format, FORMATS.join(', '));
  const storage = openExistingStorage(flagString(args, 'storage'));
  try {
    const trials = await storage.getAllTrials(await storage.getStudyIdByName(studyName));
    if (format === 'json') {
      io.stdout(
        `${JSON.stringify(
          trials.map((t) => t.toJSON()),
          null,
          2,
        )}\n`,
      );
    } else if (format === 'csv') {
      const { header, rows } = rowsOf(trials, (v) => (v === null ? '' : String(v)));
      io.stdout([header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n');
    } else {
      const { header, rows } = rowsOf(trials, formatNumber);
      io.stdout(renderTable(header, rows));
    }
    return 0;
  } finally {
    await storage.close();
  }
}
