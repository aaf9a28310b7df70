"""A DARTS search supernet in PyTorch of the same shape as tfjs-tune's (src/nas/cells.ts,
primitives.ts), timed for the supernet-step benchmark (benchmarks/darts/supernet-step.ts; never
by tests). It follows quark0/darts model_search.py as ours does: a 3x3 conv stem (3C channels),
`cells` cells with reductions at cells//3 and 2*cells//3, each with two preprocessed inputs, 4
nodes over 14 mixed-op edges (softmax(alpha)-weighted over DARTS' 8 primitives, pooling followed
by batch norm), the 4 nodes concatenated; global average pooling and a linear head. Every batch
norm is non-affine, as in tfjs-tune's supernet (DARTS' stem keeps an affine one). `none` is
skipped as ours skips it (its weight still counts in the softmax).

One thread, like wasm in Node. Prints one JSON line: ms per step of one gradient pass (forward,
cross-entropy, backward to every weight and alpha) after warm-up.

    OMP_NUM_THREADS=1 /usr/bin/python3 torch_supernet.py --channels 8 --cells 3 --size 16 --classes 4
"""

import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRIMITIVES = [
    "none",
    "skip_connect",
    "max_pool_3x3",
    "avg_pool_3x3",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
]


def bn(c):
    return nn.BatchNorm2d(c, affine=False)


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out):
        super().__init__(nn.ReLU(), nn.Conv2d(c_in, c_out, 1, bias=False), bn(c_out))


class DilConv(nn.Sequential):
    def __init__(self, c, k, stride, dilation):
        pad = dilation * (k - 1) // 2
        super().__init__(
            nn.ReLU(),
            nn.Conv2d(c, c, k, stride, pad, dilation=dilation, groups=c, bias=False),
            nn.Conv2d(c, c, 1, bias=False),
            bn(c),
        )


class SepConv(nn.Sequential):
    def __init__(self, c, k, stride):
        super().__init__(DilConv(c, k, stride, 1), DilConv(c, k, 1, 1))


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out - c_out // 2, 1, 2, bias=False)
        self.bn = bn(c_out)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


def make_op(name, c, stride):
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    if name == "max_pool_3x3":
        return nn.Sequential(nn.MaxPool2d(3, stride, 1), bn(c))
    if name == "avg_pool_3x3":
        return nn.Sequential(nn.AvgPool2d(3, stride, 1, count_include_pad=False), bn(c))
    if name.startswith("sep_conv"):
        return SepConv(c, int(name[-1]), stride)
    if name.startswith("dil_conv"):
        return DilConv(c, int(name[-1]), stride, 2)
    raise ValueError(name)


class MixedOp(nn.Module):
    def __init__(self, c, stride):
        super().__init__()
        self.ops = nn.ModuleList([make_op(p, c, stride) for p in PRIMITIVES if p != "none"])

    def forward(self, x, weights):
        # weights[0] is `none`'s: it adds zeros, so it is skipped.
        return sum(w * op(x) for w, op in zip(weights[1:], self.ops))


class Cell(nn.Module):
    def __init__(self, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.reduction = reduction
        self.pre0 = FactorizedReduce(c_pp, c) if reduction_prev else ReLUConvBN(c_pp, c)
        self.pre1 = ReLUConvBN(c_p, c)
        self.ops = nn.ModuleList()
        for i in range(4):
            for j in range(2 + i):
                self.ops.append(MixedOp(c, 2 if reduction and j < 2 else 1))

    def forward(self, s0, s1, weights):
        states = [self.pre0(s0), self.pre1(s1)]
        offset = 0
        for _ in range(4):
            s = sum(self.ops[offset + j](h, weights[offset + j]) for j, h in enumerate(states))
            offset += len(states)
            states.append(s)
        return torch.cat(states[-4:], dim=1)


class Network(nn.Module):
    def __init__(self, c, cells, classes, in_channels=3, stem_multiplier=3):
        super().__init__()
        c_curr = stem_multiplier * c
        self.stem = nn.Sequential(nn.Conv2d(in_channels, c_curr, 3, padding=1, bias=False), bn(c_curr))
        c_pp, c_p, c_curr = c_curr, c_curr, c
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(cells):
            reduction = i in (cells // 3, 2 * cells // 3)
            if reduction:
                c_curr *= 2
            self.cells.append(Cell(c_pp, c_p, c_curr, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, 4 * c_curr
        self.classifier = nn.Linear(c_p, classes)
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(14, len(PRIMITIVES)))
        self.alphas_reduce = nn.Parameter(1e-3 * torch.randn(14, len(PRIMITIVES)))

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            alphas = self.alphas_reduce if cell.reduction else self.alphas_normal
            s0, s1 = s1, cell(s0, s1, F.softmax(alphas, dim=-1))
        return self.classifier(s1.mean(dim=(2, 3)))


def first_order_search(model, args):
    """DARTS' first-order search (quark0/darts train_search.py with unrolled=False): per batch an α
    step on a validation batch (Adam 3e-3 here, betas (0.5, 0.999), weight decay 1e-3), then a weight
    step on a training batch (SGD momentum 0.9, weight decay 3e-4, clip 5, cosine 0.025 → 0.001),
    and after each epoch the validation split in inference mode. Returns the wall seconds."""
    alphas = [model.alphas_normal, model.alphas_reduce]
    alpha_ids = {id(a) for a in alphas}
    weights = [p for p in model.parameters() if id(p) not in alpha_ids]
    w_opt = torch.optim.SGD(weights, lr=0.025, momentum=0.9, weight_decay=3e-4)
    a_opt = torch.optim.Adam(alphas, lr=3e-3, betas=(0.5, 0.999), weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(w_opt, args.search_epochs, eta_min=0.001)
    g = torch.Generator().manual_seed(0)
    shape = (args.n, 3, args.size, args.size)
    xt, yt = torch.randn(*shape, generator=g), torch.randint(0, args.classes, (args.n,), generator=g)
    xv, yv = torch.randn(*shape, generator=g), torch.randint(0, args.classes, (args.n,), generator=g)
    start = time.perf_counter()
    for _ in range(args.search_epochs):
        model.train()
        order = torch.randperm(args.n, generator=g)
        for i in range(0, args.n, args.batch):
            rows = order[i : i + args.batch]
            a_opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(xv[rows]), yv[rows]).backward()
            a_opt.step()
            w_opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(xt[rows]), yt[rows]).backward()
            nn.utils.clip_grad_norm_(weights, 5)
            w_opt.step()
        sched.step()
        model.eval()
        with torch.no_grad():
            for i in range(0, args.n, args.batch):
                model(xv[i : i + args.batch])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--cells", type=int, default=3)
    parser.add_argument("--size", type=int, default=16)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--search-epochs", type=int, default=0, help="time a first-order search instead")
    parser.add_argument("--n", type=int, default=256, help="training and validation images of the search")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = Network(args.channels, args.cells, args.classes)
    if args.search_epochs > 0:
        seconds = first_order_search(model, args)
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "search_seconds": seconds}))
        return
    model.train()
    x = torch.randn(args.batch, 3, args.size, args.size)
    y = torch.randint(0, args.classes, (args.batch,))

    def step():
        model.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        return loss.item()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    elapsed = time.perf_counter() - start
    params = sum(p.numel() for p in model.parameters())
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "params": params,
                "steps": args.steps,
                "ms_per_step": 1000 * elapsed / args.steps,
            }
        )
    )


if __name__ == "__main__":
    main()
