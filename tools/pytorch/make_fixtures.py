"""Makes the PyTorch fixtures of `gan import --pytorch` (tests/pytorch_import.rs).

Each fixture is a generator of one of the course's architectures, written as a student
would (each with its own module names and registration order), saved with
`torch.save(G.state_dict(), path)`, beside a JSON of the z, labels and images PyTorch drew
from it in eval mode (the format of src/interop/samples.rs). The widths are reduced to keep
the files small. Run once, with the bench venv's PyTorch (never in tests or CI: the
fixtures are committed):

    ~/.cache/gan-studio/bench-venv/bin/python tools/pytorch/make_fixtures.py

It writes tests/fixtures/pytorch/{dcgan,cdcgan-half,cdcgan-label-first,mlp,cs231n}.{pt,json}.
"""

import json
import os

import torch
from torch import nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "pytorch")
COUNT = 3  # images per fixture
LABELS = [3, 7, 0]


class Generator(nn.Module):
    """DCGAN as pytorch/examples writes it: one nn.Sequential called `main`."""

    def __init__(self, nz, ngf):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z, y=None):
        return self.main(z.view(z.size(0), -1, 1, 1))


class cDCGAN_G(nn.Module):
    """Conditional DCGAN with its own names, every transposed convolution registered before
    the BatchNorms (the course's order: z branch, label branch, body)."""

    def __init__(self, nz, ngf):
        super().__init__()
        self.deconv1_1 = nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False)
        self.deconv1_2 = nn.ConvTranspose2d(10, ngf * 2, 4, 1, 0, bias=False)
        self.deconv2 = nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False)
        self.deconv3 = nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False)
        self.deconv4 = nn.ConvTranspose2d(ngf, 1, 4, 2, 1)
        self.deconv1_1_bn = nn.BatchNorm2d(ngf * 2)
        self.deconv1_2_bn = nn.BatchNorm2d(ngf * 2)
        self.deconv2_bn = nn.BatchNorm2d(ngf * 2)
        self.deconv3_bn = nn.BatchNorm2d(ngf)

    def forward(self, z, y):
        x = F.relu(self.deconv1_1_bn(self.deconv1_1(z.view(z.size(0), -1, 1, 1))))
        y = F.relu(self.deconv1_2_bn(self.deconv1_2(y.view(y.size(0), 10, 1, 1))))
        x = torch.cat([x, y], 1)
        x = F.relu(self.deconv2_bn(self.deconv2(x)))
        x = F.relu(self.deconv3_bn(self.deconv3(x)))
        return torch.tanh(self.deconv4(x))


class LabelFirstGenerator(nn.Module):
    """Conditional DCGAN whose label branch is registered before its z branch (the body still
    concatenates z's channels first, as the course does)."""

    def __init__(self, nz, ngf):
        super().__init__()
        self.label_branch = nn.Sequential(
            nn.ConvTranspose2d(10, ngf * 2, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU()
        )
        self.noise_branch = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU()
        )
        self.body = nn.Sequential(
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1),
            nn.Tanh(),
        )

    def forward(self, z, y):
        z = self.noise_branch(z.view(z.size(0), -1, 1, 1))
        y = self.label_branch(y.view(y.size(0), 10, 1, 1))
        return self.body(torch.cat([z, y], 1))


class MLPGenerator(nn.Module):
    """The MLP GAN's generator with a student's names."""

    def __init__(self, nz, hidden):
        super().__init__()
        self.fc_in = nn.Linear(nz, hidden)
        self.hidden_layer = nn.Linear(hidden, hidden)
        self.to_pixels = nn.Linear(hidden, 784)

    def forward(self, z, y=None):
        x = F.relu(self.fc_in(z))
        x = F.relu(self.hidden_layer(x))
        return torch.tanh(self.to_pixels(x))


def cs231n_generator(noise_dim, ngf):
    """CS231N's build_dc_generator (its GAN assignment), one nn.Sequential: each layer's ReLU
    before its BatchNorm, an Unflatten between the linear and the convolutional layers, and
    a flat 784-value output."""
    return nn.Sequential(
        nn.Linear(noise_dim, 16 * ngf),
        nn.ReLU(),
        nn.BatchNorm1d(16 * ngf),
        nn.Linear(16 * ngf, 7 * 7 * 2 * ngf),
        nn.ReLU(),
        nn.BatchNorm1d(7 * 7 * 2 * ngf),
        nn.Unflatten(1, (2 * ngf, 7, 7)),
        nn.ConvTranspose2d(2 * ngf, ngf, 4, 2, 1),
        nn.ReLU(),
        nn.BatchNorm2d(ngf),
        nn.ConvTranspose2d(ngf, 1, 4, 2, 1),
        nn.Tanh(),
        nn.Flatten(),
    )


class CS231NGenerator(nn.Module):
    """The assignment's generator behind the fixtures' `g(z, y)` call."""

    def __init__(self, noise_dim, ngf):
        super().__init__()
        self.G = cs231n_generator(noise_dim, ngf)

    def forward(self, z, y=None):
        return self.G(z)


def settle(g, nz, conditional):
    """Gives the BatchNorms weights, biases and running statistics far from their defaults:
    random affine parameters, then a few training-mode passes on random inputs."""
    with torch.no_grad():
        for m in g.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)
    g.train()
    with torch.no_grad():
        for _ in range(5):
            z = torch.randn(16, nz)
            y = F.one_hot(torch.randint(0, 10, (16,)), 10).float() if conditional else None
            g(z, y)
    g.eval()


def fixture(name, model, g, nz, width, conditional):
    settle(g, nz, conditional)
    z = torch.randn(COUNT, nz)
    labels = LABELS[:COUNT] if conditional else None
    with torch.no_grad():
        y = F.one_hot(torch.tensor(labels), 10).float() if conditional else None
        images = g(z, y)
    torch.save(g.state_dict(), os.path.join(OUT, f"{name}.pt"))
    floats = lambda t: [float(f"{v:.9g}") for v in t.flatten().tolist()]  # exact for f32
    samples = {
        "model": model,
        "nz": nz,
        "count": COUNT,
        "z": floats(z),
        "images": floats(images),
        "source": f"torch {torch.__version__}, {type(g).__name__}(nz={nz}, width={width})",
    }
    if labels is not None:
        samples["labels"] = labels
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(samples, f, separators=(",", ":"))
        f.write("\n")
    keys = ", ".join(g.state_dict().keys())
    print(f"{name}: {tuple(images.shape)}; {keys}")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(15)
    fixture("dcgan", "dcgan", Generator(8, 4), 8, 4, False)
    fixture("cdcgan-half", "cdcgan-half", cDCGAN_G(8, 4), 8, 4, True)
    fixture("cdcgan-label-first", "cdcgan", LabelFirstGenerator(12, 2), 12, 2, True)
    fixture("mlp", "mlp", MLPGenerator(8, 16), 8, 16, False)
    fixture("cs231n", "cs231n", CS231NGenerator(8, 4), 8, 4, False)


if __name__ == "__main__":
    main()
