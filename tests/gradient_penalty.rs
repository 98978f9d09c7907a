//! WGAN-GP's gradient penalty without second-order autodiff: the critic's explicit input
//! gradient equals autodiff's, and first-order autodiff of the penalty built on it gives
//! every parameter's true gradient (central finite differences in f64).
//!
//! Every random number comes from the project's SplitMix64 (Burn's device RNG is shared by
//! tests on other threads); weights are drawn under `seeded_init`.

use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::{DType, Gradients};
use gan_studio::model::init::{InitScheme, materialize, seeded_init};
use gan_studio::model::wgan_gp::WganGpCritic;
use gan_studio::rng::SplitMix64;
use gan_studio::train::penalty::{PAPER_WEIGHT, gradient_penalty, interpolates};

/// A critic of width `ndf` drawn from `seed` on the autodiff CPU device.
fn critic(ndf: usize, init: InitScheme, seed: u64) -> WganGpCritic {
    let device = Device::flex().autodiff();
    seeded_init(&device, seed, || {
        let critic = WganGpCritic::new(ndf, init, &device);
        materialize(&critic);
        critic
    })
}

/// `count` values uniform in [-1, 1) (pixels) from `seed`.
fn uniform(seed: u64, count: usize) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    (0..count).map(|_| 2.0 * rng.next_f64() - 1.0).collect()
}

/// `values` as a tensor of `shape` and `dtype` on `device`.
fn tensor<const D: usize>(
    values: Vec<f64>,
    shape: [usize; D],
    dtype: DType,
    device: &Device,
) -> Tensor<D> {
    Tensor::from_data(TensorData::new(values, shape), (device, dtype))
}

fn to_f64<const D: usize>(tensor: Tensor<D>) -> Vec<f64> {
    tensor
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("float data")
}

/// The largest |a − b| and the largest |b|.
fn max_difference(a: &[f64], b: &[f64]) -> (f64, f64) {
    assert_eq!(a.len(), b.len());
    let difference = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    (difference, b.iter().map(|y| y.abs()).fold(0.0, f64::max))
}

#[test]
fn the_explicit_input_gradient_is_autodiffs() {
    let device = Device::flex().autodiff();
    let batch = 3;
    for (ndf, init, seed) in [
        (4, InitScheme::Default, 11),
        (4, InitScheme::Dcgan, 12),
        (32, InitScheme::Default, 13),
        (32, InitScheme::Dcgan, 14),
    ] {
        let critic = critic(ndf, init, seed);
        let images = tensor(
            uniform(seed, batch * 32 * 32),
            [batch, 1, 32, 32],
            DType::F32,
            &device,
        );
        let explicit = critic.input_gradient(images.clone()); // [B, 1, 32, 32]
        assert_eq!(explicit.dims(), [batch, 1, 32, 32]);

        let x = images.require_grad();
        let grads = critic.forward(x.clone()).sum().backward();
        let autodiff = x.grad(&grads).expect("x is tracked"); // [B, 1, 32, 32]

        let (difference, largest) = max_difference(&to_f64(explicit), &to_f64(autodiff));
        println!(
            "ndf {ndf} {init:?}: max |explicit − autodiff| {difference:.3e}, max |∇x D| {largest:.3e}"
        );
        assert!(largest > 0.0, "a zero gradient checks nothing");
        assert!(
            difference <= 1e-5 && difference <= 1e-4 * largest,
            "ndf {ndf} {init:?}: differ by {difference:e} (gradient up to {largest:e})"
        );
    }
}

#[test]
fn interpolates_take_one_epsilon_per_sample_and_a_zero_gradient_stays_finite() {
    let device = Device::flex().autodiff();
    let real = tensor(vec![1.0; 8], [2, 1, 2, 2], DType::F32, &device);
    let fake = tensor(vec![-1.0; 8], [2, 1, 2, 2], DType::F32, &device);
    let epsilon = tensor(vec![1.0, 0.25], [2], DType::F32, &device);
    let mixed = to_f64(interpolates(real, fake, epsilon));
    assert_eq!(
        mixed,
        [[1.0; 4], [-0.5; 4]].concat(),
        "ε = 1 is real, 0.25 a quarter of it"
    );

    // ‖0‖ has no derivative: the penalty's is finite (zero) all the same
    let zero = tensor(vec![0.0; 8], [2, 1, 2, 2], DType::F32, &device).require_grad();
    let penalty = gradient_penalty(zero.clone(), PAPER_WEIGHT);
    let grads = penalty.backward();
    let gradient = to_f64(zero.grad(&grads).expect("tracked"));
    assert!(gradient.iter().all(|g| *g == 0.0), "{gradient:?}");
    // the norm is √(0 + 1e-12) = 1e-6: the penalty is λ(1e-6 − 1)²
    let value = to_f64(penalty)[0];
    assert!((value - PAPER_WEIGHT).abs() < 1e-4, "penalty {value}");
}

/// Every float parameter's values, in the module's order, with its path.
#[derive(Default)]
struct Values {
    path: Vec<String>,
    params: Vec<(String, Vec<f64>)>,
}

impl ModuleVisitor for Values {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.params.push((self.path.join("."), to_f64(param.val())));
    }
}

/// Every float parameter's gradient in `grads` (zeros where the parameter has none).
struct GradientsOf<'a> {
    grads: &'a Gradients,
    found: Vec<Vec<f64>>,
}

