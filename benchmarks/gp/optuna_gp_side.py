"""Current Optuna's GPSampler for the GP side-by-side benchmark (run by gp-side-by-side.ts with
/usr/bin/python3 and PYTHONPATH at a current checkout, ../shared/optuna-current.md; never by tests).

Reads {"problems": [{"name": "hartmann-6d"} | {"name": "dtlz2", "n_vars": 6}], "seeds": [...], "trials": 100}
on stdin and writes {"version": ..., "runs": {problem: [[value or values per trial] per seed]}}.
The test functions are the sampler and multi-objective anchors' (matched by name).
"""

import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "samplers"))
sys.path.insert(0, os.path.join(HERE, "..", "multi-objective"))

import optuna  # noqa: E402
import optuna_anchor  # noqa: E402
import optuna_mo_anchor  # noqa: E402

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def run(problem, seed, trials):
    name = problem["name"]
    sampler = optuna.samplers.GPSampler(seed=seed)
    if name in optuna_mo_anchor.FUNCTIONS:
        fn = optuna_mo_anchor.FUNCTIONS[name]
        n = problem["n_vars"]
        m = len(fn([0.5] * n))
        study = optuna.create_study(directions=["minimize"] * m, sampler=sampler)
        study.optimize(lambda t: fn([t.suggest_float(f"x{i}", 0, 1) for i in range(n)]), n_trials=trials)
        return [t.values for t in study.trials]
    study = optuna.create_study(sampler=sampler)
    study.optimize(optuna_anchor.objective_of(problem), n_trials=trials)
    return [t.value for t in study.trials]


def main():
    req = json.load(sys.stdin)
    runs = {p["name"]: [run(p, s, req["trials"]) for s in req["seeds"]] for p in req["problems"]}
    json.dump({"version": optuna.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
