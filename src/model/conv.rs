//! The DCGANs' outermost convolutions as the matrix products they are, for the CPU.
//!
//! The generator's first layer maps a 1x1 input to 4x4 and the discriminator's last maps 4x4
//! to 1x1: each is one matrix product with the weight flattened. Burn's flex CPU backend runs
//! them as general (transposed) convolutions, which cost 3 ms and 1.6 ms forward and backward
//! at batch 64 against 1.8 ms and 0.06 ms as products. (The stride-2 layers were tried the
//! same way, as im2col products over the whole batch: the products ran faster, but the copies
//! that rearrange NCHW data cost more than they saved, so those stay Burn's.)
//!
//! Each function takes the layer Burn built (its weights are the checkpoint's) and computes
//! exactly what `layer.forward` does for that shape. On other devices (WebGPU, whose
//! convolution kernels are its own) it calls `layer.forward`.

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::prelude::*;

/// Whether `device` is Burn's flex CPU backend (with or without autodiff).
fn on_cpu(device: &Device) -> bool {
    device.clone().inner() == Device::flex()
}

/// Adds the layer's bias `[C]` to rows `[N, C]`.
fn add_bias(rows: Tensor<2>, bias: Option<&burn::module::Param<Tensor<1>>>) -> Tensor<2> {
    match bias {
        Some(bias) => {
            let channels = bias.dims()[0];
            rows + bias.val().reshape([1, channels])
        }
        None => rows,
    }
}

/// `ConvTranspose2d(k4, s1, p0)` on a 1x1 map: `[B, Cin, 1, 1]` -> `[B, Cout, 4, 4]`, which
/// is a matrix product with the weight `[Cin, Cout·4·4]`.
pub fn conv_transpose_1x1_to_4x4(layer: &ConvTranspose2d, x: Tensor<4>) -> Tensor<4> {
    if !on_cpu(&x.device()) {
        return layer.forward(x);
    }
    let [batch, in_channels, _, _] = x.dims();
    let weight = layer.weight.val();
    let out_channels = weight.dims()[1];
    let out = x
        .reshape([batch, in_channels]) // [B, Cin]
        .matmul(weight.reshape([in_channels, out_channels * 16])) // [B, Cout·16]
        .reshape([batch, out_channels, 4, 4]); // [B, Cout, 4, 4]
    match &layer.bias {
        Some(bias) => out + bias.val().reshape([1, out_channels, 1, 1]),
        None => out,
    }
}

/// `Conv2d(k4, s1, p0)` on a 4x4 map: `[B, C, 4, 4]` -> `[B, Cout, 1, 1]`, a matrix product
/// with the weight `[Cout, C·4·4]`.
pub fn conv_4x4_to_1x1(layer: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    if !on_cpu(&x.device()) {
        return layer.forward(x);
    }
    let [batch, channels, _, _] = x.dims();
    let weight = layer.weight.val();
    let out_channels = weight.dims()[0];
    let rows = x
        .reshape([batch, channels * 16]) // [B, C·16]
        .matmul(weight.reshape([out_channels, channels * 16]).transpose()); // [B, Cout]
    add_bias(rows, layer.bias.as_ref()).reshape([batch, out_channels, 1, 1]) // [B, Cout, 1, 1]
}
