import { existsSync } from 'node:fs';

import { InvalidArgumentError } from '../errors';
import type { Storage } from '../storage/base';
import { sqlitePathOf, storageFromUrl } from '../storage/from-url';

export const DEFAULT_STORAGE = 'sqlite:./tfjs-tune.db';

/**
 * Opens the storage a read-only command names. A SQLite file that does not exist is an error,
 * not a new empty database (a typo in the path must not look like "no studies").
 */
export function openExistingStorage(url: string | undefined): Storage {
  const target = url ?? DEFAULT_STORAGE;
  const path = sqlitePathOf(target);
  if (path !== null && !existsSync(path)) {
    throw new InvalidArgumentError('--storage', target, 'an existing SQLite file (none at that path)');
  }
  return storageFromUrl(target);
}
