#!/usr/bin/env python3
"""PyTorch reference for GAN Studio's training benchmark (scripts/bench.sh runs it).

The same networks as src/model/{mlp,dcgan,cdcgan}.rs, layer for layer, and the same training
step as `GanTrainer::step_on` in src/train/mod.rs: G forward once; (1) update D on the real
batch and the detached fakes (BCE with logits, real = 1, fake = 0); (2) update G through the
updated D (non-saturating: BCE(D(G(z)), 1)). Adam lr 2e-4, betas (0.5, 0.999); DCGAN init
(weights N(0, 0.02), biases 0, BatchNorm weight N(1, 0.02)) for the convolutional models, the
framework default for the MLP GAN, as the Rust presets do. The real batch is random data of
MNIST's shapes: the timing does not depend on the pixels.

    python3 tools/bench/torch_ref.py [--presets mlp,dcgan,dcgan-64,cdcgan-half,cdcgan] [--steps 10]
        [--warmup 2] [--batch 64] [--sample-repeats 5] [--device cpu|cuda]

Prints one JSON object per preset on stdout:
    {"runner": "pytorch", "preset", "device", "threads", "torch", "batch", "steps",
     "step_ms"          median ms of a whole training step (losses read back, as `gan bench`),
     "step_ms_min", "step_ms_max",
     "sample_ms"        median ms to generate 100 samples (eval mode, no autograd),
     "flops_per_step"   FLOPs of one training step as torch.utils.flop_counter counts them:
                        the matmuls and convolutions of both networks' forward and backward
                        passes (elementwise ops, BatchNorm and Adam are not counted),
     "sample_flops"     the same count for generating 100 samples}
"""

import argparse
import json
import os
import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

NZ = 100
NUM_CLASSES = 10
SAMPLES = 100
# Widths of each preset, as in src/bin/gan/cli.rs's presets and the model configs' defaults.
WIDTHS = {
    "mlp": {"hidden": 256},
    "dcgan": {"ngf": 32, "ndf": 32},
    "dcgan-64": {"ngf": 32, "ndf": 32},  # the DCGAN at --image-size 64: one more block in each
    "cdcgan": {"ngf": 128, "ndf": 64},
    "cdcgan-half": {"ngf": 64, "ndf": 32},
}


def conv_t(cin, cout, stride, padding, bias=False):
    return nn.ConvTranspose2d(cin, cout, 4, stride, padding, bias=bias)


def conv(cin, cout, stride, padding, bias=False):
    return nn.Conv2d(cin, cout, 4, stride, padding, bias=bias)


class MlpGenerator(nn.Module):
    """z [B, nz] -> image [B, 1, 28, 28] in [-1, 1]."""

    def __init__(self, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(NZ, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 28 * 28), nn.Tanh(),
        )

    def forward(self, z, labels=None):
        return self.net(z).view(-1, 1, 28, 28)


class MlpDiscriminator(nn.Module):
    """image [B, 1, 28, 28] -> logit [B, 1]."""

    def __init__(self, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(28 * 28, hidden), nn.LeakyReLU(0.1),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.1),
            nn.Linear(hidden, 1),
        )

    def forward(self, images, labels=None):
        return self.net(images.flatten(1))


