//! Our fast forms of LeakyReLU and BatchNorm's training pass against Burn's own: the same
//! outputs, gradients and running statistics, so the models compute what they did before.

use burn::module::Param;
use burn::nn::BatchNormConfig;
use burn::prelude::*;
use burn::tensor::Distribution;
use burn::tensor::activation;
use gan_studio::model::init::{materialize, seeded_init};
use gan_studio::model::{activation::leaky_relu, norm};

fn device() -> Device {
    Device::flex().autodiff()
}

/// Largest absolute difference between two tensors' values.
fn max_diff<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> f32 {
    a.sub(b).abs().max().into_scalar::<f32>()
}

/// `shape` drawn from `distribution` with the device's RNG seeded with `seed`, under the
/// seeded-init lock: the RNG is process-wide and the tests run on threads of their own, so
/// every draw in this file takes the lock.
fn random<const D: usize>(
    shape: [usize; D],
    distribution: Distribution,
    seed: u64,
    device: &Device,
) -> Tensor<D> {
    seeded_init(device, seed, || Tensor::random(shape, distribution, device))
}

/// A fixed input with negative, zero and positive values.
fn input(device: &Device) -> Tensor<4> {
    random([4, 3, 5, 5], Distribution::Normal(0.5, 2.0), 7, device)
}

#[test]
fn leaky_relu_matches_burns_values_and_gradients() {
    let device = device();
    let x = input(&device).require_grad();
    // A weighting that makes each output's gradient different.
    let weights = random([4, 3, 5, 5], Distribution::Uniform(-1.0, 1.0), 8, &device);

    let ours = leaky_relu(x.clone(), 0.2);
    let burns = activation::leaky_relu(x.clone(), 0.2);
    assert!(
        max_diff(ours.clone(), burns.clone()) < 1e-6,
        "forward values differ"
    );

    let grad_ours = x.grad(&(ours * weights.clone()).sum().backward()).unwrap();
    let grad_burns = x.grad(&(burns * weights).sum().backward()).unwrap();
    assert!(max_diff(grad_ours, grad_burns) < 1e-6, "gradients differ");

    // and the values themselves: x where x > 0, 0.2·x elsewhere
    let values: Vec<f32> = leaky_relu(Tensor::<1>::from_floats([-2.0, 0.0, 3.0], &device), 0.2)
        .into_data()
        .try_to_vec()
        .unwrap();
    assert!((values[0] + 0.4).abs() < 1e-6 && values[1] == 0.0 && (values[2] - 3.0).abs() < 1e-6);
}

#[test]
fn batch_norm_training_pass_matches_burns() {
    let device = device();
    let x = input(&device).require_grad();
    let weights = random([4, 3, 5, 5], Distribution::Uniform(-1.0, 1.0), 8, &device);
    let make = || {
        let mut bn = BatchNormConfig::new(3).init(&device);
        // non-trivial gamma and beta
        bn.gamma = Param::from_tensor(Tensor::from_floats([1.75, 0.4, 1.1], &device));
        bn.beta = Param::from_tensor(Tensor::from_floats([-0.5, 0.0, 0.3], &device));
        bn
    };
    let (ours_bn, burns_bn) = (make(), make());

    let ours = norm::batch_norm(&ours_bn, x.clone());
    let burns = burns_bn.forward(x.clone());
    assert!(
        max_diff(ours.clone(), burns.clone()) < 1e-5,
        "outputs differ"
    );

    let grads_ours = (ours * weights.clone()).sum().backward();
    let grads_burns = (burns * weights).sum().backward();
    let (a, b) = (x.grad(&grads_ours).unwrap(), x.grad(&grads_burns).unwrap());
    assert!(max_diff(a, b) < 1e-5, "input gradients differ");
    for (name, a, b) in [
        (
            "gamma",
            ours_bn.gamma.val().grad(&grads_ours),
            burns_bn.gamma.val().grad(&grads_burns),
        ),
        (
            "beta",
            ours_bn.beta.val().grad(&grads_ours),
            burns_bn.beta.val().grad(&grads_burns),
        ),
    ] {
        assert!(
            max_diff(a.unwrap(), b.unwrap()) < 1e-4,
            "{name} gradients differ"
        );
    }
    for (name, a, b) in [
        (
            "running mean",
            ours_bn.running_mean.value(),
            burns_bn.running_mean.value(),
        ),
        (
            "running var",
            ours_bn.running_var.value(),
            burns_bn.running_var.value(),
        ),
    ] {
        assert!(max_diff(a, b) < 1e-6, "{name} differs");
    }

    // Out of training (a plain device), both take Burn's inference pass on the running stats.
    let bn = burns_bn.valid();
    let x = x.inner();
    assert!(max_diff(norm::batch_norm(&bn, x.clone()), bn.forward(x)) == 0.0);
}

#[test]
fn the_outer_convolutions_as_matrix_products_match_burns_layers() {
    use burn::nn::conv::{Conv2dConfig, ConvTranspose2dConfig};
    use gan_studio::model::conv;

    let device = device();
    for bias in [false, true] {
        // ConvTranspose2d(k4, s1, p0) from 1x1: [3, 5, 1, 1] -> [3, 6, 4, 4]
        let layer = seeded_init(&device, 11, || {
            let layer = ConvTranspose2dConfig::new([5, 6], [4, 4])
                .with_bias(bias)
                .init(&device);
            materialize(&layer);
            layer
        });
        let x = random([3, 5, 1, 1], Distribution::Normal(0.0, 1.0), 12, &device).require_grad();
        check_same(
            "conv_transpose_1x1_to_4x4",
            &x,
            conv::conv_transpose_1x1_to_4x4(&layer, x.clone()),
            layer.forward(x.clone()),
            &layer.weight.val(),
        );

        // Conv2d(k4, s1, p0) to 1x1: [3, 5, 4, 4] -> [3, 6, 1, 1]
        let layer = seeded_init(&device, 13, || {
            let layer = Conv2dConfig::new([5, 6], [4, 4])
                .with_bias(bias)
                .init(&device);
            materialize(&layer);
            layer
        });
        let x = random([3, 5, 4, 4], Distribution::Normal(0.0, 1.0), 14, &device).require_grad();
        check_same(
            "conv_4x4_to_1x1",
            &x,
            conv::conv_4x4_to_1x1(&layer, x.clone()),
            layer.forward(x.clone()),
            &layer.weight.val(),
        );
    }
}

/// Asserts that `ours` and `burns` (computed from `x` with the layer `weight`) agree in shape,
/// values, and the gradients of a weighted sum with respect to `x` and the weight.
fn check_same(name: &str, x: &Tensor<4>, ours: Tensor<4>, burns: Tensor<4>, weight: &Tensor<4>) {
    assert_eq!(ours.dims(), burns.dims(), "{name}: shapes");
    let device = x.device();
    let weights = random(burns.dims(), Distribution::Uniform(-1.0, 1.0), 15, &device);
    assert!(
        max_diff(ours.clone(), burns.clone()) < 1e-4,
        "{name}: values differ"
    );
    let grads_ours = (ours * weights.clone()).sum().backward();
    let grads_burns = (burns * weights).sum().backward();
    let dx = max_diff(x.grad(&grads_ours).unwrap(), x.grad(&grads_burns).unwrap());
    assert!(dx < 1e-4, "{name}: input gradients differ by {dx}");
    let dw = max_diff(
        weight.grad(&grads_ours).unwrap(),
        weight.grad(&grads_burns).unwrap(),
    );
    assert!(dw < 1e-4, "{name}: weight gradients differ by {dw}");
}
