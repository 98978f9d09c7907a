//! BatchNorm's training pass, written for speed under autodiff.
//!
//! Burn's `BatchNorm::forward` in training mode swaps the batch and channel axes (a copy of
//! the activation) for each statistic, forward and backward, and that made BatchNorm a fifth
//! of a DCGAN training step on the CPU. This pass reduces over a `[B, C, H·W]` view instead
//! and leaves the rest to plain arithmetic, so autodiff differentiates it without copies. It
//! reads and updates the same parameters and running statistics as Burn's module (so
//! checkpoints are unchanged); inference uses Burn's own path.

use burn::nn::BatchNorm;
use burn::prelude::*;

/// BatchNorm over `x` `[B, C, H, W]`: batch statistics (biased variance, as Burn's) while
/// training on an autodiff device, with the running statistics updated as Burn does;
/// otherwise Burn's inference pass on the running statistics.
pub fn batch_norm(bn: &BatchNorm, x: Tensor<4>) -> Tensor<4> {
    if !(x.device().is_autodiff() && bn.training.is_enabled()) {
        return bn.forward(x);
    }
    let [batch, channels, height, width] = x.dims();
    let count = (batch * height * width) as f64;
    let flat = x.reshape([batch, channels, height * width]); // [B, C, HW]
    let mean = flat.clone().sum_dim(2).sum_dim(0).div_scalar(count); // [1, C, 1]
    let centered = flat - mean.clone(); // [B, C, HW]
    let variance = centered
        .clone()
        .square()
        .sum_dim(2)
        .sum_dim(0)
        .div_scalar(count); // [1, C, 1]
    let scale = bn.gamma.val().reshape([1, channels, 1])
        * variance.clone().add_scalar(bn.epsilon).sqrt().recip(); // [1, C, 1]
    let output = centered * scale + bn.beta.val().reshape([1, channels, 1]); // [B, C, HW]

    let momentum = bn.momentum;
    let update = |running: &burn::module::RunningState<Tensor<1>>, batch_value: Tensor<3>| {
        let device = batch_value.device();
        let old = running.value_sync().to_device(&device);
        let new = old.mul_scalar(1.0 - momentum)
            + batch_value
                .detach()
                .reshape([channels])
                .mul_scalar(momentum);
        running.update(new.detach());
    };
    update(&bn.running_mean, mean);
    update(&bn.running_var, variance);
    output.reshape([batch, channels, height, width]) // [B, C, H, W]
}

/// BatchNorm of a fully connected layer's outputs `[B, F]` (PyTorch's BatchNorm1d), as
/// [`batch_norm`] over F channels of 1x1 maps.
pub fn batch_norm_1d(bn: &BatchNorm, x: Tensor<2>) -> Tensor<2> {
    let [batch, features] = x.dims();
    batch_norm(bn, x.reshape([batch, features, 1, 1])).reshape([batch, features])
}
