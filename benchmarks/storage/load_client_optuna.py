"""One client process of the storage-load benchmark (Optuna side): the same loop as load-client.ts
(ask + 3 suggests + tell, RandomSampler) on Optuna's RDBStorage over psycopg2.
Args: storage URL (postgresql+psycopg2://...), study name, seed, seconds."""
import json
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
url, study_name, seed, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
study = optuna.load_study(study_name=study_name, storage=url, sampler=optuna.samplers.RandomSampler(seed=seed))
print("ready", flush=True)
sys.stdin.readline()
end = time.time() + seconds
ask_ms, trials, errors, deadlocks = [], 0, 0, 0
while time.time() < end:
    try:
        t0 = time.perf_counter()
        trial = study.ask()
        ask_ms.append((time.perf_counter() - t0) * 1000)
        x = trial.suggest_float("x", -10, 10)
        y = trial.suggest_float("y", -10, 10)
        z = trial.suggest_int("z", 0, 10)
        study.tell(trial, x * x + y * y + z)
        trials += 1
    except Exception as e:  # counted, as the tfjs-tune client counts its errors
        errors += 1
        if "deadlock" in str(e).lower():
            deadlocks += 1
        if errors <= 3:
            print(f"client error: {e}", file=sys.stderr)
print(json.dumps({"trials": trials, "errors": errors, "askMs": ask_ms, "retries": 0, "deadlocks": deadlocks}), flush=True)
