"""PyTorch anchor for the training-throughput benchmark (run by throughput.ts with /usr/bin/python3,
never by tests). One thread, like wasm in Node: torch.set_num_threads(1), and OMP/OpenBLAS/MKL limited
to one thread before torch is imported.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 torch_anchor.py --model cnn --steps 10 --batch 32

Builds the same model as benchmarks/training/zoo-cases.ts (same layers, sizes and trainable parameter
count; printed so the two sides can be compared), trains `--warmup` untimed steps, then times
`--steps` Adam steps on one fixed random batch. Writes one JSON object on stdout:
  {"model": ..., "torch": version, "threads": 1, "params": n, "warmup": n, "steps": n, "batch": n,
   "ms_per_step": ms, "samples_per_sec": s}
or {"error": "..."} with exit status 2 when torch is missing.

Where tfjs and torch differ in ways that cost little: the tfjs LSTM gates use hard sigmoid (Keras 2
default) where torch uses sigmoid; tfjs applies softmax then cross-entropy where torch uses the fused
log-softmax loss. The tfjs L2 kernel regularisers (1e-5, mlp and cnn) are added to the loss here too.
"""

import argparse
import json
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

try:
    import torch
    from torch import nn
    import torch.nn.functional as F
except ImportError as exc:  # pragma: no cover - reported to the caller
    print(json.dumps({"error": f"torch not importable: {exc}"}))
    sys.exit(2)

L2 = 1e-5


class Mlp(nn.Module):
    """models/mlp.ts defaults on 64 features: 128 → 64 (relu, dropout 0.1, L2) → 2 softmax."""

    def __init__(self, features=64, classes=2):
        super().__init__()
        self.d0 = nn.Linear(features, 128)
        self.d1 = nn.Linear(128, 64)
        self.out = nn.Linear(64, classes)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        x = self.drop(F.relu(self.d0(x)))
        x = self.drop(F.relu(self.d1(x)))
        return self.out(x)

    def regularised(self):
        return [self.d0.weight, self.d1.weight]


CNN_DEFAULTS = {
    "filters": 16,
    "num_blocks": 2,
    "kernel_size": 3,
    "activation": "relu",
    "pooling": "max",
    "batch_norm": False,
    "dense_units": 64,
    "dropout": 0.1,
    "l2": L2,
}


class ZooCnn(nn.Module):
    """models/cnn.ts for any of its parameters: `num_blocks` × (conv k×k same (→ batch norm) →
    activation → pool 2), doubling the filters per block, global average pooling, dense
    `dense_units` with the activation, dropout, dense `classes`. Initialised as tfjs does (He normal
    convs and hidden dense, Glorot uniform output, zero biases); batch norm with Keras's momentum
    0.99 and epsilon 1e-3; the L2 penalty on the conv kernels. Also the main-job benchmark's model."""

    def __init__(self, params=None, in_channels=3, classes=10):
        super().__init__()
        p = {**CNN_DEFAULTS, **(params or {})}
        self.act = F.relu if p["activation"] == "relu" else F.elu
        self.pool = F.max_pool2d if p["pooling"] == "max" else F.avg_pool2d
        self.l2 = p["l2"]
        k = p["kernel_size"]
        convs, norms = [], []
        channels, filters = in_channels, p["filters"]
        for _ in range(p["num_blocks"]):
            convs.append(nn.Conv2d(channels, filters, k, padding=k // 2))
            if p["batch_norm"]:
                norms.append(nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01))
            channels, filters = filters, filters * 2
        self.convs = nn.ModuleList(convs)
        self.norms = nn.ModuleList(norms)
        self.dense = nn.Linear(channels, p["dense_units"])
        self.out = nn.Linear(p["dense_units"], classes)
        self.drop = nn.Dropout(p["dropout"])
        for layer in [*convs, self.dense]:
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
        nn.init.xavier_uniform_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if self.norms:
                x = self.norms[i](x)
            x = self.pool(self.act(x), 2)
        x = x.mean(dim=(2, 3))
        return self.out(self.drop(self.act(self.dense(x))))

    def regularised(self):
        return [c.weight for c in self.convs]


def Cnn(classes=10):
    """models/cnn.ts defaults: 2 × (conv 3×3 same, relu, L2 → max-pool 2) with 16, 32 filters,
    global average pooling, dense 64 relu, dropout 0.1, dense 10."""
    return ZooCnn(CNN_DEFAULTS, 3, classes)


class Lstm(nn.Module):
    """models/lstm.ts defaults: embedding(1000, 32), LSTM(32) with input dropout 0.1, dropout 0.1,
    dense 2. Keras has one bias per gate, torch two: bias_hh is zeroed and frozen so both train the
    same 8,320 LSTM parameters."""

    def __init__(self, vocab=1000, classes=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, 32)
        self.lstm = nn.LSTM(32, 32, batch_first=True)
        with torch.no_grad():
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)
        self.out = nn.Linear(32, classes)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        _, (h, _) = self.lstm(self.drop(self.emb(x)))
        return self.out(self.drop(h[-1]))

    def regularised(self):
        return []


