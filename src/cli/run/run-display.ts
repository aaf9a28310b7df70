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
  private readonly backends = new Set<string>();
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
      /** A resumed study's best so far: the line's "best" is the study's, not this run's. */
      initialBest?: { number: number; value: number };
    },
  ) {
    this.best = options.initialBest ?? null;
    this.bar = new ProgressBar({
      total: options.total,
      timeoutSeconds: options.timeout,
      stream: { isTTY: false, write: () => true } as never,
    });
  }

  handle(m: WorkerMessage): void {
    if (this.options.quiet) return;
    // Every worker loads the backend and says which: one line per run (another only if one differs).
    if (m.type === 'backend' && !this.backends.has(m.description)) {
      this.backends.add(m.description);
      this.line(`backend: ${m.description}`);
    }
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
      // Scheduled runs train trials to different budgets: every line says its epochs, and "best"
      // ranks only trials trained the full budget (a 1-epoch score is not comparable to a 9-epoch one).
      const scheduled = this.options.fullEpochs != null;
      const at = scheduled && m.epochs !== undefined ? ` (${m.epochs} epoch${m.epochs === 1 ? '' : 's'})` : '';
      const value = m.value === null ? '' : ` ${this.options.metric}=${formatNumber(m.value)}`;
      const why = m.state === 'FAIL' && m.failReason ? ` (${m.failReason})` : '';
      const label = scheduled ? `best at ${this.options.fullEpochs} epochs` : 'best';
      const best = this.best === null ? '' : ` | ${label} #${this.best.number} ${formatNumber(this.best.value)}`;
      this.line(`trial ${m.number} ${m.state}${value}${at}${why}${best}`);
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
