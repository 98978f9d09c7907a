//! Resizing MNIST's 28x28 images to the sizes the convolutional models read.

use super::{COLS, RESIZED_SIDE, ROWS};

/// Resizes a row-major 28x28 image to 32x32 with the bilinear, half-pixel-centre rule of
/// [`super::MnistSet::push_resized_32`] (which applies `x / 127.5 - 1` afterwards): `pixel(p)` reads
/// source value `p` (0..784) and `emit` receives the 1024 output values in row-major order.
/// Works on any value range, so generated [-1, 1] images resize exactly like the dataset.
pub fn resize_28_to_32_with(pixel: impl Fn(usize) -> f32, mut emit: impl FnMut(f32)) {
    // The same taps serve rows and columns: 28 -> 32 in both directions.
    let taps = resize_taps();
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

/// For each of the 32 output positions: (lower source index, upper source index, weight of the
/// upper one), for a 28 -> 32 bilinear resize with half-pixel centres.
pub(crate) fn resize_taps() -> [(usize, usize, f32); RESIZED_SIDE] {
    const SCALE: f32 = ROWS as f32 / RESIZED_SIDE as f32; // 0.875 source pixels per output pixel
    std::array::from_fn(|d| {
        let s = ((d as f32 + 0.5) * SCALE - 0.5).max(0.0);
        let lo = (s.floor() as usize).min(ROWS - 1);
        let hi = (lo + 1).min(ROWS - 1);
        (lo, hi, s - lo as f32)
    })
}