def relu_conv_bn(c, dilation):
    """DARTS' ReLU → depthwise 3×3 (dilated) → pointwise 1×1 → batch norm, no conv biases."""
    return [
        nn.ReLU(),
        nn.Conv2d(c, c, 3, padding=dilation, dilation=dilation, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False),
        nn.BatchNorm2d(c),
    ]


class DartsEdge(nn.Module):
    """DARTS' dil_conv_3x3 (dilation 2) then sep_conv_3x3 (twice ReLU → dw 3×3 → pw 1×1 → BN) on
    32×32×C maps, global average pooling, dense 10."""

    def __init__(self, c=16, classes=10):
        super().__init__()
        self.body = nn.Sequential(*relu_conv_bn(c, 2), *relu_conv_bn(c, 1), *relu_conv_bn(c, 1))
        self.out = nn.Linear(c, classes)

    def forward(self, x):
        return self.out(self.body(x).mean(dim=(2, 3)))

    def regularised(self):
        return []


def make_case(name, batch):
    g = torch.Generator().manual_seed(0)
    if name == "mlp":
        return Mlp(), torch.randn(batch, 64, generator=g), torch.randint(0, 2, (batch,), generator=g), 1e-3
    if name == "cnn":
        x = torch.rand(batch, 3, 32, 32, generator=g)
        return Cnn(), x, torch.randint(0, 10, (batch,), generator=g), 2e-3
    if name in ("cnn-bn", "cnn-large"):
        x = torch.rand(batch, 3, 32, 32, generator=g)
        if name == "cnn-bn":
            params = {"batch_norm": True, "num_blocks": 3}
        else:
            params = {"filters": 32, "kernel_size": 5, "num_blocks": 3}
        return ZooCnn({**CNN_DEFAULTS, **params}), x, torch.randint(0, 10, (batch,), generator=g), 2e-3
    if name == "lstm":
        x = torch.randint(0, 1000, (batch, 50), generator=g)
        return Lstm(), x, torch.randint(0, 2, (batch,), generator=g), 5e-3
    if name == "darts":
        x = torch.randn(batch, 16, 32, 32, generator=g)
        return DartsEdge(), x, torch.randint(0, 10, (batch,), generator=g), 1e-3
    raise ValueError(f"unknown model {name!r}")


def train_step(model, opt, x, y):
    opt.zero_grad(set_to_none=True)
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    l2 = getattr(model, "l2", L2)
    for w in model.regularised():
        loss = loss + l2 * (w * w).sum()
    loss.backward()
    opt.step()
    # tfjs's trainOnBatch also returns the accuracy metric and reads the loss back.
    acc = (logits.argmax(dim=1) == y).float().mean()
    return loss.item(), acc.item()


TORCH_KINDS = [
    ("conv gradients (filter + input)", lambda k: "convolution_backward" in k),
    ("conv forward", lambda k: "conv" in k),
    ("batch norm (forward and gradient)", lambda k: "batch_norm" in k),
    ("pooling (forward and gradient)", lambda k: "pool" in k or k == "aten::mean"),
    ("dense", lambda k: k in ("aten::addmm", "aten::mm", "aten::linear", "aten::matmul")),
]


def profile_kinds(model, opt, x, y, steps, step_ms):
    """Self CPU time per step by layer kind (torch.profiler over `steps` steps), in ms; what no
    operator accounts for in the unprofiled step `step_ms` (Python, autograd's engine) is 'outside
    kernels' (0 when the profiler's own overhead makes the operators add up to more)."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            train_step(model, opt, x, y)
    kinds = {}
    total = 0.0
    for event in prof.key_averages():
        ms = event.self_cpu_time_total / 1000 / steps
        total += ms
        kind = next((name for name, test in TORCH_KINDS if test(event.key)), "other kernels")
        kinds[kind] = kinds.get(kind, 0.0) + ms
    kinds["outside kernels"] = max(0.0, step_ms - total)
    return kinds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=["mlp", "cnn", "cnn-bn", "cnn-large", "lstm", "darts"])
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--profile", action="store_true", help="also time each layer kind (torch.profiler)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model, x, y, lr = make_case(args.model, args.batch)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    for _ in range(max(1, args.warmup)):
        train_step(model, opt, x, y)
    start = time.perf_counter()
    for _ in range(args.steps):
        train_step(model, opt, x, y)
    elapsed = time.perf_counter() - start
    step_ms = 1000 * elapsed / args.steps
    kinds = profile_kinds(model, opt, x, y, args.steps, step_ms) if args.profile else None
    print(
        json.dumps(
            {
                "model": args.model,
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "params": params,
                "warmup": args.warmup,
                "steps": args.steps,
                "batch": args.batch,
                "ms_per_step": 1000 * elapsed / args.steps,
                "samples_per_sec": args.batch * args.steps / elapsed,
                "kinds": kinds,
            }
        )
    )


if __name__ == "__main__":
    main()
