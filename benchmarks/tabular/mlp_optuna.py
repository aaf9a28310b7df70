"""scikit-learn's MLPClassifier tuned by Optuna on given train / validation / test CSV files.

The other side of `npm run bench -- tabular`: the same split (written by tabular.ts), the same number
of trials, TPE, the score on validation selects, then the best configuration is refitted on train +
validation (scikit-learn's refit) and scored once on test. Features are standardised inside the
pipeline (fitted on the rows it is trained on), as scikit-learn users do.

argv: train.csv val.csv test.csv trials max_iter seed; prints one JSON object.
"""
import json
import sys
import time
import warnings

import numpy as np
import optuna
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1].astype(int)


def model(params, max_iter, seed):
    layers = tuple(params[f"units_{i}"] for i in range(params["num_layers"]))
    mlp = MLPClassifier(
        hidden_layer_sizes=layers,
        activation=params["activation"],
        alpha=params["alpha"],
        learning_rate_init=params["learning_rate"],
        batch_size=params["batch_size"],
        max_iter=max_iter,
        random_state=seed,
    )
    return make_pipeline(StandardScaler(), mlp)


def main():
    train, val, test, trials, max_iter, seed = sys.argv[1:7]
    trials, max_iter, seed = int(trials), int(max_iter), int(seed)
    (xt, yt), (xv, yv), (xs, ys) = load(train), load(val), load(test)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    start = time.perf_counter()

    def objective(trial):
        params = {
            "learning_rate": trial.suggest_float("learning_rate", 1e-4, 3e-2, log=True),
            "batch_size": trial.suggest_categorical("batch_size", [16, 32, 64, 128]),
            "num_layers": trial.suggest_int("num_layers", 1, 3),
            "activation": trial.suggest_categorical("activation", ["relu", "tanh"]),
            "alpha": trial.suggest_float("alpha", 1e-6, 1e-2, log=True),
        }
        for i in range(params["num_layers"]):
            params[f"units_{i}"] = trial.suggest_int(f"units_{i}", 16, 256, log=True)
        return model(params, max_iter, seed).fit(xt, yt).score(xv, yv)

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=trials)
    best = study.best_trial
    params = dict(best.params)
    refit = model(params, max_iter, seed).fit(np.vstack([xt, xv]), np.concatenate([yt, yv]))
    wall = time.perf_counter() - start
    print(json.dumps({"val": best.value, "test_acc": refit.score(xs, ys), "wall_s": wall, "params": params, "versions": f"scikit-learn {sklearn.__version__}, Optuna {optuna.__version__}"}))


if __name__ == "__main__":
    main()
