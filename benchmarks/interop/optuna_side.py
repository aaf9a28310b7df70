"""Optuna's side of benchmarks/interop/optuna-interop.ts (run with Debian's /usr/bin/python3).

  optuna_side.py dump JOURNAL OUT.json   load every study of an Optuna journal, write what Optuna sees
  optuna_side.py write JOURNAL OUT.json  run two small studies with Optuna into a new journal, then dump
"""
import json
import math
import sys

import optuna
from optuna.storages import JournalFileStorage, JournalStorage

optuna.logging.set_verbosity(optuna.logging.ERROR)


def storage(path):
    return JournalStorage(JournalFileStorage(path))


def dump(path, out):
    st = storage(path)
    studies = []
    for summary in optuna.get_all_study_summaries(st):
        study = optuna.load_study(study_name=summary.study_name, storage=st)
        entry = {
            "name": study.study_name,
            "directions": [d.name.lower() for d in study.directions],
            "user_attrs": study.user_attrs,
            "trials": [
                {
                    "number": t.number,
                    "state": t.state.name,
                    "params": t.params,
                    "values": t.values,
                    "intermediate": sorted([int(k), v] for k, v in t.intermediate_values.items()),
                    "user_attrs": t.user_attrs,
                }
                for t in study.get_trials(deepcopy=False)
            ],
        }
        if len(study.directions) == 1:
            try:
                entry["best_value"] = study.best_value
            except ValueError:
                entry["best_value"] = None
        else:
            entry["best_trials"] = sorted(t.number for t in study.best_trials)
        studies.append(entry)
    with open(out, "w") as f:
        json.dump({"optuna": optuna.__version__, "studies": studies}, f)


def write(path, out):
    st = storage(path)
    study = optuna.create_study(
        study_name="optuna-pruned",
        storage=st,
        direction="minimize",
        sampler=optuna.samplers.RandomSampler(seed=1),
        pruner=optuna.pruners.HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3),
    )
    study.set_user_attr("written_by", "optuna")

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        units = trial.suggest_int("units", 8, 64, step=8)
        act = trial.suggest_categorical("act", ["relu", "tanh", None])
        drop = trial.suggest_float("drop", 0.0, 0.5, step=0.1)
        if trial.number == 3:
            raise RuntimeError("diverged")
        floor = abs(math.log10(lr) + 2) + (units - 40) ** 2 / 800 + (0 if act == "relu" else 0.3) + drop
        loss = floor
        for step in range(9):
            loss = floor + 2 / (step + 1)
            trial.report(loss if step != 1 else float("inf"), step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        trial.set_user_attr("note", {"epochs": 9, "tag": "<b>x</b>"})
        return loss

    study.optimize(objective, n_trials=25, catch=(RuntimeError,))
    study.enqueue_trial({"lr": 0.01})

    mo = optuna.create_study(
        study_name="optuna-mo",
        storage=st,
        directions=["minimize", "maximize"],
        sampler=optuna.samplers.NSGAIISampler(seed=2, population_size=6),
    )
    mo.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_int("b", 1, 4) * 1.0), n_trials=12)
    dump(path, out)


if __name__ == "__main__":
    {"dump": dump, "write": write}[sys.argv[1]](sys.argv[2], sys.argv[3])
