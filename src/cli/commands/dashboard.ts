import { startDashboard } from '../../dashboard/server';
import { flagBool, flagInt, flagString, parseArgs } from '../args';
import type { CliIo } from '../io';
import { openExistingStorage } from '../storage-arg';

export const dashboardHelp = `Usage: tfjs-tune dashboard [--storage URL] [--port N] [--host ADDRESS --token TOKEN] [--allow-delete]

Serves a live local web app: the studies of a storage, each with the report's charts and trial
table, reloading while a run writes to the storage (server-sent events). Stop with Ctrl-C.
  --storage URL    default sqlite:./tfjs-tune.db
  --port N         default 8080 (0: any free port)
  --host ADDRESS   default 127.0.0.1; any other address needs --token
  --token TOKEN    required on every request (?token= or Authorization: Bearer), 16+ characters
  --allow-delete   allow DELETE /api/studies?name= (read-only otherwise)
`;

export async function dashboardCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    storage: true,
    port: true,
    host: true,
    token: true,
    'allow-delete': false,
    verbose: false,
  });
  const token = flagString(args, 'token');
  const host = flagString(args, 'host');
  const storage = openExistingStorage(flagString(args, 'storage'));
  try {
    const dashboard = await startDashboard({
      storage,
      port: flagInt(args, 'port', 0) ?? 8080,
      allowDelete: flagBool(args, 'allow-delete'),
      ...(host === undefined ? {} : { host }),
      ...(token === undefined ? {} : { token }),
    });
    io.stdout(`dashboard at ${dashboard.url}/${token === undefined ? '' : ' (add ?token=…)'}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await dashboard.close();
    return 0;
  } finally {
    await storage.close();
  }
}
