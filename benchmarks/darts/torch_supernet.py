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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--cells", type=int, default=3)
    parser.add_argument("--size", type=int, default=16)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = Network(args.channels, args.cells, args.classes)
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
