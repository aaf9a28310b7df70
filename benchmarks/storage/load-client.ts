/**
 * One client process of the storage-load benchmark (tfjs-tune side). Args: storage URL, study name,
 * seed, seconds. Loads the study, prints `ready`, waits for `go` on stdin, then runs ask + 3
 * suggests + tell on a cheap objective for that many seconds and prints one JSON line: trials,
 * errors, ask latencies (ms), and the retries and deadlocks its storage saw.
 */
import { RandomSampler } from '../../src/samplers/random';
import { PostgresStorage } from '../../src/storage/postgres';
import { loadStudy } from '../../src/study/create-study';
import { silentLogger } from '../../src/util/logger';

async function main(): Promise<void> {
  const [url, studyName, seedText, secondsText] = process.argv.slice(2);
  const storage = new PostgresStorage(url as string);
  const study = await loadStudy({
    studyName: studyName as string,
    storage,
    sampler: new RandomSampler({ seed: Number(seedText) }),
    logger: silentLogger,
    heartbeatInterval: 0, // as Optuna's RDBStorage by default: no heartbeat
  });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const end = Date.now() + Number(secondsText) * 1000;
  const askMs: number[] = [];
  let trials = 0;
  let errors = 0;
  while (Date.now() < end) {
    try {
      const t0 = performance.now();
      const trial = await study.ask();
      askMs.push(performance.now() - t0);
      const x = trial.suggestFloat('x', -10, 10);
      const y = trial.suggestFloat('y', -10, 10);
      const z = trial.suggestInt('z', 0, 10);
      await study.tell(trial, x * x + y * y + z);
      trials++;
    } catch (e) {
      errors++;
      if (errors <= 3) process.stderr.write(`client error: ${String(e)}\n`);
    }
  }
  await storage.close();
  process.stdout.write(`${JSON.stringify({ trials, errors, askMs, ...storage.counters })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`client failed: ${String(e)}\n`);
  process.exitCode = 1;
});
