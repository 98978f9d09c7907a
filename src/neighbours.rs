//! Nearest real digits: for a generated image, the closest training digits, so a user can see
//! whether a GAN copies its training set.
//!
//! Two measures, each a Euclidean distance:
//! - in the digit classifier's feature space ([`Classifier::features`], the 128 penultimate
//!   activations the Fréchet distance compares): near when the classifier sees the same
//!   shapes, even shifted by a pixel or drawn a little thicker;
//! - in pixels: both images at 32x32 in [-1, 1] (the MLP GAN's 28x28 images resized as the
//!   dataset is), `sqrt(Σ (a − b)²)` over the 1,024 pixels; a copy is at 0, and a distance of
//!   `d` is a root-mean-square difference of `d / 32` per pixel.
//!
//! A [`DigitIndex`] holds the training digits' pixels and features, computed once (the
//! caller keeps it: classifying the 9,001 training digits is the slow part); each query then
//! classifies only its own images and searches by brute force on the CPU.

use burn::prelude::*;
use thiserror::Error;

use crate::data::{MnistSet, RESIZED_PIXELS, RESIZED_SIDE};
use crate::eval::{
    Classifier, EvalError, classify_digits, halve_64, resize_28_to_32, to_classifier_input,
};

/// Why a search for neighbours cannot run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NeighbourError {
    /// The index has no digits.
    #[error("no digits to search")]
    Empty,
    /// The query images are not whole images of their side.
    #[error("{got} values are not a whole number of {side}x{side} images")]
    BadImages {
        /// Values given.
        got: usize,
        /// The side the values were read as.
        side: usize,
    },
    /// An image side other than 28, 32 or 64.
    #[error("images must be 28x28, 32x32 or 64x64, not {0}x{0}")]
    BadSide(usize),
    /// No neighbours asked for, or more than the index holds.
    #[error("k must be 1 to {most}, got {k}")]
    BadK {
        /// Asked for.
        k: usize,
        /// The most there are.
        most: usize,
    },
    /// A dataset index out of range.
    #[error("digit {index} is not in the dataset ({len} digits)")]
    BadIndex {
        /// The index.
        index: usize,
        /// Digits in the dataset.
        len: usize,
    },
    /// The classifier failed (reading its outputs back).
    #[error(transparent)]
    Classifier(#[from] EvalError),
}

/// One neighbour: which digit, and how far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// Its index in the dataset (`www/data/mnist.bin`).
    pub index: usize,
    /// Its digit.
    pub label: u8,
    /// Its Euclidean distance to the query.
    pub distance: f32,
}

/// The nearest digits to one image, nearest first, by each measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbours {
    /// Nearest in the classifier's feature space.
    pub by_features: Vec<Neighbour>,
    /// Nearest in pixels (32x32, [-1, 1]).
    pub by_pixels: Vec<Neighbour>,
}

/// The digits a search runs over: their pixels and classifier features, computed once.
#[derive(Debug, Clone)]
pub struct DigitIndex {
    /// Dataset index of each digit.
    indices: Vec<usize>,
    /// Digit of each.
    labels: Vec<u8>,
    /// `[n, 1024]`: each digit at 32x32 in [-1, 1].
    pixels: Vec<f32>,
    /// `[n, feature_dim]`: each digit's classifier features.
    features: Vec<f32>,
    feature_dim: usize,
}

impl DigitIndex {
    /// Classifies the digits `indices` of `data` (normally its training split,
    /// [`MnistSet::train_indices`]) with `classifier` on `device` and keeps their features and
    /// pixels.
    pub async fn build(
        classifier: &Classifier,
        data: &MnistSet,
        indices: &[usize],
        device: &Device,
    ) -> Result<Self, NeighbourError> {
        if indices.is_empty() {
            return Err(NeighbourError::Empty);
        }
        if let Some(&index) = indices.iter().find(|&&i| i >= data.len()) {
            return Err(NeighbourError::BadIndex {
                index,
                len: data.len(),
            });
        }
        let outputs = classify_digits(classifier, data, indices, device).await?;
        let mut pixels = Vec::with_capacity(indices.len() * RESIZED_PIXELS);
        for &i in indices {
            data.push_resized_32(i, &mut pixels);
        }
        Ok(Self {
            indices: indices.to_vec(),
            labels: indices.iter().map(|&i| data.label(i)).collect(),
            pixels,
            features: outputs.features,
            feature_dim: outputs.feature_dim,
        })
    }

