import { ProgressBar } from '../../study/progress-bar';
import { formatNumber } from '../../util/format';
import type { CliIo } from '../io';
import type { WorkerMessage } from './protocol';

/**
 * What a run shows while it works: a line per finished trial, and on a terminal a live status line
 * with the trial bar (done, best so far, time left) and the epoch of each running trial.
 */
export class RunDisplay {
  private readonly bar: ProgressBar;
  private readonly epochs = new Map<number, string>();
  private done = 0;
  private best: { number: number; value: number } | null = null;

  constructor(
    private readonly io: CliIo,
    private readonly options: {
      quiet: boolean;
      tty: boolean;
      total: number | null;
      timeout: number | null;
      maximize: boolean;
      metric: string;
      /** Scheduled runs: the full epochs; only trials trained that far count as the best. */
      fullEpochs?: number | null;
    },
  ) {
    this.bar = new ProgressBar({
      total: options.total,
      timeoutSeconds: options.timeout,
      stream: { isTTY: false, write: () => true } as never,
    });
  }

  handle(m: WorkerMessage): void {
    if (this.options.quiet) return;
    if (m.type === 'backend') this.line(`backend: ${m.description}`);
    if (m.type === 'trial-start') this.epochs.set(m.number, `#${m.number} epoch 0`);
    if (m.type === 'epoch') this.epochs.set(m.number, `#${m.number} epoch ${m.epoch}/${m.epochs}`);
    if (m.type === 'trial-end') {
      this.epochs.delete(m.number);
      this.done++;
      const full = m.epochs === undefined || this.options.fullEpochs == null || m.epochs === this.options.fullEpochs;
      if (m.state === 'COMPLETE' && m.value !== null && full) {
        const better =
          this.best === null || (this.options.maximize ? m.value > this.best.value : m.value < this.best.value);
        if (better) this.best = { number: m.number, value: m.value };
      }
      const at = full || m.epochs === undefined ? '' : ` after ${m.epochs} epochs`;
      const value = m.value === null ? '' : ` ${this.options.metric}=${formatNumber(m.value)}${at}`;
      const why = m.state === 'FAIL' && m.failReason ? ` (${m.failReason})` : '';
      const best = this.best === null ? '' : ` | best #${this.best.number} ${formatNumber(this.best.value)}`;
      this.line(`trial ${m.number} ${m.state}${value}${why}${best}`);
    }
    this.status();
  }

  /** Clears the live line (before the summary). */
  finish(): void {
    if (this.options.tty && !this.options.quiet) this.io.stderr('\r\x1b[K');
  }

  private line(text: string): void {
    if (this.options.tty) this.io.stderr('\r\x1b[K');
    this.io.stderr(`${text}\n`);
  }

  private status(): void {
    if (!this.options.tty) return;
    this.bar.update(this.done, this.best?.value ?? null);
    const running = [...this.epochs.values()].join(', ');
    this.io.stderr(`\r\x1b[K${this.bar.line()}${running ? ` | ${running}` : ''}`);
  }
}
