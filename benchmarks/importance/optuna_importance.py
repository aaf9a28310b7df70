"""Optuna's side of `npm run bench -- importance`: reads problems (distributions and trials) as JSON
on stdin, prints each evaluator's importances and seconds per call as JSON. Run with Debian's Optuna
3.1 (fANOVA, MDI) and, with PYTHONPATH at a current checkout, current Optuna (PED-ANOVA as well)."""

import json
import sys
import time

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

optuna.logging.set_verbosity(optuna.logging.WARNING)


def dist(d):
    if d["type"] == "categorical":
        return CategoricalDistribution(d["choices"])
    if d["type"] == "int":
        return IntDistribution(d["low"], d["high"], log=d["log"], step=d["step"])
    return FloatDistribution(d["low"], d["high"], log=d["log"], step=d["step"])


def main():
    problems = json.load(sys.stdin)
    imp = optuna.importance
    evaluators = {"fanova": lambda: imp.FanovaImportanceEvaluator(seed=0), "mdi": lambda: imp.MeanDecreaseImpurityImportanceEvaluator(seed=0)}
    if hasattr(imp, "PedAnovaImportanceEvaluator"):
        evaluators["pedanova"] = imp.PedAnovaImportanceEvaluator
    out = {"version": optuna.__version__, "problems": {}}
    for name, p in problems.items():
        dists = {k: dist(d) for k, d in p["distributions"].items()}
        study = optuna.create_study()
        for t in p["trials"]:
            study.add_trial(optuna.trial.create_trial(params=t["params"], distributions=dists, value=t["value"]))
        res = {}
        for key, make in evaluators.items():
            t0 = time.perf_counter()
            values = imp.get_param_importances(study, evaluator=make())
            res[key] = {"importances": dict(values), "seconds": time.perf_counter() - t0}
        out["problems"][name] = res
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
