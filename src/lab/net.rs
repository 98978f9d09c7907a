//! The lab's networks: small fully connected nets on points of the plane.

use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};
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
            Activation::LeakyRelu => leaky_relu(x, 0.2),
            Activation::Tanh => tanh(x),
        }
    }
}

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
}
