import { RunDisplay } from '../../src/cli/run/run-display';

describe('RunDisplay', () => {
  function display(fullEpochs: number | null): { lines: () => string[]; d: RunDisplay } {
    let err = '';
    const d = new RunDisplay(
      { stdout: () => undefined, stderr: (t) => (err += t) },
      { quiet: false, tty: false, total: null, timeout: null, maximize: true, metric: 'val_acc', fullEpochs },
    );
    return { d, lines: () => err.trim().split('\n') };
  }
  const end = (number: number, value: number, epochs?: number) =>
    ({ type: 'trial-end', number, state: 'COMPLETE', value, failReason: null, ...(epochs ? { epochs } : {}) }) as const;

  it('in a scheduled run, counts only fully trained trials as the best and marks partial scores', () => {
    const { d, lines } = display(9);
    d.handle(end(0, 0.6, 1));
    d.handle(end(1, 0.5, 9));
    d.handle(end(2, 0.9, 3)); // a partial score above the best full one: not the best
    expect(lines()).toEqual([
      'trial 0 COMPLETE val_acc=0.6 after 1 epochs',
      'trial 1 COMPLETE val_acc=0.5 | best #1 0.5',
      'trial 2 COMPLETE val_acc=0.9 after 3 epochs | best #1 0.5',
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
});
