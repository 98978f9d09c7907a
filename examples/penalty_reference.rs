//! Writes the figures `tools/pytorch/check_penalty.py` compares with PyTorch's double
//! backward: a small WGAN-GP critic drawn from a fixed seed, a batch of real and fake
//! images, ε, and what GAN Studio computes from them (scores, the explicit input gradient
//! at the interpolates, the gradient penalty and every parameter's gradient of it), as one
//! JSON file. Not run by the tests (it needs PyTorch on the other side):
//!
//!     cargo run --release --example penalty_reference -- /tmp/penalty.json
//!     ~/.cache/gan-studio/bench-venv/bin/python tools/pytorch/check_penalty.py /tmp/penalty.json

use std::collections::BTreeMap;

use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::Gradients;
use gan_studio::model::dcgan::LEAKY_SLOPE;
use gan_studio::model::init::{InitScheme, materialize, seeded_init};
use gan_studio::model::wgan_gp::WganGpCritic;
use gan_studio::rng::SplitMix64;
use gan_studio::train::penalty::{PAPER_WEIGHT, gradient_penalty, interpolates};
use serde_json::{Value, json};

/// The critic's width: small enough to read, wide enough for every channel count to differ.
const NDF: usize = 4;
/// Images per batch.
const BATCH: usize = 4;
/// Seed of the weights and (offset) of the images and ε.
const SEED: u64 = 2017;
/// Factor on every weight (not the biases) after Burn's default init: the critic's input
/// gradients then have norms near 1, on both sides of it, instead of a few hundredths, so
/// the check exercises (‖g‖ − 1) of either sign.
const WEIGHT_GAIN: f64 = 2.35;

/// A tensor as JSON: its shape and its values, row-major (f32 widened to f64 exactly).
fn tensor_json<const D: usize>(tensor: Tensor<D>) -> Value {
    let shape = tensor.dims().to_vec();
    let values: Vec<f64> = tensor
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("float data");
    json!({ "shape": shape, "values": values })
}

/// Multiplies every weight by [`WEIGHT_GAIN`], keeping it a tracked leaf.
struct Gain {
    path: Vec<String>,
}

impl ModuleMapper for Gain {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        if self.path.last().is_some_and(|name| name == "bias") {
            return param;
        }
        param.map(|tensor| tensor.mul_scalar(WEIGHT_GAIN).detach().require_grad())
    }
}

/// Every parameter (by its PyTorch state-dict name) and its gradient, if `grads` is given.
struct Parameters<'a> {
    path: Vec<String>,
    grads: Option<&'a Gradients>,
    found: BTreeMap<String, Value>,
}

impl ModuleVisitor for Parameters<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let tensor = match self.grads {
            // a parameter outside the penalty's graph (the biases) has a zero gradient
            Some(grads) => value.grad(grads).unwrap_or_else(|| value.zeros_like()),
            None => value,
        };
        self.found.insert(self.path.join("."), tensor_json(tensor));
    }
}

fn parameters(critic: &WganGpCritic, grads: Option<&Gradients>) -> Value {
    let mut visitor = Parameters {
        path: Vec::new(),
        grads,
        found: BTreeMap::new(),
    };
    critic.visit(&mut visitor);
    json!(visitor.found)
}

/// `count` values uniform in [-1, 1) from `seed`.
fn uniform(seed: u64, count: usize) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    (0..count)
        .map(|_| (2.0 * rng.next_f64() - 1.0) as f32)
        .collect()
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: penalty_reference OUT.json");
        std::process::exit(2);
    };
    let device = Device::flex().autodiff();
    // Burn's default init: biases that are not zero, so the masks depend on them
    let critic = seeded_init(&device, SEED, || {
        let critic = WganGpCritic::new(NDF, InitScheme::Default, &device);
        materialize(&critic);
        critic
    })
    .map(&mut Gain { path: Vec::new() });
    let images = |seed| {
        let values = uniform(seed, BATCH * 32 * 32);
        Tensor::<4>::from_data(TensorData::new(values, [BATCH, 1, 32, 32]), &device)
    };
    let (real, fake) = (images(SEED + 1), images(SEED + 2));
    let mut rng = SplitMix64::new(SEED + 3);
    let epsilon: Vec<f32> = (0..BATCH).map(|_| rng.next_f64() as f32).collect();
    let epsilon = Tensor::<1>::from_data(TensorData::new(epsilon, [BATCH]), &device);

    let mixed = interpolates(real.clone(), fake.clone(), epsilon.clone()); // [B, 1, 32, 32]
    let scores = critic.forward(mixed.clone()); // [B, 1]
    let input_gradient = critic.input_gradient(mixed); // [B, 1, 32, 32]
    let penalty = gradient_penalty(input_gradient.clone(), PAPER_WEIGHT); // [1]
    let grads = penalty.backward();

    let out = json!({
        "ndf": NDF,
        "slope": LEAKY_SLOPE,
        "lambda": PAPER_WEIGHT,
        "weights": parameters(&critic, None),
        "real": tensor_json(real),
        "fake": tensor_json(fake),
        "epsilon": tensor_json(epsilon),
        "scores": tensor_json(scores),
        "input_gradient": tensor_json(input_gradient),
        "penalty": tensor_json(penalty.clone()),
        "gradients": parameters(&critic, Some(&grads)),
    });
    std::fs::write(&path, out.to_string()).unwrap_or_else(|e| {
        eprintln!("writing {path}: {e}");
        std::process::exit(1);
    });
    let penalty = penalty.into_scalar::<f32>();
    println!("wrote {path}: ndf {NDF}, batch {BATCH}, penalty {penalty}");
}
