//! The lab's networks: small fully connected nets on points of the plane.

use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};
use burn::tensor::module::linear as affine;
use serde::{Deserialize, Serialize};

use crate::model::activation::leaky_relu;
use crate::model::init::{InitScheme, linear};

/// The nonlinearity after each hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// max(0, x).
    #[default]
    Relu,
    /// max(0.2x, x): keeps a gradient below zero.
    LeakyRelu,
    /// tanh: smooth, so the generator's manifold bends smoothly.
    Tanh,
}

impl Activation {
    /// Every activation, in the order menus list them.
    pub const ALL: &'static [Activation] =
        &[Activation::Relu, Activation::LeakyRelu, Activation::Tanh];

    /// The name in settings and links.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky-relu",
            Activation::Tanh => "tanh",
        }
    }

    /// How menus show it.
    pub fn title(self) -> &'static str {
        match self {
            Activation::Relu => "ReLU",
            Activation::LeakyRelu => "LeakyReLU(0.2)",
            Activation::Tanh => "tanh",
        }
    }

    fn apply(self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Activation::Relu => relu(x),
            Activation::LeakyRelu => leaky_relu(x, LEAKY_SLOPE),
            Activation::Tanh => tanh(x),
        }
    }

    /// Whether the activation is piecewise linear: its derivative is then a constant mask,
    /// whose own derivative is zero wherever it is defined.
    fn is_piecewise_linear(self) -> bool {
        matches!(self, Activation::Relu | Activation::LeakyRelu)
    }

    /// The activation's derivative at the pre-activations `a` `[B, units]`: the detached
    /// masks `[a > 0]` and `0.2 + 0.8·[a > 0]` (0 counts as negative, as in PyTorch), and
    /// `1 − tanh(a)²` as a differentiable op (its own derivative is part of the penalty's).
    fn derivative(self, pre_activation: Tensor<2>) -> Tensor<2> {
        let positive = || pre_activation.clone().greater_elem(0.0);
        match self {
            Activation::Relu => pre_activation
                .zeros_like()
                .mask_fill(positive(), 1.0)
                .detach(),
            Activation::LeakyRelu => pre_activation
                .ones_like()
                .mul_scalar(LEAKY_SLOPE)
                .mask_fill(positive(), 1.0)
                .detach(),
            Activation::Tanh => tanh(pre_activation).square().neg().add_scalar(1.0),
        }
    }
}

/// The slope of [`Activation::LeakyRelu`] below zero.
const LEAKY_SLOPE: f64 = 0.2;

/// The shape of one network: hidden layers, their width and their activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetConfig {
    /// Hidden layers; 2 is enough for every shape here.
    pub layers: usize,
    /// Units per hidden layer; 64 covered all 8 modes of the ring within 1,500 steps from
    /// seeds 1 to 3 (32 left one uncovered from seed 1), and a step stays near a millisecond.
    pub units: usize,
    /// The nonlinearity; LeakyReLU keeps D's gradient alive away from the data, where ReLU
    /// units die (and tanh costs Burn's CPU backend five times a ReLU's step).
    pub activation: Activation,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            layers: 2,
            units: 64,
            activation: Activation::LeakyRelu,
        }
    }
}

/// The most hidden layers a network may have.
pub const MAX_LAYERS: usize = 4;
/// The most units a hidden layer may have.
pub const MAX_UNITS: usize = 128;

impl NetConfig {
    /// Checks ranges; the message names `which` network.
    pub fn validate(&self, which: &str) -> Result<(), String> {
        if !(1..=MAX_LAYERS).contains(&self.layers) {
            return Err(format!(
                "{which}: hidden layers must be 1 to {MAX_LAYERS}, got {}",
                self.layers
            ));
        }
        if !(1..=MAX_UNITS).contains(&self.units) {
            return Err(format!(
                "{which}: units per layer must be 1 to {MAX_UNITS}, got {}",
                self.units
            ));
        }
        Ok(())
    }

    /// A network from `inputs` to `outputs` numbers with this shape (the framework's
    /// default initialisation, which suits plain MLPs).
    pub fn init(&self, inputs: usize, outputs: usize, device: &Device) -> PlaneNet {
        let mut layers = Vec::with_capacity(self.layers);
        let mut width = inputs;
        for _ in 0..self.layers {
            layers.push(linear(width, self.units, InitScheme::Default, device));
            width = self.units;
        }
        PlaneNet {
            hidden: layers,
            output: linear(width, outputs, InitScheme::Default, device),
        }
    }
}

/// A fully connected network: hidden layers with an activation, then a linear output (the
/// generator's points are not squashed; the discriminator's output is a logit or a score).
#[derive(Module, Debug)]
pub struct PlaneNet {
    hidden: Vec<Linear>,
    output: Linear,
}

impl PlaneNet {
    /// `x` `[B, inputs]` → `[B, outputs]`.
    pub fn forward(&self, x: Tensor<2>, activation: Activation) -> Tensor<2> {
        let mut x = x;
        for layer in &self.hidden {
            x = activation.apply(layer.forward(x)); // [B, units]
        }
        self.output.forward(x) // [B, outputs]
    }

    /// ∂(Σ outputs)/∂x for each row of `x` `[B, inputs]` (D's one score: ∇ₓD), written out
    /// as the backward pass: the output gradient times each layer's transposed weight, times
    /// the activation's derivative at its pre-activation. Unlike `Tensor::grad` it is
    /// differentiable in the weights, which WGAN-GP's gradient penalty needs
    /// ([`crate::train::penalty`]).
    pub fn input_gradient(&self, x: Tensor<2>, activation: Activation) -> Tensor<2> {
        // ReLU's and LeakyReLU's derivatives are constant masks: their pre-activations come
        // from detached weights and points, or a graph no backward pass consumes would stay
        // in the autodiff graph. tanh's derivative depends on the weights: tracked.
        let detach = activation.is_piecewise_linear();
        let [batch, _] = x.dims();
        let (device, dtype) = (x.device(), x.dtype());
        let mut h = if detach { x.detach() } else { x };
        let mut pre_activations = Vec::with_capacity(self.hidden.len());
        for layer in &self.hidden {
            let (weight, bias) = (layer.weight.val(), layer.bias.as_ref().map(|b| b.val()));
            let (weight, bias) = if detach {
                (weight.detach(), bias.map(Tensor::detach))
            } else {
                (weight, bias)
            };
            let a = affine(h, weight, bias); // [B, units]
            h = activation.apply(a.clone()); // [B, units]
            pre_activations.push(a);
        }
        let outputs = self.output.weight.dims()[1];
        let ones = Tensor::<2>::ones([batch, outputs], (&device, dtype)); // [B, outputs]
        let mut g = ones.matmul(self.output.weight.val().transpose()); // [B, units]
        for (layer, a) in self.hidden.iter().zip(pre_activations).rev() {
            g = g * activation.derivative(a); // [B, units]
            g = g.matmul(layer.weight.val().transpose()); // [B, inputs or units]
        }
        g // [B, inputs]
    }
}
