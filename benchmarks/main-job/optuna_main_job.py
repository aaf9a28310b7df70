"""The main-job benchmark's other side: the same job in Optuna + PyTorch, as a user would write it
(run by benchmarks/main-job/run-theirs.ts with /usr/bin/python3, never by tests). One thread per
process; several processes share one Optuna journal file, each running its share of the trials.

    /usr/bin/python3 optuna_main_job.py --job job.json --data data.bin --storage journal.log \
        --trials 8 --out trials-0.jsonl --process 0

job.json (written by run-theirs.ts from the config our side runs): {"study", "seed", "epochs",
"space": [{name, kind: float|int|categorical, low, high, log, choices}], "pruner": {"n_startup_trials",
"n_warmup_steps"}, "monitor": "val_acc"}. data.bin: our generator's bytes (export-data.ts). The
model is models/cnn.ts's PyTorch twin, ZooCnn in ../training/torch_anchor.py. Writes one JSON line
per trial to --out: {number, state, value, params, start, end, epochs: [{epoch, seconds, val_acc}]},
times as Unix seconds.
"""

import argparse
import copy
import json
import os
import struct
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
import torch_anchor  # noqa: E402  (sets one thread for OMP/OpenBLAS/MKL before torch loads)
import numpy as np  # noqa: E402
import optuna  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

MAGIC = b"TFTDATA1"


def read_data(path):
    """export-data.ts's layout: magic, uint32 LE header length, JSON header, then x and y per part."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:8] != MAGIC:
        raise ValueError(f"{path}: not a TFTDATA1 file")
    (length,) = struct.unpack("<I", raw[8:12])
    header = json.loads(raw[12 : 12 + length].decode("utf-8"))
    at = 12 + length
    parts = {}
    for p in header["parts"]:
        x = np.frombuffer(raw, dtype="<f4", count=p["xBytes"] // 4, offset=at).reshape(p["xShape"])
        at += p["xBytes"]
        y = np.frombuffer(raw, dtype="<i4", count=p["yBytes"] // 4, offset=at)
        at += p["yBytes"]
        # NHWC (tfjs) → NCHW (torch); the values themselves are untouched.
        parts[p["name"]] = (torch.from_numpy(x.copy()).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y.astype(np.int64)), p["numClasses"])
    return parts


def suggest(trial, space):
    params = {}
    for e in space:
        if e["kind"] == "float":
            params[e["name"]] = trial.suggest_float(e["name"], e["low"], e["high"], log=e["log"])
        elif e["kind"] == "int":
            params[e["name"]] = trial.suggest_int(e["name"], e["low"], e["high"], log=e["log"])
        else:
            params[e["name"]] = trial.suggest_categorical(e["name"], e["choices"])
    return params


def make_optimizer(name, parameters, lr):
    # tfjs's defaults: epsilon 1e-7; RMSprop's decay 0.9.
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, eps=1e-7)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr, alpha=0.9, eps=1e-7)
    return torch.optim.SGD(parameters, lr=lr, momentum=0.9)


def accuracy(model, x, y, batch):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i : i + batch]).argmax(dim=1) == y[i : i + batch]).sum().item()
    return correct / len(x)


def make_objective(job, data, out):
    (xt, yt, classes), (xv, yv, _) = data["train"], data["val"]

    def objective(trial):
        start = time.time()
        record = {"number": trial.number, "start": start, "epochs": []}
        try:
            params = suggest(trial, job["space"])
            record["params"] = params
            torch.manual_seed(job["seed"] * 1000 + trial.number)  # as ours: from the seed and the number
            model = torch_anchor.ZooCnn(params, xt.shape[1], classes)
            opt = make_optimizer(params["optimizer"], model.parameters(), params["learning_rate"])
            batch = params["batch_size"]
            order = torch.Generator().manual_seed(job["seed"] * 1000 + trial.number)
            best, best_state = None, None
            for epoch in range(job["epochs"]):
                t0 = time.perf_counter()
                model.train()
                perm = torch.randperm(len(xt), generator=order)
                for i in range(0, len(xt), batch):
                    idx = perm[i : i + batch]
                    torch_anchor.train_step(model, opt, xt[idx], yt[idx])
                val_acc = accuracy(model, xv, yv, batch)
                record["epochs"].append({"epoch": epoch, "seconds": time.perf_counter() - t0, "val_acc": val_acc})
                if best is None or val_acc > best:
                    # The best epoch's weights kept in memory, as our side's trials keep theirs.
                    best, best_state = val_acc, copy.deepcopy(model.state_dict())
                trial.report(val_acc, epoch)
                if trial.should_prune():
                    record.update(state="PRUNED", value=None)
                    raise optuna.TrialPruned()
            del best_state
            record.update(state="COMPLETE", value=best)
            return best
        except optuna.TrialPruned:
            raise
        except Exception as exc:  # recorded, then Optuna marks the trial FAIL
            record.update(state="FAIL", value=None, error=str(exc))
            raise
        finally:
            record["end"] = time.time()
            out.write(json.dumps(record) + "\n")
            out.flush()

    return objective


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--job", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--process", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with open(args.job, encoding="utf-8") as f:
        job = json.load(f)
    data = read_data(args.data)
    storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(args.storage))
    pruner = optuna.pruners.MedianPruner(
        n_startup_trials=job["pruner"]["n_startup_trials"], n_warmup_steps=job["pruner"]["n_warmup_steps"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # multivariate / constant_liar are "experimental" in 3.1
        # Each process its own seed: two samplers with one seed would draw the same startup trials.
        seed = job["seed"] + 1000 * args.process
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
    study = optuna.create_study(
        study_name=job["study"], storage=storage, direction="maximize", sampler=sampler, pruner=pruner, load_if_exists=True
    )
    with open(args.out, "a", encoding="utf-8") as out:
        study.optimize(make_objective(job, data, out), n_trials=args.trials, catch=(Exception,))


if __name__ == "__main__":
    main()
