"""Checks `gan export --safetensors` against PyTorch (a tool, not a test: it needs PyTorch).

For each shipped generator (weights/*.bpk) it exports the SafeTensors file, builds the
module with the snippet in weights/README.md ("In PyTorch", run as written, so the snippet
itself is what is checked), loads the file with `load_state_dict` (strict), draws samples
for seeded z (and digits), writes them as reference samples and has `gan compare` draw ours
for the same z: it prints the largest absolute difference and fails above 1e-4.

    cargo build --release
    ~/.cache/gan-studio/bench-venv/bin/pip install safetensors   # once
    ~/.cache/gan-studio/bench-venv/bin/python tools/pytorch/check_export.py [--gan PATH]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/gan-studio/target"))
COUNT = 8


def snippet():
    """The Python block of weights/README.md's "In PyTorch" section."""
    text = open(os.path.join(ROOT, "weights", "README.md")).read()
    section = text.split("## In PyTorch", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def run(*args):
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{out.stderr}")
    return out.stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gan", default=os.path.join(TARGET, "release", "gan"))
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="gan-export-check-")
    os.chdir(tmp)

    # The snippet as written: it loads dcgan.safetensors from the working directory.
    run(args.gan, "export", "--safetensors", "--weights", os.path.join(ROOT, "weights", "dcgan.bpk"),
        "--out", "dcgan.safetensors")
    ns = {}
    exec(snippet(), ns)
    assert tuple(ns["images"].shape) == (16, 1, 32, 32), ns["images"].shape
    print(f"the snippet ran: images {tuple(ns['images'].shape)}")

    # Every preset's shipped file, from the registry.
    registry = json.loads(run(args.gan, "presets", "--json"))
    shipped = [preset["shipped"] for preset in registry["presets"]]
    worst = 0.0
    for name in shipped:
        weights = os.path.join(ROOT, "weights", f"{name}.bpk")
        path = f"{name}.safetensors"
        run(args.gan, "export", "--safetensors", "--weights", weights, "--out", path)
        with safe_open(path, "pt") as f:
            meta = f.metadata()
        kind, nz, code = meta["gan_studio.model"], int(meta["gan_studio.nz"]), int(meta["gan_studio.code_size"])
        if kind == "mlp":
            g = ns["mlp_generator"](nz, int(meta["gan_studio.hidden"]))
        elif kind == "cs231n":
            g = ns["cs231n_generator"](nz, int(meta["gan_studio.ngf"]))
        elif kind == "cdcgan":
            g = ns["ConditionalGenerator"](nz, int(meta["gan_studio.ngf"]))
        elif kind == "infogan-paper":
            g = ns["infogan_generator"](nz + code, int(meta["gan_studio.ngf"]))
        else:
            g = ns["dcgan_generator"](nz + code, int(meta["gan_studio.ngf"]), int(meta["gan_studio.image_size"]))
        g.load_state_dict(load_file(path))  # strict
        g.eval()

        gen = torch.Generator().manual_seed(15)
        z = torch.randn(COUNT, nz, generator=gen)
        labels = [i % 10 for i in range(COUNT)]
        onehot = F.one_hot(torch.tensor(labels), 10).float()
        with torch.no_grad():
            if kind in ("mlp", "cs231n"):
                images = g(z)
            elif kind == "cdcgan":
                images = g(z, onehot)
            else:
                codes = [z]
                if code:
                    codes.append(onehot)  # acgan's digit, infogan's categorical code
                    codes.append(torch.zeros(COUNT, code - 10))  # infogan's continuous codes at 0
                inputs = torch.cat(codes, 1)
                # the paper's InfoGAN G opens with a Linear; the DCGAN's with a ConvTranspose2d
                images = g(inputs if kind == "infogan-paper" else inputs[:, :, None, None])
        samples = {
            "model": name,
            "nz": nz,
            "count": COUNT,
            "z": z.flatten().tolist(),
            "images": images.flatten().tolist(),
            "source": f"torch {torch.__version__}",
        }
        if code:
            samples["labels"] = labels
        with open(f"{name}.json", "w") as f:
            json.dump(samples, f)
        line = run(args.gan, "compare", "--weights", weights, "--samples", f"{name}.json")
        diff = float(line.split("= ")[1].split()[0])
        worst = max(worst, diff)
        print(f"{name:13} {kind:13} nz {nz:3} {len(meta)} metadata keys  {line}")
    print(f"largest difference over every shipped generator: {worst:.3e}")


if __name__ == "__main__":
    main()
