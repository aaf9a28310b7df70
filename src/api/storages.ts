/**
 * Storages: where studies and trials live (`tune.storages`). A study's `storage` option also takes a
 * URL: omitted or `'memory'`, `'sqlite:PATH'`, or `'postgres://user@host:port/database'`.
 * @module storages
 */
export type { Storage, StudyRecord, TrialTemplate, CreateTrialOptions } from '../storage/base';
export { InMemoryStorage } from '../storage/memory';
export { SqliteStorage } from '../storage/sqlite';
export type { SqliteStorageOptions } from '../storage/sqlite-open';
export { PostgresStorage } from '../storage/postgres';
export type { PostgresStorageOptions, PostgresStorageCounters } from '../storage/postgres';
export { storageFromUrl } from '../storage/from-url';
export { retryFailedTrialCallback } from '../study/retry';
