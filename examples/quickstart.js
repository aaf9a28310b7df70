// A complete small study on the embedded SQLite default. Run after `npm ci`:
//   node examples/quickstart.js
// Run it again to add trials to the same study.
const tune = require('..');

async function main() {
  const study = await tune.createStudy({
    studyName: 'quickstart',
    storage: 'sqlite:./tfjs-tune.db',
    direction: 'minimize',
    seed: 42,
    loadIfExists: true,
    pruner: new tune.pruners.MedianPruner({ nStartupTrials: 5 }),
  });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat('x', -10, 10);
      const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
      const act = trial.suggestCategorical('activation', ['relu', 'tanh']);
      return (x - 2) ** 2 + Math.abs(Math.log10(lr) + 2) + (act === 'relu' ? 0 : 0.5);
    },
    { nTrials: 30, showProgressBar: true },
  );
  console.log(`best trial #${study.bestTrial.number}: value ${study.bestValue.toFixed(4)}`);
  console.log('best params:', study.bestParams);
  console.log(`${study.trials.length} trials stored in ./tfjs-tune.db (study "quickstart")`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
