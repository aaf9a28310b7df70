import { formatDuration, formatNumber } from '../util/format';

export interface ProgressBarOptions {
  readonly total: number | null;
  /** Seconds; with no trial count the bar runs against the clock. */
  readonly timeoutSeconds: number | null;
  readonly label?: string;
  readonly stream?: NodeJS.WriteStream;
  readonly width?: number;
}

/**
 * One line on stderr: `trials [#####-----] 12/50 | best 0.1234 | 00:12 elapsed, 00:40 left`.
 * Redraws in place on a terminal; elsewhere (CI logs, pipes) prints a line only every 10 %.
 *
 * @example
 * ```ts
 * const bar = new tune.ProgressBar({ total: 20, timeoutSeconds: null });
 * bar.update(5, 0.42);
 * bar.finish();
 * ```
 */
export class ProgressBar {
  private done = 0;
  private best: number | null = null;
  private readonly start = Date.now();
  private lastPrintedDecile = -1;
  private readonly stream: NodeJS.WriteStream;

  constructor(private readonly options: ProgressBarOptions) {
    this.stream = options.stream ?? process.stderr;
  }

  update(done: number, best: number | null): void {
    this.done = done;
    this.best = best;
    this.render(false);
  }

  finish(): void {
    this.render(true);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  /** The line as it is now (exposed for tests and for the CLI's own layout). */
  line(): string {
    const elapsed = Date.now() - this.start;
    const fraction = this.fraction(elapsed);
    const width = this.options.width ?? 24;
    const filled = Math.round(fraction * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const count = this.options.total === null ? `${this.done}` : `${this.done}/${this.options.total}`;
    const left = fraction > 0 && fraction < 1 ? formatDuration((elapsed / fraction) * (1 - fraction)) : '--:--';
    const label = this.options.label ?? 'trials';
    return `${label} [${bar}] ${count} | best ${formatNumber(this.best)} | ${formatDuration(elapsed)} elapsed, ${left} left`;
  }

  private fraction(elapsed: number): number {
    const byCount = this.options.total === null ? 0 : this.done / Math.max(1, this.options.total);
    const byTime = this.options.timeoutSeconds === null ? 0 : elapsed / (this.options.timeoutSeconds * 1000);
    return Math.min(1, Math.max(byCount, byTime));
  }

  private render(final: boolean): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${this.line()}\x1b[K`);
      return;
    }
    const decile = Math.floor(this.fraction(Date.now() - this.start) * 10);
    if (final || decile > this.lastPrintedDecile) {
      this.lastPrintedDecile = decile;
      this.stream.write(`${this.line()}\n`);
    }
  }
}
