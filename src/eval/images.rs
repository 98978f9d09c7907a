//! Images for the classifier: 28 -> 32 resizing and the training augmentation.
//!
//! The classifier reads `[B, 1, 32, 32]` in [-1, 1], like the DCGANs. The MLP GAN's 28x28
//! outputs and the augmented training digits are resized exactly as [`crate::data`] resizes
//! the dataset (bilinear, half-pixel centres), so every image reaches the classifier the same
//! way: [`resize_28_to_32`] on the CPU, [`to_classifier_input`] on a device.

use burn::prelude::*;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};

use crate::data::{COLS, IMAGE_PIXELS, RESIZED_PIXELS, RESIZED_SIDE, ROWS, resize_28_to_32_with};
use crate::rng::SplitMix64;

/// Largest shift of an augmented digit, in pixels, along each axis.
pub const MAX_SHIFT_PIXELS: f64 = 2.0;
/// Largest rotation of an augmented digit, in degrees, either way.
pub const MAX_ROTATION_DEGREES: f64 = 10.0;

/// Resizes one row-major 28x28 image to 32x32 (1024 values), bilinearly with half-pixel
/// centres: output pixel `d` samples the source at `(d + 0.5) · 28/32 − 0.5`, clamped to the
/// image. The same arithmetic as [`crate::data::MnistSet::push_resized_32`], on any value
/// range: grey levels 0..255 give that function's result before its `x / 127.5 − 1`, and
/// values in [-1, 1] (the MLP GAN's) stay in [-1, 1].
///
/// # Panics
/// If `image` does not have 784 values.
pub fn resize_28_to_32(image: &[f32]) -> Vec<f32> {
    assert_eq!(image.len(), IMAGE_PIXELS, "a 28x28 image has 784 values");
    let mut out = Vec::with_capacity(RESIZED_PIXELS);
    resize_28_to_32_with(|p| image[p], |v| out.push(v));
    out
}

/// Images `[B, 1, 28, 28]`, `[B, 1, 32, 32]` or `[B, 1, 64, 64]` as classifier input
/// `[B, 1, 32, 32]`: 32x32 images pass through, the others are resized on their device with
/// Burn's bilinear interpolation, half-pixel centres (`align_corners = false`): for 28x28
/// what [`resize_28_to_32`] does, for 64x64 the mean of each 2x2 block.
///
/// # Panics
/// If the images are none of those sizes.
pub fn to_classifier_input(images: Tensor<4>) -> Tensor<4> {
    let [_, _, height, width] = images.dims();
    match (height, width) {
        (RESIZED_SIDE, RESIZED_SIDE) => images,
        (ROWS, COLS) | (LARGE_SIDE, LARGE_SIDE) => interpolate(
            images,
            InterpolateOptions::new(InterpolateMode::Bilinear)
                .with_align_corners(false)
                .with_output_size([RESIZED_SIDE, RESIZED_SIDE]),
        ), // [B, 1, 32, 32]
        _ => panic!("the classifier reads 28x28, 32x32 or 64x64 images, got {height}x{width}"),
    }
}

/// Side of the larger DCGAN's images.
const LARGE_SIDE: usize = 64;

/// A row-major 64x64 image as 32x32: the mean of each 2x2 block, which is what a bilinear
/// resize with half-pixel centres computes at this scale ([`to_classifier_input`] on a
/// device).
pub fn halve_64(image: &[f32]) -> Vec<f32> {
    assert_eq!(
        image.len(),
        LARGE_SIDE * LARGE_SIDE,
        "a 64x64 image has 4096 values"
    );
    (0..RESIZED_PIXELS)
        .map(|p| {
            let (y, x) = (2 * (p / RESIZED_SIDE), 2 * (p % RESIZED_SIDE));
            let at = |dy: usize, dx: usize| image[(y + dy) * LARGE_SIDE + x + dx];
            (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4.0
        })
        .collect()
}

/// One random distortion of a training digit: a shift and a rotation about the centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Augmentation {
    /// Shift to the right, in pixels.
    pub shift_x: f64,
    /// Shift downwards, in pixels.
    pub shift_y: f64,
    /// Rotation, in radians (positive turns the digit clockwise on screen, y pointing down).
    pub angle: f64,
}

impl Augmentation {
    /// The identity: no shift, no rotation.
    pub const NONE: Self = Self {
        shift_x: 0.0,
        shift_y: 0.0,
        angle: 0.0,
    };

    /// Shifts uniform in ±[`MAX_SHIFT_PIXELS`] and a rotation uniform in
    /// ±[`MAX_ROTATION_DEGREES`], drawn from `rng`.
    pub fn random(rng: &mut SplitMix64) -> Self {
        let mut symmetric = |limit: f64| (2.0 * rng.next_f64() - 1.0) * limit;
        Self {
            shift_x: symmetric(MAX_SHIFT_PIXELS),
            shift_y: symmetric(MAX_SHIFT_PIXELS),
            angle: symmetric(MAX_ROTATION_DEGREES).to_radians(),
        }
    }

    /// Applies the distortion to a 28x28 digit (784 grey levels, 0 = background), returning
    /// 784 grey levels as `f32` in [0, 255]: each output pixel samples the source bilinearly
    /// at the inverse-transformed position; outside the source is background.
    ///
    /// # Panics
    /// If `pixels` does not have 784 values.
    pub fn apply(&self, pixels: &[u8]) -> Vec<f32> {
        assert_eq!(pixels.len(), IMAGE_PIXELS, "a 28x28 image has 784 values");
        let centre = (ROWS as f64 - 1.0) / 2.0;
        let (sin, cos) = self.angle.sin_cos();
        let at = |x: isize, y: isize| -> f64 {
            if (0..COLS as isize).contains(&x) && (0..ROWS as isize).contains(&y) {
                f64::from(pixels[y as usize * COLS + x as usize])
            } else {
                0.0
            }
        };
        let mut out = Vec::with_capacity(IMAGE_PIXELS);
        for y in 0..ROWS {
            for x in 0..COLS {
                // Undo the shift, then the rotation about the centre.
                let u = x as f64 - centre - self.shift_x;
                let v = y as f64 - centre - self.shift_y;
                let sx = cos * u + sin * v + centre;
                let sy = -sin * u + cos * v + centre;
                let (x0, y0) = (sx.floor(), sy.floor());
                let (wx, wy) = (sx - x0, sy - y0);
                let (x0, y0) = (x0 as isize, y0 as isize);
                let top = at(x0, y0) * (1.0 - wx) + at(x0 + 1, y0) * wx;
                let bottom = at(x0, y0 + 1) * (1.0 - wx) + at(x0 + 1, y0 + 1) * wx;
                out.push((top * (1.0 - wy) + bottom * wy) as f32);
            }
        }
        out
    }
}

/// Appends one digit as classifier input: `pixels` (28x28 grey levels) distorted by
/// `augmentation`, resized to 32x32 and mapped to [-1, 1] by `x / 127.5 − 1`. With
/// [`Augmentation::NONE`] this is exactly [`crate::data::MnistSet::push_resized_32`].
pub fn push_augmented_32(pixels: &[u8], augmentation: &Augmentation, out: &mut Vec<f32>) {
    let distorted = if *augmentation == Augmentation::NONE {
        pixels.iter().map(|&p| f32::from(p)).collect()
    } else {
        augmentation.apply(pixels)
    };
    out.extend(
        resize_28_to_32(&distorted)
            .into_iter()
            .map(|v| v / 127.5 - 1.0),
    );
}
