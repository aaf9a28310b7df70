/**
 * Logging: where the study, tuners and CLI write their messages (`tune.logging`).
 * @module logging
 */
export type { Logger } from '../util/logger';
export { silentLogger, stderrLogger } from '../util/logger';
