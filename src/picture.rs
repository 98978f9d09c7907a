//! Pictures as the models read them: any grey picture of a digit prepared as MNIST prepared
//! its digits (Find z's targets, drawn on the page or given as a PNG), and an item at a
//! model's image size.

use thiserror::Error;

use crate::data::{COLS, IMAGE_PIXELS, MnistSet, ROWS};

/// Side of the box MNIST scales each digit into (inside its 28x28 field).
const MNIST_BOX: usize = 20;

/// Why a picture cannot be made into a digit: what is wrong with it, in words.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct PictureError(pub String);

/// Pixels per image of a model making images of side `side` (784 at 28, 1024 at 32, 4096
/// at 64).
pub fn pixels_per_image(side: usize) -> usize {
    side * side
}

/// A 28x28 digit (784 values in [-1, 1]) at side `side`: as it is at 28, resized as
/// [`crate::data`] resizes the data sets otherwise.
///
/// # Panics
/// If `digit` does not have 784 values.
pub fn to_model_resolution(side: usize, digit: &[f32]) -> Vec<f32> {
    assert_eq!(digit.len(), IMAGE_PIXELS, "a 28x28 digit has 784 values");
    if side == ROWS {
        digit.to_vec()
    } else {
        let mut out = Vec::with_capacity(side * side);
        crate::data::resize_28_with(side, |p| digit[p], |v| out.push(v));
        out
    }
}

/// Item `i` of `data` at side `side`, in [-1, 1], exactly as the models read the data set.
pub fn dataset_target(side: usize, data: &MnistSet, i: usize) -> Vec<f32> {
    let mut out = Vec::new();
    data.push_at(i, side, &mut out);
    out
}

/// A picture of a digit of any size (`width * height` grey levels, row-major) as an MNIST
/// digit: 784 values in [-1, 1], white ink on black.
///
/// A light background (the border's median above mid-grey) is inverted first. A 28x28
/// picture is then taken as it is; any other size is prepared as MNIST prepared its digits:
/// the background's level taken off, cropped to its ink, its ink stretched to full white,
/// scaled (area averaging) so that its longer side is 20 pixels, and placed in the 28x28
/// field with its centre of mass at the centre.
pub fn digit_from_gray(
    width: usize,
    height: usize,
    pixels: &[u8],
) -> Result<Vec<f32>, PictureError> {
    let bad = |text: String| Err(PictureError(text));
    if !(1..=4096).contains(&width) || !(1..=4096).contains(&height) {
        return bad(format!(
            "a picture of {width}x{height} pixels (1 to 4096 each)"
        ));
    }
    if pixels.len() != width * height {
        return bad(format!(
            "{} grey levels for a {width}x{height} picture ({} needed)",
            pixels.len(),
            width * height
        ));
    }
    let border: Vec<f32> = (0..height)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .filter(|&(x, y)| x == 0 || y == 0 || x + 1 == width || y + 1 == height)
        .map(|(x, y)| f32::from(pixels[y * width + x]))
        .collect();
    let mut sorted = border.clone();
    sorted.sort_by(f32::total_cmp);
    // The border's median: the background, even where strokes touch the edge.
    let background = sorted[sorted.len() / 2];
    let light = background > 127.5;
    let ink: Vec<f32> = pixels
        .iter()
        .map(|&p| {
            if light {
                255.0 - f32::from(p)
            } else {
                f32::from(p)
            }
        })
        .collect();
    if (width, height) == (COLS, ROWS) {
        return Ok(ink.iter().map(|v| v / 127.5 - 1.0).collect());
    }

    // The background's level (after any inversion) is taken off, so a
    // grey paper does not become a grey field.
    let floor = if light {
        255.0 - background
    } else {
        background
    };
    let ink: Vec<f32> = ink.iter().map(|v| (v - floor).max(0.0)).collect();
    let brightest = ink.iter().copied().fold(0.0, f32::max);
    if brightest < 1.0 {
        return bad("the picture has no ink: it is all one shade".to_owned());
    }
    // The ink's bounding box: pixels above a quarter of the brightest.
    let threshold = brightest / 4.0;
    let inked = |x: usize, y: usize| ink[y * width + x] > threshold;
    let rows: Vec<usize> = (0..height)
        .filter(|&y| (0..width).any(|x| inked(x, y)))
        .collect();
    let cols: Vec<usize> = (0..width)
        .filter(|&x| (0..height).any(|y| inked(x, y)))
        .collect();
    let (top, bottom) = (rows[0], rows[rows.len() - 1] + 1);
    let (left, right) = (cols[0], cols[cols.len() - 1] + 1);
    let (crop_w, crop_h) = (right - left, bottom - top);
    let longest = crop_w.max(crop_h) as f32;
    let out_w = ((crop_w as f32 * MNIST_BOX as f32 / longest).round() as usize).clamp(1, MNIST_BOX);
    let out_h = ((crop_h as f32 * MNIST_BOX as f32 / longest).round() as usize).clamp(1, MNIST_BOX);
    let cropped: Vec<f32> = (top..bottom)
        .flat_map(|y| (left..right).map(move |x| (x, y)))
        .map(|(x, y)| ink[y * width + x] * 255.0 / brightest)
        .collect();
    let scaled = area_resize(&cropped, crop_w, crop_h, out_w, out_h);

    // Centre of mass to the field's centre (13.5, 13.5), by whole pixels, inside the field.
    let mass: f32 = scaled.iter().sum();
    let (mut cx, mut cy) = (0.0, 0.0);
    for (i, &v) in scaled.iter().enumerate() {
        cx += (i % out_w) as f32 * v;
        cy += (i / out_w) as f32 * v;
    }
    let place = |centre: f32, size: usize| -> usize {
        let offset = (13.5 - centre / mass).round().max(0.0) as usize;
        offset.min(ROWS - size)
    };
    let (ox, oy) = (place(cx, out_w), place(cy, out_h));
    let mut digit = vec![0.0f32; IMAGE_PIXELS];
    for y in 0..out_h {
        for x in 0..out_w {
            digit[(oy + y) * COLS + ox + x] = scaled[y * out_w + x];
        }
    }
    Ok(digit.iter().map(|v| v / 127.5 - 1.0).collect())
}

/// Resizes a `w` x `h` picture to `out_w` x `out_h` by area averaging: each output pixel is
/// the mean of the source over its footprint, partly covered pixels weighted by their share.
fn area_resize(src: &[f32], w: usize, h: usize, out_w: usize, out_h: usize) -> Vec<f32> {
    // The source pixels under output pixel `o` along one axis, with their weights.
    let taps = |from: usize, to: usize| -> Vec<Vec<(usize, f32)>> {
        let scale = from as f32 / to as f32;
        (0..to)
            .map(|o| {
                let (start, end) = (o as f32 * scale, (o + 1) as f32 * scale);
                let first = start.floor() as usize;
                let last = (end.ceil() as usize).min(from);
                (first..last)
                    .map(|s| {
                        let overlap = (end.min(s as f32 + 1.0) - start.max(s as f32)).max(0.0);
                        (s, overlap / scale)
                    })
                    .collect()
            })
            .collect()
    };
    let (xs, ys) = (taps(w, out_w), taps(h, out_h));
    let mut out = Vec::with_capacity(out_w * out_h);
    for row in &ys {
        for col in &xs {
            let mut value = 0.0;
            for &(sy, wy) in row {
                for &(sx, wx) in col {
                    value += src[sy * w + sx] * wy * wx;
                }
            }
            out.push(value);
        }
    }
    out
}
