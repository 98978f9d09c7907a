//! Spectral normalisation (Miyato et al. 2018): a convolution whose weight is divided by its
//! largest singular value, so each layer is at most 1-Lipschitz and the critic made of them
//! is too. The singular value is estimated by one step of power iteration per training
//! forward pass, from a vector `u` kept between steps (state, saved in checkpoints, not
//! trained).
//!
//! One of the three Lipschitz constraints GAN Studio trains a Wasserstein critic with,
//! beside weight clipping (src/train/clip.rs) and WGAN-GP's gradient penalty on a critic
//! that writes out its input gradient (src/model/wgan_gp.rs).

use burn::module::RunningState;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;

use super::activation::leaky_relu;
use super::dcgan::LEAKY_SLOPE;
use super::init::{InitScheme, K4_S1_P0, K4_S2_P1, conv};

/// Added to norms before dividing by them (PyTorch's `spectral_norm` uses 1e-12).
const EPS: f64 = 1e-12;

/// A convolution under spectral normalisation.
#[derive(Module, Debug)]
pub struct SpectralConv2d {
    /// The convolution; its weight is the unnormalised W (what the optimiser trains).
    pub conv: Conv2d,
    /// The power iteration's estimate of W's first left singular vector `[Cout]` (named
    /// `running_*` as all state that is kept but not trained).
    pub running_u: RunningState<Tensor<1>>,
}

/// `v / ‖v‖` for a column `[n, 1]`.
fn normalized(v: Tensor<2>) -> Tensor<2> {
    let norm = v.clone().square().sum().sqrt().add_scalar(EPS); // [1]
    v / norm.reshape([1, 1])
}

impl SpectralConv2d {
    /// Wraps `conv`, with `u` drawn at random (from the device's seeded generator).
    pub fn new(conv: Conv2d) -> Self {
        let device = conv.weight.device();
        let out_channels = conv.weight.dims()[0];
        let u = Tensor::<2>::random([out_channels, 1], Distribution::Normal(0.0, 1.0), &device);
        let u = normalized(u.detach()).reshape([out_channels]); // [Cout]
        Self {
            conv,
            running_u: RunningState::new(u),
        }
    }

    /// W / σ(W) `[Cout, Cin, k, k]`. On an autodiff device (training) it first takes one
    /// power-iteration step and keeps the new `u`; elsewhere it uses the `u` it has.
    pub fn weight(&self) -> Tensor<4> {
        let weight = self.conv.weight.val(); // [Cout, Cin, k, k]
        let [out_channels, in_channels, kh, kw] = weight.dims();
        let matrix = weight
            .clone()
            .reshape([out_channels, in_channels * kh * kw]); // [Cout, N]
        let fixed = matrix.clone().detach();
        let device = weight.device();
        let u = self
            .running_u
            .value_sync()
            .to_device(&device)
            .reshape([out_channels, 1]); // [Cout, 1]
        let v = normalized(fixed.clone().transpose().matmul(u.clone())); // [N, 1]
        let u = if device.is_autodiff() {
            let u = normalized(fixed.matmul(v.clone())); // [Cout, 1]
            self.running_u
                .update(u.clone().detach().reshape([out_channels]));
            u
        } else {
            u
        };
        // σ = uᵀ W v, differentiable in W (u and v are constants, as in the paper)
        let sigma = u.detach().transpose().matmul(matrix).matmul(v.detach()); // [1, 1]
        weight / sigma.reshape([1, 1, 1, 1])
    }

    /// The convolution with the normalised weight: `[B, Cin, H, W]` -> `[B, Cout, H', W']`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let conv = &self.conv;
        let padding = match conv.padding {
            PaddingConfig2d::Explicit(top, left, bottom, right) => [(top, bottom), (left, right)],
            PaddingConfig2d::Valid => [(0, 0), (0, 0)],
            // `init::conv` pads explicitly, the only way these layers are built.
            PaddingConfig2d::Same => {
                unreachable!("spectral layers are built with explicit padding")
            }
        };
        let options =
            ConvOptions::new_with_padding(conv.stride, padding, conv.dilation, conv.groups);
        conv2d(
            x,
            self.weight(),
            conv.bias.as_ref().map(|bias| bias.val()),
            options,
        )
    }
}

/// The DCGAN discriminator's layers as a Wasserstein critic: every convolution under
/// spectral normalisation, no BatchNorm (a critic's score of one image must not depend on
/// the others in its batch), no sigmoid: image [B, 1, 32, 32] -> score [B, 1].
#[derive(Module, Debug)]
pub struct SpectralDiscriminator {
    conv1: SpectralConv2d,
    conv2: SpectralConv2d,
    conv3: SpectralConv2d,
    conv4: SpectralConv2d,
}

impl SpectralDiscriminator {
    /// The critic of width `ndf` (ndf, 2·ndf, 4·ndf channels, as the DCGAN's) on `device`.
    pub fn new(ndf: usize, init: InitScheme, device: &Device) -> Self {
        let layer =
            |channels, kernel| SpectralConv2d::new(conv(channels, kernel, true, init, device));
        Self {
            conv1: layer([1, ndf], K4_S2_P1),
            conv2: layer([ndf, 2 * ndf], K4_S2_P1),
            conv3: layer([2 * ndf, 4 * ndf], K4_S2_P1),
            conv4: layer([4 * ndf, 1], K4_S1_P0),
        }
    }

    /// Scores images; a larger score means "more like the real digits".
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let batch = images.dims()[0];
        let x = leaky_relu(self.conv1.forward(images), LEAKY_SLOPE); // [B, ndf, 16, 16]
        let x = leaky_relu(self.conv2.forward(x), LEAKY_SLOPE); // [B, 2ndf, 8, 8]
        let x = leaky_relu(self.conv3.forward(x), LEAKY_SLOPE); // [B, 4ndf, 4, 4]
        self.conv4.forward(x).reshape([batch, 1]) // [B, 1]
    }
}
