"""Optuna anchor for the multi-objective benchmark (run by run-multi-objective.ts with /usr/bin/python3,
with PYTHONPATH pointing at a checkout for current Optuna; never by tests).

Reads a JSON request on stdin:
  {"problems": [{"name": "zdt1", "n_vars": 5}], "seeds": [0, 1], "samplers": {"nsgaii": 1000, "tpe": 300}}
and writes JSON on stdout:
  {"version": "...", "runs": {problem: {sampler: [{"values": [[f...] per trial], "ms": [sampler ms per trial]} per seed]}}}
Hypervolumes are computed on the TypeScript side, with the same code for every sampler.
The test functions mirror benchmarks/multi-objective/problems.ts (matched by name).
"""

import json
import math
import sys
import time
import warnings

import optuna
from optuna.samplers import BaseSampler

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def zdt_g(x):
    return 1 + 9 * sum(x[1:]) / (len(x) - 1)


def zdt1(x):
    g = zdt_g(x)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


def zdt2(x):
    g = zdt_g(x)
    return [x[0], g * (1 - (x[0] / g) ** 2)]


def zdt3(x):
    g = zdt_g(x)
    return [x[0], g * (1 - math.sqrt(x[0] / g) - (x[0] / g) * math.sin(10 * math.pi * x[0]))]


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a = x[0] * math.pi / 2
    b = x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)]


FUNCTIONS = {"zdt1": zdt1, "zdt2": zdt2, "zdt3": zdt3, "dtlz2": dtlz2}


class TimedSampler(BaseSampler):
    """Forwards to a sampler and adds up the time spent in it, per trial number."""

    def __init__(self, inner):
        self.inner = inner
        self.per_trial = {}

    def _timed(self, trial, fn, *args):
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.per_trial[trial.number] = self.per_trial.get(trial.number, 0.0) + time.perf_counter() - t0

    def infer_relative_search_space(self, study, trial):
        return self._timed(trial, self.inner.infer_relative_search_space, study, trial)

    def sample_relative(self, study, trial, search_space):
        return self._timed(trial, self.inner.sample_relative, study, trial, search_space)

    def sample_independent(self, study, trial, name, dist):
        return self._timed(trial, self.inner.sample_independent, study, trial, name, dist)

    def before_trial(self, study, trial):
        return self._timed(trial, self.inner.before_trial, study, trial)

    def after_trial(self, study, trial, state, values):
        return self._timed(trial, self.inner.after_trial, study, trial, state, values)

    def reseed_rng(self):
        self.inner.reseed_rng()


def make_sampler(name, seed):
    if name == "nsgaii":
        return optuna.samplers.NSGAIISampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "gp":
        return optuna.samplers.GPSampler(seed=seed)
    raise ValueError(f"unknown sampler {name}")


def main():
    req = json.load(sys.stdin)
    result = {"version": optuna.__version__, "runs": {}}
    for problem in req["problems"]:
        fn = FUNCTIONS[problem["name"]]
        n = problem["n_vars"]
        m = len(fn([0.5] * n))
        per_sampler = {}
        for name, budget in req["samplers"].items():
            runs = []
            for seed in req["seeds"]:
                sampler = TimedSampler(make_sampler(name, seed))
                study = optuna.create_study(directions=["minimize"] * m, sampler=sampler)
                study.optimize(lambda t: fn([t.suggest_float(f"x{i}", 0, 1) for i in range(n)]), n_trials=budget)
                runs.append(
                    {
                        "values": [t.values for t in study.trials],
                        "ms": [1000 * sampler.per_trial.get(t.number, 0.0) for t in study.trials],
                    }
                )
            per_sampler[name] = runs
        result["runs"][problem["name"]] = per_sampler
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