class DcganGenerator(nn.Module):
    """z [B, nz] -> image [B, 1, 32, 32] in [-1, 1]; [B, 1, 64, 64] with `side` 64, whose
    extra block doubles every width above it (as src/model/dcgan.rs)."""

    def __init__(self, ngf, side=32):
        super().__init__()
        top = 8 if side == 64 else 4
        block = lambda cin, cout: [conv_t(cin, cout, 2, 1), nn.BatchNorm2d(cout), nn.ReLU()]
        layers = [conv_t(NZ, top * ngf, 1, 0), nn.BatchNorm2d(top * ngf), nn.ReLU()]  # [B, top·ngf, 4, 4]
        width = top * ngf
        while width > ngf:  # [B, width/2, 2h, 2w] per block, down to [B, ngf, side/2, side/2]
            layers += block(width, width // 2)
            width //= 2
        layers += [conv_t(ngf, 1, 2, 1), nn.Tanh()]  # [B, 1, side, side]
        self.net = nn.Sequential(*layers)

    def forward(self, z, labels=None):
        return self.net(z.view(z.shape[0], NZ, 1, 1))


class DcganDiscriminator(nn.Module):
    """image [B, 1, 32, 32] (or [B, 1, 64, 64] with `side` 64: one more block) -> logit [B, 1]."""

    def __init__(self, ndf, side=32):
        super().__init__()
        block = lambda cin, cout: [conv(cin, cout, 2, 1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2)]
        layers = block(1, ndf)  # [B, ndf, side/2, side/2]
        width, size = ndf, side // 2
        while size > 4:  # [B, 2·width, size/2, size/2] per block, down to 4x4
            layers += block(width, 2 * width)
            width, size = 2 * width, size // 2
        layers += [conv(width, 1, 1, 0)]  # [B, 1, 1, 1]
        self.net = nn.Sequential(*layers)

    def forward(self, images, labels=None):
        return self.net(images).view(-1, 1)


class CdcganGenerator(nn.Module):
    """(z [B, nz], labels [B, 10]) -> image [B, 1, 32, 32] in [-1, 1]."""

    def __init__(self, ngf):
        super().__init__()
        self.z_branch = nn.Sequential(conv_t(NZ, 2 * ngf, 1, 0), nn.BatchNorm2d(2 * ngf), nn.ReLU())
        self.y_branch = nn.Sequential(conv_t(NUM_CLASSES, 2 * ngf, 1, 0), nn.BatchNorm2d(2 * ngf), nn.ReLU())
        self.net = nn.Sequential(
            conv_t(4 * ngf, 2 * ngf, 2, 1), nn.BatchNorm2d(2 * ngf), nn.ReLU(),  # [B, 2ngf, 8, 8]
            conv_t(2 * ngf, ngf, 2, 1), nn.BatchNorm2d(ngf), nn.ReLU(),  # [B, ngf, 16, 16]
            conv_t(ngf, 1, 2, 1, bias=True), nn.Tanh(),  # [B, 1, 32, 32]
        )

    def forward(self, z, labels):
        z = self.z_branch(z.view(z.shape[0], NZ, 1, 1))  # [B, 2ngf, 4, 4]
        y = self.y_branch(labels.view(-1, NUM_CLASSES, 1, 1))  # [B, 2ngf, 4, 4]
        return self.net(torch.cat([z, y], 1))  # [B, 4ngf, 4, 4] -> [B, 1, 32, 32]


class CdcganDiscriminator(nn.Module):
    """(image [B, 1, 32, 32], labels [B, 10]) -> logit [B, 1]."""

    def __init__(self, ndf):
        super().__init__()
        self.x_conv = conv(1, ndf, 2, 1, bias=True)
        self.y_conv = conv(NUM_CLASSES, ndf, 2, 1, bias=True)
        self.net = nn.Sequential(
            conv(2 * ndf, 4 * ndf, 2, 1), nn.BatchNorm2d(4 * ndf), nn.LeakyReLU(0.2),  # [B, 4ndf, 8, 8]
            conv(4 * ndf, 8 * ndf, 2, 1), nn.BatchNorm2d(8 * ndf), nn.LeakyReLU(0.2),  # [B, 8ndf, 4, 4]
            conv(8 * ndf, 1, 1, 0, bias=True),  # [B, 1, 1, 1]
        )

    def forward(self, images, labels):
        b, _, h, w = images.shape
        y = labels.view(b, NUM_CLASSES, 1, 1).expand(b, NUM_CLASSES, h, w)  # [B, 10, 32, 32]
        x = F.leaky_relu(self.x_conv(images), 0.2)  # [B, ndf, 16, 16]
        y = F.leaky_relu(self.y_conv(y), 0.2)  # [B, ndf, 16, 16]
        return self.net(torch.cat([x, y], 1)).view(-1, 1)  # [B, 2ndf, 16, 16] -> [B, 1]


def dcgan_init(module):
    """Weights N(0, 0.02), biases 0, BatchNorm weight N(1, 0.02) and bias 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def build(preset, device):
    """The preset's (generator, discriminator, image side, conditional?) on `device`."""
    w = WIDTHS[preset]
    if preset == "mlp":
        g, d, side = MlpGenerator(w["hidden"]), MlpDiscriminator(w["hidden"]), 28
    elif preset.startswith("dcgan"):
        side = 64 if preset == "dcgan-64" else 32
        g, d = DcganGenerator(w["ngf"], side), DcganDiscriminator(w["ndf"], side)
    else:
        g, d, side = CdcganGenerator(w["ngf"]), CdcganDiscriminator(w["ndf"]), 32
    if preset != "mlp":
        g.apply(dcgan_init)
        d.apply(dcgan_init)
    return g.to(device), d.to(device), side, preset.startswith("cdcgan")


def random_labels(n, device):
    return F.one_hot(torch.randint(0, NUM_CLASSES, (n,), device=device), NUM_CLASSES).float()


class Run:
    """Both networks, their optimisers and a fixed random "real" batch."""

    def __init__(self, preset, batch, device):
        self.g, self.d, side, self.conditional = build(preset, device)
        self.batch, self.device = batch, device
        adam = lambda net: torch.optim.Adam(net.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
        self.opt_g, self.opt_d = adam(self.g), adam(self.d)
        self.real = torch.rand(batch, 1, side, side, device=device) * 2 - 1
        self.real_labels = random_labels(batch, device) if self.conditional else None

    def step(self):
        """One D + G step; returns (loss D, loss G, mean D(x), mean D(G(z))) read back."""
        z = torch.randn(self.batch, NZ, device=self.device)
        fake_labels = random_labels(self.batch, self.device) if self.conditional else None
        fake = self.g(z, fake_labels)  # [B, 1, H, W]

        # (1) Update D: maximise log D(x) + log(1 - D(G(z)))
        real_logits = self.d(self.real, self.real_labels)
        fake_logits = self.d(fake.detach(), fake_labels)
        d_real, d_fake = torch.sigmoid(real_logits).mean(), torch.sigmoid(fake_logits).mean()
        loss_d = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()

        # (2) Update G: maximise log D(G(z)) (non-saturating)
        fake_logits = self.d(fake, fake_labels)
        loss_g = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return torch.stack([loss_d, loss_g, d_real, d_fake]).detach().tolist()

    @torch.no_grad()
    def sample(self):
        """SAMPLES images in inference mode, read back to the host."""
        self.g.eval()
        z = torch.randn(SAMPLES, NZ, device=self.device)
        labels = random_labels(SAMPLES, self.device) if self.conditional else None
        images = self.g(z, labels).cpu()
        self.g.train()
        return images


def timed_ms(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000.0


def flops_of(fn):
    counter = FlopCounterMode(display=False)
    with counter:
        fn()
    return counter.get_total_flops()


def bench(preset, args):
    torch.manual_seed(1)
    run = Run(preset, args.batch, args.device)
    for _ in range(args.warmup):
        run.step()
    times = sorted(timed_ms(run.step) for _ in range(args.steps))
    run.sample()  # warm-up
    sample_ms = statistics.median(timed_ms(run.sample) for _ in range(args.sample_repeats))
    return {
        "runner": "pytorch",
        "preset": preset,
        "device": args.device,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "batch": args.batch,
        "steps": args.steps,
        "step_ms": round(statistics.median(times), 2),
        "step_ms_min": round(times[0], 2),
        "step_ms_max": round(times[-1], 2),
        "sample_ms": round(sample_ms, 2),
        "flops_per_step": flops_of(run.step),
        "sample_flops": flops_of(run.sample),
    }


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--presets", default="mlp,dcgan,dcgan-64,cdcgan-half,cdcgan",
                   help="comma-separated presets: " + ", ".join(WIDTHS))
    p.add_argument("--steps", type=int, default=10, help="timed training steps per preset")
    p.add_argument("--warmup", type=int, default=2, help="untimed training steps first")
    p.add_argument("--batch", type=int, default=64, help="images per batch")
    p.add_argument("--sample-repeats", type=int, default=5, help="timed 100-sample calls")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = p.parse_args()
    args.presets = [s.strip() for s in args.presets.split(",") if s.strip()]
    unknown = [s for s in args.presets if s not in WIDTHS]
    if unknown:
        p.error(f"unknown presets {unknown}: use {', '.join(WIDTHS)}")
    if args.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: PyTorch sees no CUDA device here")
    return args


def main():
    args = parse_args()
    torch.set_num_threads(os.cpu_count())
    for preset in args.presets:
        print(json.dumps(bench(preset, args)), flush=True)


if __name__ == "__main__":
    main()
