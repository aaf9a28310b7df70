import type { Storage } from '../storage/base';

/**
 * Stamps a heartbeat on each trial this process is running, every `intervalMs`, so that another
 * process can tell a dead worker's RUNNING trial (no heartbeat within the grace period) from a
 * slow one. The timer is unref'd: it never keeps Node alive on its own.
 */
export class Heartbeat {
  private readonly running = new Set<number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(trialId: number): Promise<void> {
    if (this.intervalMs <= 0) return;
    this.running.add(trialId);
    await this.storage.recordHeartbeat(trialId);
    if (this.timer === null) {
      this.timer = setInterval(() => this.beat(), this.intervalMs);
      this.timer.unref();
    }
  }

  stop(trialId: number): void {
    this.running.delete(trialId);
    if (this.running.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private beat(): void {
    for (const id of this.running) this.storage.recordHeartbeat(id).catch(this.onError);
  }
}
