//! The WGAN-GP critic (Gulrajani et al. 2017) and its gradient with respect to its input,
//! written out so that first-order autodiff differentiates the gradient penalty exactly.
//!
//! The penalty λ·E[(‖∇ₓD(x̂)‖₂ − 1)²] needs the weight gradients of an input gradient, and
//! Burn 0.22's autodiff is first-order: `Tensor::grad` returns a tensor with no graph. So
//! [`WganGpCritic::input_gradient`] computes ∇ₓD with ordinary differentiable ops, as the
//! backward pass of the critic's forward pass:
//! - a convolution's input gradient is the transposed convolution of its output gradient with
//!   the same weight tensor (what Burn's own `conv2d_x_backward` does);
//! - LeakyReLU's derivative is the constant mask `slope + (1 − slope)·[a > 0]` of its
//!   pre-activation `a`, detached: its derivative is zero wherever it is defined (as in
//!   PyTorch's double backward, which differentiates LeakyReLU's backward the same way).
//!
//! Autodiff of a penalty on that gradient then gives the penalty's true weight gradients:
//! through the transposed convolutions to every weight, and zero to the biases (they only
//! move the masks).

use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::tensor::module::{conv_transpose2d, conv2d};
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};

use serde::{Deserialize, Serialize};

use super::activation::leaky_relu;
use super::conv::conv_4x4_to_1x1;
use super::dcgan::{DcganConfig, DcganGenerator, LEAKY_SLOPE};
use super::init::{InitScheme, K4_S1_P0, K4_S2_P1, conv};
use super::variant::{
    Architecture, Codes, DiscriminatorNet, Heads, NGF_NDF, Output, TorchLayout, VariantInfo,
};
use crate::latent::Prior;

/// Settings of WGAN-GP: the DCGAN's generator and the critic below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WganGpConfig {
    /// Size of z; 100 as the DCGAN's.
    pub nz: usize,
    /// Generator width, as the DCGAN's (4·ngf, 2·ngf, ngf channels).
    pub ngf: usize,
    /// Critic width, as the DCGAN discriminator's (ndf, 2·ndf, 4·ndf channels).
    pub ndf: usize,
    /// Parameter initialisation.
    pub init: InitScheme,
    /// The distribution z is drawn from.
    #[serde(default)]
    pub prior: Prior,
}

impl Default for WganGpConfig {
    fn default() -> Self {
        Self {
            nz: 100,
            ngf: 32,
            ndf: 32,
            init: InitScheme::Dcgan,
            prior: Prior::Gaussian,
        }
    }
}

impl Architecture for WganGpConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "wgan-gp",
        title: "WGAN-GP (32×32)",
        image_size: 32,
        image_sizes: &[32],
        codes: Codes::None,
        discriminator_reads_labels: false,
        output: Output::Score,
        heads: Heads::NONE,
        input_gradient: true,
        settings: NGF_NDF,
        torch: TorchLayout::SEQUENTIAL,
    };
    type Generator = DcganGenerator;
    type Discriminator = WganGpCritic;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn init_generator(&self, device: &Device) -> DcganGenerator {
        DcganConfig {
            nz: self.nz,
            ngf: self.ngf,
            init: self.init,
            ..DcganConfig::default()
        }
        .init_generator(device)
    }

    fn init_discriminator(&self, device: &Device) -> WganGpCritic {
        WganGpCritic::new(self.ndf, self.init, device)
    }
}

impl DiscriminatorNet for WganGpCritic {
    fn discriminate(&self, images: Tensor<4>, _labels: Option<Tensor<2>>) -> Tensor<2> {
        self.forward(images) // [B, 1]
    }

    fn input_gradient(&self, images: Tensor<4>) -> Option<Tensor<4>> {
        Some(WganGpCritic::input_gradient(self, images)) // [B, 1, 32, 32]
    }
}

/// The WGAN-GP critic: the DCGAN discriminator's convolutions with biases, LeakyReLU(0.2),
/// no BatchNorm (the penalty is per image, so one image's score must not depend on the
/// others in its batch, as the paper says) and no sigmoid: image `[B, 1, 32, 32]` -> score
/// `[B, 1]`.
#[derive(Module, Debug)]
pub struct WganGpCritic {
    conv1: Conv2d,
    conv2: Conv2d,
    conv3: Conv2d,
    conv4: Conv2d,
}

/// A layer's convolution options (stride, padding, dilation, groups), as its `forward` uses.
fn conv_options(layer: &Conv2d) -> ConvOptions<2> {
    let padding = match layer.padding {
        PaddingConfig2d::Explicit(top, left, bottom, right) => [(top, bottom), (left, right)],
        PaddingConfig2d::Valid => [(0, 0), (0, 0)],
        // `init::conv` pads explicitly, the only way these layers are built.
        PaddingConfig2d::Same => {
            unreachable!("the critic's layers are built with explicit padding")
        }
    };
    ConvOptions::new_with_padding(layer.stride, padding, layer.dilation, layer.groups)
}

/// `layer`'s convolution of `x` with `weight` (the layer's own weight, or a detached copy).
fn convolve(layer: &Conv2d, x: Tensor<4>, weight: Tensor<4>, bias: Option<Tensor<1>>) -> Tensor<4> {
    conv2d(x, weight, bias, conv_options(layer))
}

