import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';

import { parse as parseYaml } from 'yaml';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { validateConfig, type RunConfig } from './schema';

/** Reads a YAML or JSON config file and validates it whole (nothing runs on a bad config). */
export function loadConfig(path: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InvalidArgumentError('CONFIG', path, 'a readable YAML or JSON file');
  }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new TfjsTuneError(
      `${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
  return validateConfig(raw, { studyFromFile: basename(path, extname(path)) });
}
