"""Fixtures for test/samplers/tpe/parity-current.test.ts: current Optuna's TPE suggestions given its
own uniform draws, recorded once and committed as JSON (the test runs without Python).

Usage (see ../shared/optuna-current.md for the checkout):
  OPTUNA_COMMIT=$(git --git-dir=MIRROR rev-parse HEAD) PYTHONPATH=/tmp/optuna-current /usr/bin/python3 benchmarks/samplers/tpe_parity_current.py \
      test/samplers/tpe/fixtures/parity-current.json

Each scenario: a history of trials (fixed parameters and values, some left RUNNING), then one more
trial that TPE samples. Every uniform the sampler draws for it is recorded in order, with the
parameters it suggests; our sampler, fed the same uniforms, must suggest the same.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import optuna

# The test functions are the sampler benchmark's, defined once there.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optuna_anchor import branin, hartmann6  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


class RecordingRandomState:
    """Stands in for TPE's RandomState: numpy's algorithms, every uniform kept."""

    def __init__(self, seed):
        self.base = np.random.RandomState(seed)
        self.uniforms = []

    def _u(self, size):
        u = self.base.random_sample(size)
        self.uniforms.extend(np.ravel(u).tolist())
        return u

    def choice(self, a, size=None, p=None):
        cdf = np.cumsum(p)
        cdf /= cdf[-1]
        return cdf.searchsorted(self._u(size), side="right")

    def rand(self, *shape):
        return self._u(shape)

    def uniform(self, low=0.0, high=1.0, size=None):
        assert low == 0 and high == 1
        return self._u(size)


SPACES = {
    "branin": {
        "x1": optuna.distributions.FloatDistribution(-5, 10),
        "x2": optuna.distributions.FloatDistribution(0, 15),
    },
    "mixed": {
        "lr": optuna.distributions.FloatDistribution(1e-5, 1, log=True),
        "units": optuna.distributions.IntDistribution(8, 512, log=True),
        "layers": optuna.distributions.IntDistribution(1, 6),
        "dropout": optuna.distributions.FloatDistribution(0, 0.5, step=0.05),
        "act": optuna.distributions.CategoricalDistribution(["relu", "tanh", "gelu"]),
        "x": optuna.distributions.FloatDistribution(-3, 3),
    },
    "h6": {f"x{i}": optuna.distributions.FloatDistribution(0, 1) for i in range(6)},
}

def objective(space, p):
    if space == "branin":
        return branin({"x0": p["x1"], "x1": p["x2"]})
    if space == "h6":
        return hartmann6(p)
    return (
        abs(math.log10(p["lr"]) + 2.5)
        + abs(p["units"] - 100) / 100
        + (p["layers"] - 3) ** 2 / 4
        + abs(p["dropout"] - 0.2)
        + (0 if p["act"] == "gelu" else 0.7)
        + p["x"] ** 2 / 3
    )


def history(space, n, n_running, seed):
    rng = np.random.RandomState(seed)
    trials = []
    for i in range(n + n_running):
        p = {}
        for name, d in SPACES[space].items():
            if isinstance(d, optuna.distributions.CategoricalDistribution):
                p[name] = d.choices[rng.randint(len(d.choices))]
            elif isinstance(d, optuna.distributions.IntDistribution):
                if d.log:
                    p[name] = int(round(math.exp(rng.uniform(math.log(d.low), math.log(d.high)))))
                else:
                    p[name] = int(rng.randint(d.low, d.high + 1))
            elif d.step is not None:
                k = rng.randint(round((d.high - d.low) / d.step) + 1)
                p[name] = round(d.low + k * d.step, 10)
            elif d.log:
                p[name] = float(math.exp(rng.uniform(math.log(d.low), math.log(d.high))))
            else:
                p[name] = float(rng.uniform(d.low, d.high))
        running = i >= n
        trials.append({"params": p, "value": None if running else objective(space, p)})
    return trials


def tpe_history(space, n, seed):
    """The trials of Optuna's own TPE after n trials: clustered, as late TPE histories are."""
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(lambda t: objective(space, {k: t._suggest(k, d) for k, d in SPACES[space].items()}), n_trials=n)
    return [{"params": t.params, "value": t.value} for t in study.trials]


def run(scenario):
    space = SPACES[scenario["space"]]
    sampler = optuna.samplers.TPESampler(seed=0, multivariate=scenario["multivariate"])
    study = optuna.create_study(sampler=sampler)
    for t in scenario["trials"]:
        study.enqueue_trial(t["params"])
        trial = study.ask()
        for name, d in space.items():
            trial._suggest(name, d)
        if t["value"] is not None:
            study.tell(trial, t["value"])
    recorder = RecordingRandomState(scenario["seed"])
    sampler._rng._rng = recorder
    trial = study.ask()
    params = {name: trial._suggest(name, d) for name, d in space.items()}
    return {**scenario, "uniforms": recorder.uniforms, "expected": params}


def main(out):
    scenarios = []
    # Below 25 trials the weights are flat and gamma small; 11 is the first TPE step after the 10
    # random ones. Small mixed histories are left out: with repeated values numpy's argsort (not
    # stable past 16 items, SIMD sorts on some CPUs) decides which duplicate gets which width.
    cases = [("branin", 11, 0), ("branin", 15, 0), ("mixed", 12, 0), ("branin", 24, 1)]
    cases += [("branin", 30, 0), ("mixed", 40, 0), ("mixed", 60, 3), ("branin", 80, 2)]
    for space, n, n_running in cases:
        for multivariate in [False, True]:
            for seed in [1, 2]:
                scenarios.append(
                    {
                        "name": f"{space}-{n}{'-running' + str(n_running) if n_running else ''}"
                        f"-{'multivariate' if multivariate else 'univariate'}-seed{seed}",
                        "space": space,
                        "multivariate": multivariate,
                        "seed": seed,
                        "trials": history(space, n, n_running, seed + 100 * n),
                    }
                )
    # Histories Optuna's TPE made (continuous spaces: repeated grid values would meet numpy's
    # argsort tie order, see above), for the late, clustered phase random histories miss.
    for space, n in [("h6", 40), ("h6", 99), ("branin", 99)]:
        for seed in [1, 2]:
            scenarios.append(
                {
                    "name": f"{space}-tpe-history-{n}-multivariate-seed{seed}",
                    "space": space,
                    "multivariate": True,
                    "seed": seed,
                    "trials": tpe_history(space, n, seed),
                }
            )
    # The checkout of ../shared/optuna-current.sh has no .git: name the mirror's commit in OPTUNA_COMMIT.
    commit = os.environ.get("OPTUNA_COMMIT") or subprocess.run(
        ["git", "-C", optuna.__path__[0] + "/..", "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    doc = {
        "optuna": optuna.__version__,
        "optuna_commit": commit or "unknown (not a git checkout)",
        "made_by": "benchmarks/samplers/tpe_parity_current.py",
        "scenarios": [run(s) for s in scenarios],
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
