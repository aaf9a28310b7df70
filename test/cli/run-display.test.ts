import { RunDisplay } from '../../src/cli/run/run-display';

describe('RunDisplay', () => {
  function display(
    fullEpochs: number | null,
    initialBest?: { number: number; value: number },
  ): { lines: () => string[]; d: RunDisplay } {
    let err = '';
    const d = new RunDisplay(
      { stdout: () => undefined, stderr: (t) => (err += t) },
      {
        quiet: false,
        tty: false,
        total: null,
        timeout: null,
        maximize: true,
        metric: 'val_acc',
        fullEpochs,
        ...(initialBest ? { initialBest } : {}),
      },
    );
    return { d, lines: () => err.trim().split('\n') };
  }
  const end = (number: number, value: number, epochs?: number) =>
    ({ type: 'trial-end', number, state: 'COMPLETE', value, failReason: null, ...(epochs ? { epochs } : {}) }) as const;

  it('in a scheduled run, every line says its epochs and "best" counts only fully trained trials', () => {
    const { d, lines } = display(9);
    d.handle(end(0, 0.6, 1));
    d.handle(end(1, 0.5, 9));
    d.handle(end(2, 0.9, 3)); // a partial score above the best full one: not the best
    expect(lines()).toEqual([
      'trial 0 COMPLETE val_acc=0.6 (1 epoch)',
      'trial 1 COMPLETE val_acc=0.5 (9 epochs) | best at 9 epochs #1 0.5',
      'trial 2 COMPLETE val_acc=0.9 (3 epochs) | best at 9 epochs #1 0.5',
    ]);
  });

  it('in an ordinary run, every completed trial counts', () => {
    const { d, lines } = display(null);
    d.handle(end(0, 0.6));
    d.handle(end(1, 0.7));
    expect(lines()).toEqual([
      'trial 0 COMPLETE val_acc=0.6 | best #0 0.6',
      'trial 1 COMPLETE val_acc=0.7 | best #1 0.7',
    ]);
  });

  it('on --resume starts from the study-wide best, and prints the backend once for all workers', () => {
    const { d, lines } = display(null, { number: 4, value: 0.8 });
    d.handle({ type: 'backend', description: 'wasm 4.22.0, 1 thread' });
    d.handle({ type: 'backend', description: 'wasm 4.22.0, 1 thread' });
    d.handle(end(7, 0.7));
    d.handle(end(8, 0.85));
    expect(lines()).toEqual([
      'backend: wasm 4.22.0, 1 thread',
      'trial 7 COMPLETE val_acc=0.7 | best #4 0.8',
      'trial 8 COMPLETE val_acc=0.85 | best #8 0.85',
    ]);
  });
});
