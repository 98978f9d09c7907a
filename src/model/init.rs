//! Weight initialisation schemes and the layer constructors that apply them.
//!
//! "DCGAN init" (Radford et al. 2015, and the course): conv and linear weights ~ N(0, 0.02),
//! biases 0, BatchNorm weight ~ N(1, 0.02) and bias 0. "Default" keeps Burn's own
//! initialisers (Kaiming-uniform, like PyTorch's defaults).

use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::Distribution;
use serde::{Deserialize, Serialize};

/// How a model's parameters are initialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum InitScheme {
    /// Weights N(0, 0.02), biases 0, BatchNorm gamma N(1, 0.02): the DCGAN paper's choice.
    #[default]
    Dcgan,
    /// Burn's default initialisers (Kaiming-uniform weights and biases, BatchNorm gamma 1).
    Default,
    /// Glorot's uniform weights (`xavier_uniform_`, gain 1) with Burn's default biases and
    /// BatchNorm: CS231N's `initialize_weights`.
    Xavier,
}

impl InitScheme {
    /// Every scheme, in the order menus and `--help` list them.
    pub const ALL: &'static [InitScheme] =
        &[InitScheme::Dcgan, InitScheme::Default, InitScheme::Xavier];

    /// The name used on the command line and in checkpoints.
    pub fn name(self) -> &'static str {
        match self {
            InitScheme::Dcgan => "dcgan",
            InitScheme::Default => "default",
            InitScheme::Xavier => "xavier",
        }
    }

    /// How menus show the scheme.
    pub fn title(self) -> &'static str {
        match self {
            InitScheme::Dcgan => "DCGAN: N(0, 0.02)",
            InitScheme::Default => "framework default",
            InitScheme::Xavier => "Xavier uniform (CS231N)",
        }
    }

    /// Parses a name from [`InitScheme::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|i| i.name() == name)
    }

    /// The weights' initialiser for a layer whose fan-in and fan-out sum to `fans` (PyTorch's
    /// definition: a layer's inputs and outputs times its kernel's area), or `None` for Burn's
    /// own.
    fn weight_initializer(self, fans: usize) -> Option<Initializer> {
        match self {
            InitScheme::Dcgan => Some(Initializer::Normal {
                mean: 0.0,
                std: 0.02,
            }),
            InitScheme::Default => None,
            // Burn's XavierUniform needs a fan-out its convolutions do not pass: the same
            // bound, sqrt(6 / (fan_in + fan_out)), given directly.
            InitScheme::Xavier => {
                let bound = (6.0 / fans as f64).sqrt();
                Some(Initializer::Uniform {
                    min: -bound,
                    max: bound,
                })
            }
        }
    }
}

/// Shape of a square convolution: kernel, stride, padding.
#[derive(Debug, Clone, Copy)]
pub struct Kernel {
    /// Kernel side.
    pub size: usize,
    /// Stride.
    pub stride: usize,
    /// Zero padding on each side.
    pub padding: usize,
}

/// k4 s1 p0: 1x1 -> 4x4 (transposed) or 4x4 -> 1x1.
pub const K4_S1_P0: Kernel = Kernel {
    size: 4,
    stride: 1,
    padding: 0,
};
/// k4 s2 p1: doubles (transposed) or halves the spatial size.
pub const K4_S2_P1: Kernel = Kernel {
    size: 4,
    stride: 2,
    padding: 1,
};

fn zero_bias(bias: Option<Param<Tensor<1>>>, init: InitScheme) -> Option<Param<Tensor<1>>> {
    match init {
        InitScheme::Dcgan => {
            bias.map(|b| Param::from_tensor(Tensor::zeros(b.shape(), &b.device()).detach()))
        }
        InitScheme::Default | InitScheme::Xavier => bias,
    }
}

/// A transposed convolution `channels_in -> channels_out` with the given kernel.
pub fn conv_transpose(
    channels: [usize; 2],
    kernel: Kernel,
    bias: bool,
    init: InitScheme,
    device: &Device,
) -> ConvTranspose2d {
    let mut config = ConvTranspose2dConfig::new(channels, [kernel.size, kernel.size])
        .with_stride([kernel.stride, kernel.stride])
        .with_padding([kernel.padding, kernel.padding])
        .with_bias(bias);
    let fans = (channels[0] + channels[1]) * kernel.size * kernel.size;
    if let Some(initializer) = init.weight_initializer(fans) {
        config = config.with_initializer(initializer);
    }
    let mut layer = config.init(device);
    layer.bias = zero_bias(layer.bias, init);
    layer
}

/// A convolution `channels_in -> channels_out` with the given kernel.
pub fn conv(
    channels: [usize; 2],
    kernel: Kernel,
    bias: bool,
    init: InitScheme,
    device: &Device,
) -> Conv2d {
    let mut config = Conv2dConfig::new(channels, [kernel.size, kernel.size])
        .with_stride([kernel.stride, kernel.stride])
        .with_padding(PaddingConfig2d::Explicit(
            kernel.padding,
            kernel.padding,
            kernel.padding,
            kernel.padding,
        ))
        .with_bias(bias);
    let fans = (channels[0] + channels[1]) * kernel.size * kernel.size;
    if let Some(initializer) = init.weight_initializer(fans) {
        config = config.with_initializer(initializer);
    }
    let mut layer = config.init(device);
    layer.bias = zero_bias(layer.bias, init);
    layer
}

/// A fully connected layer with bias.
pub fn linear(inputs: usize, outputs: usize, init: InitScheme, device: &Device) -> Linear {
    let mut config = LinearConfig::new(inputs, outputs);
    if let Some(initializer) = init.weight_initializer(inputs + outputs) {
        config = config.with_initializer(initializer);
    }
    let mut layer = config.init(device);
    layer.bias = zero_bias(layer.bias, init);
    layer
}

/// BatchNorm over `features` channels (PyTorch's eps 1e-5 and momentum 0.1).
pub fn batch_norm(features: usize, init: InitScheme, device: &Device) -> BatchNorm {
    let mut layer = BatchNormConfig::new(features).init(device);
    if init == InitScheme::Dcgan {
        // Detached: the affine transform inside the normal sampler must not make it a graph node.
        let gamma = Tensor::random([features], Distribution::Normal(1.0, 0.02), device).detach();
        layer.gamma = Param::from_tensor(gamma);
    }
    layer
}

/// Runs `init` with `device`'s RNG seeded with `seed`; `init` builds the modules and draws
/// every parameter (with [`materialize`]) before it returns.
///
/// The device RNG is process-wide: one lock, held from seeding to the last draw, keeps runs
/// started on other threads (a GAN's or the classifier's) from interleaving their draws.
pub fn seeded_init<T>(device: &Device, seed: u64, init: impl FnOnce() -> T) -> T {
    static SEEDED_INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = SEEDED_INIT.lock().unwrap_or_else(|e| e.into_inner());
    device.seed(seed);
    init()
}

/// Draws every lazily initialised parameter of `module` now.
///
/// Burn initialises parameters on first use; a seeded initialisation must force the draws
/// while the seed is in effect, or another run's draws could come between.
pub fn materialize<M: Module>(module: &M) {
    struct Touch;
    impl burn::module::ModuleVisitor for Touch {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let _ = param.val();
        }
    }
    module.visit(&mut Touch);
}