impl ModuleVisitor for GradientsOf<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let gradient = match value.grad(self.grads) {
            Some(gradient) => to_f64(gradient),
            None => vec![0.0; value.shape().num_elements()],
        };
        self.found.push(gradient);
    }
}

/// Casts every parameter to f64, keeping it a tracked leaf.
struct ToF64;

impl ModuleMapper for ToF64 {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        param.map(|tensor| {
            let tracked = tensor.is_require_grad();
            let cast = tensor.cast(DType::F64).detach();
            if tracked { cast.require_grad() } else { cast }
        })
    }
}

/// Adds `delta` to entry `entry` of parameter number `target` (in visiting order).
struct Nudge {
    target: usize,
    entry: usize,
    delta: f64,
    seen: usize,
}

impl ModuleMapper for Nudge {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let index = self.seen;
        self.seen += 1;
        if index != self.target {
            return param;
        }
        let (entry, delta) = (self.entry, self.delta);
        param.map(|tensor| {
            let (shape, device) = (tensor.dims(), tensor.device());
            let mut values = to_f64(tensor);
            values[entry] += delta;
            tensor_of_shape(values, shape, &device)
        })
    }
}

fn tensor_of_shape<const D: usize>(
    values: Vec<f64>,
    shape: [usize; D],
    device: &Device,
) -> Tensor<D> {
    tensor(values, shape, DType::F64, device)
}

#[test]
fn the_penalty_s_weight_gradients_are_finite_differences() {
    let (ndf, batch) = (2, 2);
    let device = Device::flex().autodiff();
    let inner = device.clone().inner();
    // Burn's default init: biases that are not zero, so the masks depend on them
    let critic = critic(ndf, InitScheme::Default, 21).map(&mut ToF64);
    let real = uniform(22, batch * 32 * 32);
    let fake = uniform(23, batch * 32 * 32);
    let mut rng = SplitMix64::new(24);
    let epsilon: Vec<f64> = (0..batch).map(|_| rng.next_f64()).collect();
    let mixed = |device: &Device| {
        let image =
            |values: &Vec<f64>| tensor(values.clone(), [batch, 1, 32, 32], DType::F64, device);
        interpolates(
            image(&real),
            image(&fake),
            tensor(epsilon.clone(), [batch], DType::F64, device),
        ) // [B, 1, 32, 32]
    };
    let penalty_of = |critic: &WganGpCritic, device: &Device| {
        gradient_penalty(critic.input_gradient(mixed(device)), PAPER_WEIGHT) // [1]
    };

    let penalty = penalty_of(&critic, &device);
    assert_eq!(penalty.dtype(), DType::F64, "the check runs in f64");
    let grads = penalty.backward();
    let mut autodiff = GradientsOf {
        grads: &grads,
        found: Vec::new(),
    };
    critic.visit(&mut autodiff);
    let mut values = Values::default();
    critic.visit(&mut values);
    let autodiff = autodiff.found;
    let value = to_f64(penalty)[0];
    println!("penalty {value:.6} (λ = {PAPER_WEIGHT})");

    // central differences on the critic without autodiff, every entry of every parameter
    let plain = critic.valid();
    let at = |target: usize, entry: usize, delta: f64| {
        let nudged = plain.clone().map(&mut Nudge {
            target,
            entry,
            delta,
            seen: 0,
        });
        to_f64(penalty_of(&nudged, &inner))[0]
    };
    // h = 1e-6 in f64: truncation error ~h², rounding ~1e-16·penalty/h, both far below the
    // tolerance. The penalty is smooth in the weights while no pre-activation changes sign
    // within ±h of them; for this seed none does (a sign change would show as one entry
    // off by orders of magnitude, the same on every run: the inputs are fixed)
    let step = 1e-6;
    let largest = autodiff
        .iter()
        .flatten()
        .map(|g| g.abs())
        .fold(0.0, f64::max);
    let mut worst_weight: f64 = 0.0;
    for (target, ((name, params), gradient)) in values.params.iter().zip(&autodiff).enumerate() {
        let is_bias = name.ends_with("bias");
        let mut worst: f64 = 0.0;
        let mut largest_fd: f64 = 0.0;
        assert_eq!(gradient.len(), params.len(), "{name}");
        for (entry, &autodiff) in gradient.iter().enumerate() {
            let fd = (at(target, entry, step) - at(target, entry, -step)) / (2.0 * step);
            largest_fd = largest_fd.max(fd.abs());
            // relative to the entry, or to a thousandth of the largest gradient for the
            // entries near zero
            let scale = autodiff.abs().max(1e-3 * largest);
            worst = worst.max((fd - autodiff).abs() / scale);
        }
        println!(
            "{name}: {} entries, max relative |fd − autodiff| {worst:.3e}, max |fd| {largest_fd:.3e}",
            params.len()
        );
        if is_bias {
            // the biases only move the masks: the penalty is flat in them (almost everywhere)
            assert!(gradient.iter().all(|g| *g == 0.0), "{name}: {gradient:?}");
            assert!(
                largest_fd <= 1e-6 * largest,
                "{name}: fd up to {largest_fd:e}"
            );
        } else {
            assert!(
                largest_fd > 0.0,
                "{name}: the penalty does not depend on it"
            );
            worst_weight = worst_weight.max(worst);
        }
    }
    assert!(
        worst_weight <= 1e-3,
        "weights: relative difference up to {worst_weight:e}"
    );
}