/// The input gradient of `layer` `[B, Cin, H, W]` from its output gradient `[B, Cout, H', W']`:
/// the transposed convolution with the layer's weight `[Cout, Cin, k, k]`, differentiable in
/// it. `input_size` is the layer's input side (H = W): the output padding recovers the rows
/// a strided forward pass dropped (none for the critic's shapes), as `conv2d_x_backward`.
fn convolution_input_gradient(
    layer: &Conv2d,
    output_grad: Tensor<4>,
    input_size: usize,
) -> Tensor<4> {
    let options = conv_options(layer);
    assert!(
        !options.is_asymmetric(),
        "the critic's layers pad each side alike"
    );
    let output_size = output_grad.dims()[2];
    let padding_out: [usize; 2] = std::array::from_fn(|i| {
        let kernel = layer.dilation[i] * (layer.kernel_size[i] - 1) + 1;
        let covered = (output_size - 1) * layer.stride[i] + kernel - 2 * options.padding[i].0;
        input_size - covered
    });
    let transposed = ConvTransposeOptions::new(
        options.stride,
        options.padding_begin(),
        padding_out,
        options.dilation,
        options.groups,
    );
    conv_transpose2d(output_grad, layer.weight.val(), None, transposed)
}

/// LeakyReLU's derivative at the pre-activations `a`: `slope` where `a ≤ 0`, 1 where `a > 0`
/// (PyTorch's convention at 0), a constant: detached.
fn leaky_relu_derivative(pre_activation: Tensor<4>) -> Tensor<4> {
    let positive = pre_activation.clone().greater_elem(0.0);
    pre_activation
        .ones_like()
        .mul_scalar(LEAKY_SLOPE)
        .mask_fill(positive, 1.0)
        .detach()
}

impl WganGpCritic {
    /// The critic of width `ndf` (ndf, 2·ndf, 4·ndf channels at 16x16, 8x8 and 4x4, as the
    /// DCGAN's) on `device`, every convolution with a bias.
    pub fn new(ndf: usize, init: InitScheme, device: &Device) -> Self {
        Self {
            conv1: conv([1, ndf], K4_S2_P1, true, init, device),
            conv2: conv([ndf, 2 * ndf], K4_S2_P1, true, init, device),
            conv3: conv([2 * ndf, 4 * ndf], K4_S2_P1, true, init, device),
            conv4: conv([4 * ndf, 1], K4_S1_P0, true, init, device),
        }
    }

    /// The convolutions in the order an image passes them (PyTorch's layer order).
    fn layers(&self) -> [&Conv2d; 4] {
        [&self.conv1, &self.conv2, &self.conv3, &self.conv4]
    }

    /// Scores images; a larger score means "more like the real digits".
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let batch = images.dims()[0];
        let layer = |conv: &Conv2d, x| {
            let bias = conv.bias.as_ref().map(|bias| bias.val());
            convolve(conv, x, conv.weight.val(), bias)
        };
        let x = leaky_relu(layer(&self.conv1, images), LEAKY_SLOPE); // [B, ndf, 16, 16]
        let x = leaky_relu(layer(&self.conv2, x), LEAKY_SLOPE); // [B, 2ndf, 8, 8]
        let x = leaky_relu(layer(&self.conv3, x), LEAKY_SLOPE); // [B, 4ndf, 4, 4]
        conv_4x4_to_1x1(&self.conv4, x).reshape([batch, 1]) // [B, 1]
    }

    /// The pre-activations of the three hidden layers, from detached weights and images:
    /// only the masks are read from them, and a graph that no backward pass consumes would
    /// stay in the autodiff graph.
    fn pre_activations(&self, images: Tensor<4>) -> [Tensor<4>; 3] {
        let layer = |conv: &Conv2d, x| {
            let bias = conv.bias.as_ref().map(|bias| bias.val().detach());
            convolve(conv, x, conv.weight.val().detach(), bias)
        };
        let a1 = layer(&self.conv1, images.detach()); // [B, ndf, 16, 16]
        let a2 = layer(&self.conv2, leaky_relu(a1.clone(), LEAKY_SLOPE)); // [B, 2ndf, 8, 8]
        let a3 = layer(&self.conv3, leaky_relu(a2.clone(), LEAKY_SLOPE)); // [B, 4ndf, 4, 4]
        [a1, a2, a3]
    }

    /// ∂D(x_b)/∂x_b for each image `[B, 1, 32, 32]`: the critic's backward pass written as
    /// a forward computation (transposed convolutions with the layers' weight tensors,
    /// LeakyReLU masks), so it is differentiable with respect to the weights, which
    /// `Tensor::grad` is not. Each image's gradient depends on that image alone (no
    /// BatchNorm), so this is also ∇ₓ of Σ_b D(x_b).
    pub fn input_gradient(&self, images: Tensor<4>) -> Tensor<4> {
        let [batch, _, size, _] = images.dims();
        let [a1, a2, a3] = self.pre_activations(images.clone());
        let [conv1, conv2, conv3, conv4] = self.layers();
        // ∂D/∂D = 1 per image, as the output of the last layer
        let ones = Tensor::<4>::ones([batch, 1, 1, 1], (&images.device(), images.dtype()));
        let g = convolution_input_gradient(conv4, ones, a3.dims()[2]); // [B, 4ndf, 4, 4]
        let g = g * leaky_relu_derivative(a3); // [B, 4ndf, 4, 4]
        let g = convolution_input_gradient(conv3, g, a2.dims()[2]); // [B, 2ndf, 8, 8]
        let g = g * leaky_relu_derivative(a2); // [B, 2ndf, 8, 8]
        let g = convolution_input_gradient(conv2, g, a1.dims()[2]); // [B, ndf, 16, 16]
        let g = g * leaky_relu_derivative(a1); // [B, ndf, 16, 16]
        convolution_input_gradient(conv1, g, size) // [B, 1, 32, 32]
    }
}