    /// Number of digits searched.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether there are none (never, for an index that was built).
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The dataset indices searched, in the index's order.
    pub fn indices(&self) -> &[usize] {
        &self.indices
    }

    /// The 32x32 pixels (in [-1, 1]) of dataset digit `index`, if the index holds it.
    pub fn pixels_of(&self, index: usize) -> Option<&[f32]> {
        let row = self.indices.iter().position(|&i| i == index)?;
        Some(&self.pixels[row * RESIZED_PIXELS..(row + 1) * RESIZED_PIXELS])
    }

    /// The `k` nearest digits to each of `images` (`[n, side, side]` row-major, in [-1, 1],
    /// side 28 or 32: any generator's output), by features and by pixels. The images are
    /// classified on `device` (one asynchronous read); the search runs on the CPU.
    pub async fn nearest(
        &self,
        classifier: &Classifier,
        images: &[f32],
        side: usize,
        k: usize,
        device: &Device,
    ) -> Result<Vec<Neighbours>, NeighbourError> {
        let resized = to_32(images, side)?;
        self.check_k(k)?;
        let n = resized.len() / RESIZED_PIXELS;
        let tensor = Tensor::<4>::from_data(
            TensorData::new(resized.clone(), [n, 1, RESIZED_SIDE, RESIZED_SIDE]),
            device,
        );
        let features = classifier.features(to_classifier_input(tensor)); // [n, F]
        let features = features
            .into_data_async()
            .await
            .map_err(|e| EvalError::Read(format!("{e:?}")))?
            .try_to_vec::<f32>()
            .map_err(|e| EvalError::Read(format!("{e:?}")))?;
        Ok((0..n)
            .map(|q| {
                let f = &features[q * self.feature_dim..(q + 1) * self.feature_dim];
                let p = &resized[q * RESIZED_PIXELS..(q + 1) * RESIZED_PIXELS];
                Neighbours {
                    by_features: self.search(&self.features, self.feature_dim, f, k),
                    by_pixels: self.search(&self.pixels, RESIZED_PIXELS, p, k),
                }
            })
            .collect())
    }

    fn check_k(&self, k: usize) -> Result<(), NeighbourError> {
        if k == 0 || k > self.len() {
            return Err(NeighbourError::BadK {
                k,
                most: self.len(),
            });
        }
        Ok(())
    }

    /// The `k` rows of `rows` (`[n, dim]`) nearest to `query`, nearest first (ties: the
    /// lower dataset index first).
    fn search(&self, rows: &[f32], dim: usize, query: &[f32], k: usize) -> Vec<Neighbour> {
        let mut distances: Vec<(f32, usize)> = rows
            .chunks_exact(dim)
            .enumerate()
            .map(|(row, values)| {
                let squared: f32 = values
                    .iter()
                    .zip(query)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum();
                (squared, row)
            })
            .collect();
        let by_distance = |a: &(f32, usize), b: &(f32, usize)| {
            a.0.total_cmp(&b.0)
                .then(self.indices[a.1].cmp(&self.indices[b.1]))
        };
        if k < distances.len() {
            distances.select_nth_unstable_by(k - 1, by_distance);
            distances.truncate(k);
        }
        distances.sort_by(by_distance);
        distances
            .into_iter()
            .map(|(squared, row)| Neighbour {
                index: self.indices[row],
                label: self.labels[row],
                distance: squared.sqrt(),
            })
            .collect()
    }
}

/// Images `[n, side, side]` as `[n, 32, 32]` values (28x28 ones resized as the dataset is,
/// 64x64 ones halved).
fn to_32(images: &[f32], side: usize) -> Result<Vec<f32>, NeighbourError> {
    let per_image = match side {
        28 | RESIZED_SIDE | 64 => side * side,
        other => return Err(NeighbourError::BadSide(other)),
    };
    if images.is_empty() || !images.len().is_multiple_of(per_image) {
        return Err(NeighbourError::BadImages {
            got: images.len(),
            side,
        });
    }
    Ok(match side {
        RESIZED_SIDE => images.to_vec(),
        64 => images.chunks_exact(per_image).flat_map(halve_64).collect(),
        _ => images
            .chunks_exact(per_image)
            .flat_map(resize_28_to_32)
            .collect(),
    })
}
