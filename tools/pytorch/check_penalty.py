"""Checks GAN Studio's WGAN-GP gradient penalty against PyTorch's double backward (a tool,
not a test: it needs PyTorch).

GAN Studio writes the critic's input gradient out by hand (transposed convolutions and
LeakyReLU masks, src/model/wgan_gp.rs) because Burn's autodiff is first-order. PyTorch
differentiates through its own backward pass: `torch.autograd.grad(..., create_graph=True)`,
as the WGAN-GP paper's code does. This script loads what `examples/penalty_reference.rs`
wrote (the critic's weights, the real and fake images, ε, and GAN Studio's scores, input
gradient, penalty and parameter gradients), builds the same critic in PyTorch in float64,
and prints the largest difference of each figure, absolute and relative to the largest
reference value, then PASS or FAIL against 1e-5 relative.

    cargo run --release --example penalty_reference -- /tmp/penalty.json
    ~/.cache/gan-studio/bench-venv/bin/python tools/pytorch/check_penalty.py /tmp/penalty.json
"""

import argparse
import json
import sys

import torch
import torch.nn.functional as F

TOLERANCE = 1e-5
# The critic's convolutions in order: (name, stride, padding), the DCGAN discriminator's.
LAYERS = [("conv1", 2, 1), ("conv2", 2, 1), ("conv3", 2, 1), ("conv4", 1, 0)]


def tensor(entry):
    """A {"shape", "values"} entry as a float64 tensor."""
    return torch.tensor(entry["values"], dtype=torch.float64).reshape(entry["shape"])


def critic(params, images, slope):
    """Scores [B, 1]: conv + LeakyReLU three times, then the 4x4 -> 1x1 convolution."""
    x = images
    for i, (name, stride, padding) in enumerate(LAYERS):
        x = F.conv2d(x, params[f"{name}.weight"], params[f"{name}.bias"], stride=stride, padding=padding)
        if i < len(LAYERS) - 1:
            x = F.leaky_relu(x, slope)
    return x.reshape(-1, 1)


def compare(name, ours, reference):
    """Prints and returns the largest difference relative to the largest reference value."""
    ours = ours.reshape(reference.shape)
    absolute = (ours - reference).abs().max().item()
    scale = reference.abs().max().item()
    relative = absolute / scale if scale > 0 else absolute
    print(f"{name:<26} max |ours - torch| {absolute:.3e}  max |torch| {scale:.3e}  relative {relative:.3e}")
    return relative


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("json", help="the file examples/penalty_reference.rs wrote")
    args = parser.parse_args()
    data = json.load(open(args.json))
    slope, lam = data["slope"], data["lambda"]
    params = {name: tensor(entry).requires_grad_() for name, entry in data["weights"].items()}
    real, fake = tensor(data["real"]), tensor(data["fake"])
    epsilon = tensor(data["epsilon"]).reshape(-1, 1, 1, 1)
    print(f"torch {torch.__version__}, float64; ndf {data['ndf']}, batch {real.shape[0]}, λ {lam}")

    # WGAN-GP's penalty as the paper's code writes it: the input gradient with a graph of its
    # own (create_graph=True), then its weight gradients by differentiating through it.
    mixed = (epsilon * real + (1 - epsilon) * fake).requires_grad_()
    scores = critic(params, mixed, slope)
    (gradient,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    norms = gradient.reshape(gradient.shape[0], -1).norm(2, dim=1)
    penalty = lam * ((norms - 1) ** 2).mean()
    names = sorted(params)
    grads = torch.autograd.grad(penalty, [params[n] for n in names], allow_unused=True)
    print("gradient norms per image: " + ", ".join(f"{n:.4f}" for n in norms.tolist()))

    worst = 0.0
    with torch.no_grad():
        worst = max(worst, compare("scores", tensor(data["scores"]), scores))
        worst = max(worst, compare("input gradient", tensor(data["input_gradient"]), gradient))
        worst = max(worst, compare("penalty", tensor(data["penalty"]), penalty.reshape(1)))
        for name, grad in zip(names, grads):
            # PyTorch gives no gradient where the penalty does not depend on a parameter
            # (the biases: LeakyReLU's derivative is constant almost everywhere)
            reference = torch.zeros_like(params[name]) if grad is None else grad
            worst = max(worst, compare(f"d penalty / {name}", tensor(data["gradients"][name]), reference))
    verdict = "PASS" if worst <= TOLERANCE else "FAIL"
    print(f"{verdict}: largest relative difference {worst:.3e} (tolerance {TOLERANCE:g})")
    sys.exit(0 if verdict == "PASS" else 1)


if __name__ == "__main__":
    main()
