import { InvalidArgumentError } from '../errors';
import { dashboardCommand, dashboardHelp } from './commands/dashboard';
import { evaluateCommand, evaluateHelp } from './commands/evaluate';
import { exportCommand, exportHelp } from './commands/export';
import { exportModelCommand, exportModelHelp } from './commands/export-model';
import { predictCommand, predictHelp } from './commands/predict';
import { importCommand, importHelp } from './commands/import';
import { initCommand, initHelp } from './commands/init';
import { reportCommand, reportHelp } from './commands/report';
import { runCommand, runHelp } from './commands/run';
import { studiesCommand, studiesHelp } from './commands/studies';
import { trialsCommand, trialsHelp } from './commands/trials';
import { workerCommand, workerHelp } from './commands/worker';
import { processIo, type CliIo } from './io';

type Handler = (argv: readonly string[], io: CliIo) => Promise<number>;

/** The command table: each verb is a small handler with its own help text. */
const COMMANDS: Readonly<Record<string, { summary: string; help: string; run: Handler }>> = {
  init: {
    summary: 'write an example config (cifar-cnn, tabular-mlp, ...) to start from',
    help: initHelp,
    run: initCommand,
  },
  run: { summary: 'tune a zoo model on a dataset from a config file', help: runHelp, run: runCommand },
  worker: {
    summary: 'join a study on a shared storage and train its trials here',
    help: workerHelp,
    run: workerCommand,
  },
  evaluate: {
    summary: "score a study's model on held-out data (metrics, per-class scores, confusion matrix)",
    help: evaluateHelp,
    run: evaluateCommand,
  },
  predict: { summary: "write a study's predictions for a CSV file", help: predictHelp, run: predictCommand },
  'export-model': {
    summary: "write a study's model as a tfjs layers model (+ preprocess.json) for tf.loadLayersModel",
    help: exportModelHelp,
    run: exportModelCommand,
  },
  studies: { summary: 'list the studies in a storage', help: studiesHelp, run: studiesCommand },
  trials: { summary: 'print the trials of a study (table, csv, json)', help: trialsHelp, run: trialsCommand },
  report: { summary: "write a study's charts and trial table as one HTML file", help: reportHelp, run: reportCommand },
  export: {
    summary: 'write studies as an Optuna journal file (optuna-dashboard opens it)',
    help: exportHelp,
    run: exportCommand,
  },
  import: { summary: 'add the studies of an Optuna journal file to a storage', help: importHelp, run: importCommand },
  dashboard: {
    summary: 'serve a live local web app over a storage (127.0.0.1)',
    help: dashboardHelp,
    run: dashboardCommand,
  },
};

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json sits outside rootDir's module graph
  return (require('../../../package.json') as { version: string }).version;
}

export function mainHelp(): string {
  const verbs = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
    .join('\n');
  return `tfjs-tune — hyperparameter tuning for TensorFlow.js

Usage: tfjs-tune <command> [options]

Commands:
${verbs}

Options:
  --help       help for tfjs-tune or a command (tfjs-tune <command> --help)
  --version    print the version
  --verbose    print stack traces with errors

Storage URLs: sqlite:PATH (default sqlite:./tfjs-tune.db). run needs a file: its worker threads share it.
`;
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 a failed command, 2 bad usage. Errors are
 * one clear line on stderr; the stack only with --verbose.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    const topic = verb === 'help' ? rest[0] : undefined;
    io.stdout(topic !== undefined && COMMANDS[topic] ? COMMANDS[topic].help : mainHelp());
    return 0;
  }
  if (verb === '--version' || verb === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[verb];
  if (command === undefined) {
    io.stderr(`tfjs-tune: error: unknown command "${verb}"; expected one of ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help);
    return 0;
  }
  try {
    // --verbose is global (the main help lists it): every command accepts it, the new ones too.
    return await command.run(
      rest.filter((a) => a !== '--verbose'),
      io,
    );
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`tfjs-tune ${verb}: error: ${message}\n`);
    if (verbose && e instanceof Error && e.stack !== undefined) io.stderr(`${e.stack}\n`);
    return e instanceof InvalidArgumentError ? 2 : 1;
  }
}
