"""Optuna anchor for the sampler benchmark (run by run-samplers.ts with /usr/bin/python3, never by tests).

Reads a JSON request on stdin:
  {"problems": [{"name": ..., "space": [ParamSpec...]}], "seeds": [...], "budget": 100,
   "samplers": ["tpe", "tpe-fixed", "cmaes", "random"], "timed_samplers": ["tpe", "cmaes", "random"],
   "timing": {"problem": "mixed-6d", "checkpoints": [100, 300, 1000]},
   "sampler_seeds": {"gp": [0, 1]}, "timing_limits": {"gp": 300}}
("sampler_seeds" and "timing_limits" optional: fewer seeds, or fewer timed trials, for a slow sampler)
and writes JSON on stdout:
  {"version": "...", "best": {problem: {sampler: [[best-so-far after each trial] per seed]}},
   "timing": {sampler: {"100": ms_per_trial, ...}}}
The test functions mirror benchmarks/samplers/problems.ts (matched by name). Runs under Debian's
Optuna 3.1 or, with PYTHONPATH at a current checkout (../shared/optuna-current.md), under current
Optuna, whose "gp" is its GPSampler (needs python3-torch).
"""

import json
import math
import sys
import time
import warnings

import numpy as np
import optuna
from optuna.samplers import BaseSampler
import optuna.samplers._tpe._truncnorm as _truncnorm

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def _vec(p, n):
    return [p[f"x{i}"] for i in range(n)]


def branin(p):
    x1, x2 = _vec(p, 2)
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


H6_ALPHA = [1.0, 1.2, 3.0, 3.2]
H6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
H6_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


def hartmann6(p):
    x = _vec(p, 6)
    total = 0.0
    for i in range(4):
        inner = sum(H6_A[i][j] * (x[j] - H6_P[i][j] * 1e-4) ** 2 for j in range(6))
        total += H6_ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock(p):
    x = _vec(p, 10)
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(9))


def ackley(p):
    x = _vec(p, 5)
    sq = sum(v * v for v in x) / 5
    cs = sum(math.cos(2 * math.pi * v) for v in x) / 5
    return -20 * math.exp(-0.2 * math.sqrt(sq)) - math.exp(cs) + 20 + math.e


def styblinski_tang(p):
    return sum((v**4 - 16 * v * v + 5 * v) / 2 for v in _vec(p, 8))


ACTIVATION_PENALTY = {"relu": 0.3, "tanh": 0.6, "gelu": 0.0, "sigmoid": 1.0}


def mixed(p):
    opt = p["optimizer"]
    best_lr = -1.5 if opt == "sgd" else -2.5
    opt_penalty = 0.0 if opt == "adam" else (0.2 if opt == "sgd" else 0.1)
    return (
        (math.log10(p["lr"]) - best_lr) ** 2
        + math.log2(p["units"] / 96) ** 2
        + (p["layers"] - 3) ** 2 / 4
        + 10 * (p["dropout"] - 0.2) ** 2
        + ACTIVATION_PENALTY[p["activation"]]
        + opt_penalty
    )


FUNCTIONS = {
    "branin-2d": branin,
    "hartmann-6d": hartmann6,
    "rosenbrock-10d": rosenbrock,
    "ackley-5d": ackley,
    "styblinski-tang-8d": styblinski_tang,
    "mixed-6d": mixed,
}


def objective_of(problem):
    fn = FUNCTIONS[problem["name"]]

    def objective(trial):
        params = {}
        for s in problem["space"]:
            if s["type"] == "categorical":
                params[s["name"]] = trial.suggest_categorical(s["name"], s["choices"])
            elif s["type"] == "float":
                params[s["name"]] = trial.suggest_float(
                    s["name"], s["low"], s["high"], log=s.get("log", False), step=s.get("step")
                )
            else:
                params[s["name"]] = trial.suggest_int(
                    s["name"], s["low"], s["high"], log=s.get("log", False), step=s.get("step", 1)
                )
        return fn(params)

    return objective


_LOGPDF = _truncnorm.logpdf


def _logpdf_fixed(x, a, b, loc=0, scale=1):
    return _LOGPDF(x, a, b, loc, scale) - np.log(scale)


def patch_truncnorm(name):
    """Optuna < 3.5 left -log(scale) out of the truncated normal's log pdf (optuna#5109, fixed by
    optuna#5110); the "tpe-fixed" variant puts it back, as current Optuna has it."""
    _truncnorm.logpdf = _logpdf_fixed if name == "tpe-fixed" else _LOGPDF


def make_sampler(name, seed):
    patch_truncnorm(name)
    if name in ("tpe", "tpe-fixed"):
        return optuna.samplers.TPESampler(seed=seed)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "gp":
        return optuna.samplers.GPSampler(seed=seed)
    raise ValueError(f"unknown sampler {name}")


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


def best_so_far(study):
    out, best = [], math.inf
    for t in study.trials:
        if t.value is not None and t.state == optuna.trial.TrialState.COMPLETE:
            best = min(best, t.value)
        out.append(best)
    return out


def main():
    req = json.load(sys.stdin)
    result = {"version": optuna.__version__, "best": {}, "timing": {}}
    for problem in req["problems"]:
        per_sampler = {}
        for name in req["samplers"]:
            runs = []
            for seed in req.get("sampler_seeds", {}).get(name, req["seeds"]):
                study = optuna.create_study(sampler=make_sampler(name, seed))
                study.optimize(objective_of(problem), n_trials=req["budget"])
                runs.append(best_so_far(study))
            per_sampler[name] = runs
            print(f"optuna {optuna.__version__}: {problem['name']} {name} done", file=sys.stderr, flush=True)
        result["best"][problem["name"]] = per_sampler
    timing = req.get("timing")
    if timing:
        problem = next(p for p in req["problems"] if p["name"] == timing["problem"])
        for name in req.get("timed_samplers", req["samplers"]):
            limit = req.get("timing_limits", {}).get(name, math.inf)
            checkpoints = [c for c in timing["checkpoints"] if c <= limit]
            sampler = TimedSampler(make_sampler(name, 0))
            study = optuna.create_study(sampler=sampler)
            study.optimize(objective_of(problem), n_trials=max(checkpoints))
            result["timing"][name] = {
                str(c): 1000 * sum(sampler.per_trial.get(n, 0.0) for n in range(c - 20, c)) / 20 for c in checkpoints
            }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
