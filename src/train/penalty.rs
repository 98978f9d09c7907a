//! WGAN-GP's gradient penalty (Gulrajani et al. 2017): λ·E[(‖∇ₓD(x̂)‖₂ − 1)²] on points
//! x̂ = εx + (1 − ε)G(z) between real and generated samples, ε ~ U[0, 1] per sample. It
//! keeps the critic 1-Lipschitz softly, where weight clipping did it by force.
//!
//! The input gradient ∇ₓD comes from the critic itself, written out with differentiable ops
//! ([`crate::model::wgan_gp::WganGpCritic::input_gradient`], the lab's
//! the 2-D lab's `PlaneNet::input_gradient`): Burn's autodiff cannot differentiate a
//! gradient it computed. These functions work on any sample shape, images `[B, 1, H, W]`
//! or points `[B, 2]`.

use burn::prelude::*;

/// λ, the penalty's weight: the WGAN-GP paper's 10, which it used for every data set.
pub const PAPER_WEIGHT: f64 = 10.0;

/// Added to the squared norm before its square root: a zero gradient then has a finite
/// derivative (the square root's is infinite at 0, and ∞·0 would be NaN) and a norm of
/// 1e-6, while any norm above 1e-3 moves by less than a millionth of itself.
const NORM_EPS: f64 = 1e-12;

/// x̂ = ε·real + (1 − ε)·fake with one ε per sample (`epsilon` `[B]`, in [0, 1]): points
/// on the segments between real and generated samples, where the penalty is applied.
pub fn interpolates<const D: usize>(
    real: Tensor<D>,
    fake: Tensor<D>,
    epsilon: Tensor<1>,
) -> Tensor<D> {
    let batch = real.dims()[0];
    let mut shape = [1; D];
    shape[0] = batch;
    let epsilon = epsilon.reshape(shape); // [B, 1, …]
    fake.clone() + (real - fake) * epsilon // [B, …]
}

/// weight·mean_b (‖g_b‖₂ − 1)² for the input gradients `g` `[B, …]` (one per sample); its
/// weight gradients are the penalty's when `g` was written with differentiable ops.
/// `weight` is λ ([`PAPER_WEIGHT`] in the paper).
pub fn gradient_penalty<const D: usize>(input_gradient: Tensor<D>, weight: f64) -> Tensor<1> {
    let batch = input_gradient.dims()[0];
    let norms = input_gradient
        .reshape([batch as i64, -1]) // [B, n]
        .square()
        .sum_dim(1) // [B, 1]
        .add_scalar(NORM_EPS)
        .sqrt(); // [B, 1]
    norms.sub_scalar(1.0).square().mean().mul_scalar(weight) // [1]
}
