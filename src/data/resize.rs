//! Resizing MNIST's 28x28 images to the sizes the convolutional models read.

use super::{COLS, RESIZED_SIDE, ROWS};

/// Resizes a row-major 28x28 image to 32x32 with the bilinear, half-pixel-centre rule of
/// [`super::MnistSet::push_resized_32`] (which applies `x / 127.5 - 1` afterwards): `pixel(p)` reads
/// source value `p` (0..784) and `emit` receives the 1024 output values in row-major order.
/// Works on any value range, so generated [-1, 1] images resize exactly like the dataset.
pub fn resize_28_to_32_with(pixel: impl Fn(usize) -> f32, emit: impl FnMut(f32)) {
    resize_28_with(RESIZED_SIDE, pixel, emit);
}

/// Resizes a row-major 28x28 image to `side` x `side` with the same bilinear, half-pixel-
/// centre rule (32 for the convolutional models, 64 for the larger DCGAN): `pixel(p)` reads
/// source value `p` (0..784) and `emit` receives the `side²` output values in row-major order.
pub fn resize_28_with(side: usize, pixel: impl Fn(usize) -> f32, mut emit: impl FnMut(f32)) {
    // The same taps serve rows and columns: 28 -> side in both directions.
    let taps = taps_to(side);
    for &(y0, y1, wy) in &taps {
        for &(x0, x1, wx) in &taps {
            // Lerp form `a + (b - a) * w` keeps flat regions exactly flat.
            let top = lerp(pixel(y0 * COLS + x0), pixel(y0 * COLS + x1), wx);
            let bottom = lerp(pixel(y1 * COLS + x0), pixel(y1 * COLS + x1), wx);
            emit(lerp(top, bottom, wy));
        }
    }
}

fn lerp(a: f32, b: f32, w: f32) -> f32 {
    a + (b - a) * w
}

/// The taps of a 28 -> `side` bilinear resize with half-pixel centres, for each output
/// position (lower source index, upper source index, weight of the upper one): output pixel
/// `d` samples the source at `(d + 0.5)·28/side − 0.5`, clamped to [0, 27].
fn taps_to(side: usize) -> Vec<(usize, usize, f32)> {
    let scale = ROWS as f32 / side as f32; // source pixels per output pixel
    (0..side)
        .map(|d| {
            let s = ((d as f32 + 0.5) * scale - 0.5).max(0.0);
            let lo = (s.floor() as usize).min(ROWS - 1);
            let hi = (lo + 1).min(ROWS - 1);
            (lo, hi, s - lo as f32)
        })
        .collect()
}
