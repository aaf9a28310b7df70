import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';

import { parseDocument } from 'yaml';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { validateConfig, type RunConfig } from './schema';

/**
 * Reads a YAML or JSON config file and validates it whole (nothing runs on a bad config). A binary
 * file is refused in one line; YAML's warnings (duplicate keys, unknown tags, ...) go to `warn`,
 * each once and on one line, instead of Node's process warnings.
 */
export function loadConfig(path: string, warn: (message: string) => void = () => undefined): RunConfig {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InvalidArgumentError('CONFIG', path, 'a readable YAML or JSON file');
  }
  const text = bytes.toString('utf8');
  // A NUL byte or bytes that are not UTF-8 mean an image, an archive, a model: not a config.
  if (bytes.includes(0) || text.includes('\uFFFD'))
    throw new InvalidArgumentError('CONFIG', path, 'a YAML or JSON text file (this one is binary)');
  const json = extname(path).toLowerCase() === '.json';
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : parseYaml(text, warn);
  } catch (e) {
    throw new TfjsTuneError(
      `${path}: not valid ${json ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
  return validateConfig(raw, { studyFromFile: basename(path, extname(path)) });
}

function parseYaml(text: string, warn: (message: string) => void): unknown {
  const doc = parseDocument(text, { prettyErrors: false });
  const [error] = doc.errors;
  if (error !== undefined) throw error;
  for (const message of new Set(doc.warnings.map((w) => (w.message.split('\n')[0] as string).trim())))
    warn(`YAML: ${message}`);
  return doc.toJS();
}
