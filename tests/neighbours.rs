//! Nearest real digits (`gan_studio::neighbours`): a training digit finds itself at distance
//! 0 in both spaces (at 32x32 and from 28x28), neighbours come nearest first with distances
//! that match a hand computation, and bad queries are refused.

use burn::prelude::*;
use gan_studio::data::{MnistSet, RESIZED_PIXELS};
use gan_studio::eval::{Classifier, ClassifierFile};
use gan_studio::neighbours::{DigitIndex, NeighbourError};
use pollster::block_on;

static MNIST: &[u8] = include_bytes!("../www/data/mnist.bin");
static CLASSIFIER: &[u8] = include_bytes!("../weights/classifier.bpk");

fn device() -> Device {
    Device::flex()
}

fn classifier() -> Classifier {
    ClassifierFile::from_bytes(CLASSIFIER)
        .unwrap()
        .load(&device())
        .unwrap()
}

/// Every 15th training digit: 601 digits, every kind among them, quick to classify.
fn some_training_digits(data: &MnistSet) -> Vec<usize> {
    data.train_indices().into_iter().step_by(15).collect()
}

#[test]
fn a_training_digit_is_its_own_nearest_neighbour_at_distance_zero() {
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let classifier = classifier();
    let indices = some_training_digits(&data);
    let index = block_on(DigitIndex::build(&classifier, &data, &indices, &device())).unwrap();
    assert_eq!(index.len(), indices.len());

    let picked = [indices[3], indices[250], indices[599]];
    // At 32x32, as the convolutional models draw.
    let mut queries = Vec::new();
    for &i in &picked {
        data.push_resized_32(i, &mut queries);
    }
    let found = block_on(index.nearest(&classifier, &queries, 32, 4, &device())).unwrap();
    // At 28x28, as the MLP GAN draws: resized as the dataset is.
    let mut flat = Vec::new();
    for &i in &picked {
        data.push_flat_28(i, &mut flat);
    }
    let found_28 = block_on(index.nearest(&classifier, &flat, 28, 4, &device())).unwrap();
    for (q, &i) in picked.iter().enumerate() {
        for neighbours in [&found[q], &found_28[q]] {
            let (by_features, by_pixels) = (&neighbours.by_features, &neighbours.by_pixels);
            assert_eq!(by_features.len(), 4);
            assert_eq!(by_features[0].index, i);
            assert_eq!(by_pixels[0].index, i);
            assert_eq!(by_pixels[0].label, data.label(i));
            assert!(
                by_features[0].distance < 1e-3,
                "{}",
                by_features[0].distance
            );
            assert!(by_pixels[0].distance < 1e-3, "{}", by_pixels[0].distance);
            // The others are farther, nearest first, and are other digits.
            for list in [by_features, by_pixels] {
                assert!(list.windows(2).all(|w| w[0].distance <= w[1].distance));
                assert!(list[1].distance > 0.1);
                assert!(list[1..].iter().all(|n| n.index != i));
            }
        }
    }
}

#[test]
fn pixel_distances_are_euclidean_over_the_32x32_values() {
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let classifier = classifier();
    let indices: Vec<usize> = data.train_indices().into_iter().step_by(90).collect();
    let index = block_on(DigitIndex::build(&classifier, &data, &indices, &device())).unwrap();
    // A held-out digit: not in the index.
    let query_index = data.heldout_indices()[42];
    let mut query = Vec::new();
    data.push_resized_32(query_index, &mut query);
    let k = 5;
    let found = block_on(index.nearest(&classifier, &query, 32, k, &device()))
        .unwrap()
        .remove(0);
    // Every distance, by hand; the k smallest are the ones reported, in order.
    let mut by_hand: Vec<(f32, usize)> = indices
        .iter()
        .map(|&i| {
            let mut pixels = Vec::new();
            data.push_resized_32(i, &mut pixels);
            let d: f32 = pixels
                .iter()
                .zip(&query)
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            (d.sqrt(), i)
        })
        .collect();
    by_hand.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (n, (distance, i)) in found.by_pixels.iter().zip(&by_hand[..k]) {
        assert_eq!(n.index, *i);
        assert!((n.distance - distance).abs() < 1e-3);
        assert_eq!(index.pixels_of(n.index).unwrap().len(), RESIZED_PIXELS);
    }
    assert!(
        found.by_pixels[0].distance > 1.0,
        "a held-out digit is not a copy"
    );
}

#[test]
fn bad_queries_are_refused() {
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let classifier = classifier();
    let indices: Vec<usize> = data.train_indices().into_iter().take(20).collect();
    let index = block_on(DigitIndex::build(&classifier, &data, &indices, &device())).unwrap();
    let image = vec![0.0; 1024];
    let nearest = |values: &[f32], side: usize, k: usize| {
        block_on(index.nearest(&classifier, values, side, k, &device())).err()
    };
    assert_eq!(
        nearest(&image, 32, 21),
        Some(NeighbourError::BadK { k: 21, most: 20 })
    );
    assert_eq!(
        nearest(&image, 32, 0),
        Some(NeighbourError::BadK { k: 0, most: 20 })
    );
    assert_eq!(nearest(&image, 30, 1), Some(NeighbourError::BadSide(30)));
    assert_eq!(
        nearest(&image[..1000], 32, 1),
        Some(NeighbourError::BadImages {
            got: 1000,
            side: 32
        })
    );
    assert_eq!(
        block_on(DigitIndex::build(&classifier, &data, &[], &device())).err(),
        Some(NeighbourError::Empty)
    );
    assert_eq!(
        block_on(DigitIndex::build(&classifier, &data, &[10_000], &device())).err(),
        Some(NeighbourError::BadIndex {
            index: 10_000,
            len: 10_000
        })
    );
}
