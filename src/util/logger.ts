/** Where the library's warnings and notes go. Replace it per study (`logger`) to silence or capture. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Writes to stderr, so that stdout stays clean for `--json` output. */
export const stderrLogger: Logger = {
  info: (message) => process.stderr.write(`[tfjs-tune] ${message}\n`),
  warn: (message) => process.stderr.write(`[tfjs-tune] warning: ${message}\n`),
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };
