import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { InvalidArgumentError } from '../../errors';
import { checkPositionals, flagBool, parseArgs } from '../args';
import type { CliIo } from '../io';

export const initHelp = `Usage: tfjs-tune init [EXAMPLE] [--force]

Writes one of the example configs shipped with the package into the current folder, to run and
edit: tfjs-tune init cifar-cnn writes ./cifar-cnn.yaml, then tfjs-tune run cifar-cnn.yaml.
  EXAMPLE    default cifar-cnn; tfjs-tune init --list names them all
  --list     print the example names
  --force    overwrite a file of that name
`;

/**
 * The package's own `examples/` folder: found by walking up from this file to the package.json named
 * tfjs-tune (the same code runs from `src/` under ts-jest and from `dist/src/` once built or installed).
 */
export function examplesDir(from: string = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tfjs-tune')
      return join(dir, 'examples');
  }
  throw new InvalidArgumentError('examples', from, 'a tfjs-tune package folder above this file (none found)');
}

export function exampleNames(dir: string = examplesDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

export async function initCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { force: false, list: false, verbose: false });
  checkPositionals(args, ['EXAMPLE']);
  const dir = examplesDir();
  const names = exampleNames(dir);
  if (flagBool(args, 'list')) {
    io.stdout(`${names.join('\n')}\n`);
    return 0;
  }
  const name = (args.positionals[0] ?? 'cifar-cnn').replace(/\.yaml$/, '');
  if (!names.includes(name)) throw new InvalidArgumentError('EXAMPLE', name, `one of ${names.join(', ')}`);
  const target = `${name}.yaml`;
  if (existsSync(target) && !flagBool(args, 'force'))
    throw new InvalidArgumentError('EXAMPLE', target, 'a file name not taken here (or --force to overwrite it)');
  // The shipped header says `run examples/NAME.yaml`; the copy sits in the current folder.
  const text = readFileSync(join(dir, target), 'utf8').replace(`examples/${target}`, target);
  writeFileSync(target, text);
  io.stdout(`wrote ${target}; next: tfjs-tune run ${target}\n`);
  return 0;
}
