import { InvalidArgumentError } from '../errors';
import { processIo, type CliIo } from './io';

type Handler = (argv: readonly string[], io: CliIo) => Promise<number>;

/** A command's module, loaded only when the command runs or its help is asked for. */
interface CommandModule {
  readonly run: Handler;
  readonly help: string;
}

/**
 * The command table: each verb is a small handler with its own help text. Its module is loaded
 * when the verb runs, so `tfjs-tune --help` or `tfjs-tune studies` does not pay for tfjs, vega or
 * the worker pool (loading every command took about a second of each launch).
 */
const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<CommandModule> }>> = {
  init: {
    summary: 'write an example config (cifar-cnn, tabular-mlp, ...) to start from',
    load: async () => {
      const m = await import('./commands/init');
      return { run: m.initCommand, help: m.initHelp };
    },
  },
  run: {
    summary: 'tune a zoo model on a dataset from a config file',
    load: async () => {
      const m = await import('./commands/run');
      return { run: m.runCommand, help: m.runHelp };
    },
  },
  worker: {
    summary: 'join a study on a shared storage and train its trials here',
    load: async () => {
      const m = await import('./commands/worker');
      return { run: m.workerCommand, help: m.workerHelp };
    },
  },
  evaluate: {
    summary: "score a study's model on held-out data (metrics, per-class scores, confusion matrix)",
    load: async () => {
      const m = await import('./commands/evaluate');
      return { run: m.evaluateCommand, help: m.evaluateHelp };
    },
  },
  predict: {
    summary: "write a study's predictions for a CSV file",
    load: async () => {
      const m = await import('./commands/predict');
      return { run: m.predictCommand, help: m.predictHelp };
    },
  },
  'export-model': {
    summary: "write a study's model as a tfjs layers model (+ preprocess.json) for tf.loadLayersModel",
    load: async () => {
      const m = await import('./commands/export-model');
      return { run: m.exportModelCommand, help: m.exportModelHelp };
    },
  },
  studies: {
    summary: 'list the studies in a storage',
    load: async () => {
      const m = await import('./commands/studies');
      return { run: m.studiesCommand, help: m.studiesHelp };
    },
  },
  trials: {
    summary: 'print the trials of a study (table, csv, json)',
    load: async () => {
      const m = await import('./commands/trials');
      return { run: m.trialsCommand, help: m.trialsHelp };
    },
  },
  report: {
    summary: "write a study's charts and trial table as one HTML file",
    load: async () => {
      const m = await import('./commands/report');
      return { run: m.reportCommand, help: m.reportHelp };
    },
  },
  export: {
    summary: 'write studies as an Optuna journal file (optuna-dashboard opens it)',
    load: async () => {
      const m = await import('./commands/export');
      return { run: m.exportCommand, help: m.exportHelp };
    },
  },
  import: {
    summary: 'add the studies of an Optuna journal file to a storage',
    load: async () => {
      const m = await import('./commands/import');
      return { run: m.importCommand, help: m.importHelp };
    },
  },
  dashboard: {
    summary: 'serve a live local web app over a storage (127.0.0.1)',
    load: async () => {
      const m = await import('./commands/dashboard');
      return { run: m.dashboardCommand, help: m.dashboardHelp };
    },
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
    const known = topic !== undefined ? COMMANDS[topic] : undefined;
    io.stdout(known !== undefined ? (await known.load()).help : mainHelp());
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
  try {
    const loaded = await command.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(loaded.help);
      return 0;
    }
    // --verbose is global (the main help lists it): every command accepts it, the new ones too.
    return await loaded.run(
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
