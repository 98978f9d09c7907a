//! Training the classifier on the shipped digits: augmentation, Adam, cross-entropy.
//!
//! Every random draw (initial weights, batch order, augmentation) comes from the seed, so a
//! run is repeatable on a given machine (thread counts can still move the last bits of the
//! CPU backend's reductions).

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::{BatchOrder, MnistSet, NUM_CLASSES, RESIZED_SIDE};
use crate::eval::classifier::{Classifier, ClassifierConfig};
use crate::eval::images::{Augmentation, push_augmented_32};
use crate::eval::{EVAL_BATCH, EvalError, read_floats};
use crate::latent;
use crate::rng::SplitMix64;
use crate::train::loss::cross_entropy;

/// Optimisation settings of a classifier run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierTrainConfig {
    /// Passes over the training digits.
    pub epochs: usize,
    /// Images per batch; 64 gives enough steps per epoch on 9,001 digits.
    pub batch_size: usize,
    /// Adam's learning rate in the first epoch; 1e-3 is Adam's usual default.
    pub learning_rate: f64,
    /// Factor applied to the learning rate after each epoch, to settle the last epochs.
    pub lr_decay: f64,
    /// Seed of the weights, the batch order and the augmentation.
    pub seed: u64,
}

impl Default for ClassifierTrainConfig {
    fn default() -> Self {
        Self {
            epochs: 15,
            batch_size: 64,
            learning_rate: 1e-3,
            lr_decay: 0.85,
            seed: 1,
        }
    }
}

impl ClassifierTrainConfig {
    /// Checks ranges; returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=1000).contains(&self.epochs) {
            return Err(format!("epochs must be 1 to 1000, got {}", self.epochs));
        }
        if !(1..=1024).contains(&self.batch_size) {
            return Err(format!(
                "batch size must be 1 to 1024, got {}",
                self.batch_size
            ));
        }
        let lr = self.learning_rate;
        if !(lr.is_finite() && lr > 0.0 && lr <= 1.0) {
            return Err(format!("learning rate must be in (0, 1], got {lr}"));
        }
        let decay = self.lr_decay;
        if !(decay.is_finite() && decay > 0.0 && decay <= 1.0) {
            return Err(format!("lr decay must be in (0, 1], got {decay}"));
        }
        Ok(())
    }

    /// The learning rate of epoch `epoch` (from 0).
    pub fn learning_rate_at(&self, epoch: usize) -> f64 {
        self.learning_rate * self.lr_decay.powi(epoch as i32)
    }
}

/// Digits `indices` of `data` as classifier input `[B, 1, 32, 32]`, each distorted by its
/// augmentation (or none, with `augmentations` = `None`), and their one-hot labels `[B, 10]`.
pub fn digit_batch(
    data: &MnistSet,
    indices: &[usize],
    augmentations: Option<&[Augmentation]>,
    device: &Device,
) -> (Tensor<4>, Tensor<2>) {
    let side = RESIZED_SIDE;
    let mut pixels = Vec::with_capacity(indices.len() * side * side);
    for (k, &i) in indices.iter().enumerate() {
        let augmentation = augmentations.map_or(Augmentation::NONE, |a| a[k]);
        push_augmented_32(data.pixels(i), &augmentation, &mut pixels);
    }
    let images = Tensor::from_data(
        TensorData::new(pixels, [indices.len(), 1, side, side]),
        device,
    );
    let digits: Vec<u8> = indices.iter().map(|&i| data.label(i)).collect();
    let labels = Tensor::from_data(
        TensorData::new(latent::one_hot(&digits), [indices.len(), NUM_CLASSES]),
        device,
    );
    (images, labels)
}

/// A classifier training run: the network, its optimiser and the data order.
pub struct ClassifierTrainer {
    config: ClassifierTrainConfig,
    classifier_config: ClassifierConfig,
    classifier: Classifier,
    optimizer: ModuleOptimizer,
    order: BatchOrder,
    augment_rng: SplitMix64,
    epoch: usize,
    device: Device,
}

impl ClassifierTrainer {
    /// A fresh run on `device` (autodiff is enabled on it here), weights drawn from the seed.
    pub fn new(
        classifier_config: ClassifierConfig,
        config: ClassifierTrainConfig,
        data: &MnistSet,
        device: &Device,
    ) -> Self {
        let device = device.clone().autodiff();
        let classifier = crate::model::init::seeded_init(&device, config.seed, || {
            let classifier = classifier_config.init(&device);
            crate::model::init::materialize(&classifier);
            classifier
        });
        let mut seeds = SplitMix64::new(config.seed ^ 0xC1A5_51F1_E000_0000);
        Self {
            optimizer: AdamConfig::new().with_epsilon(1e-8).init(),
            order: BatchOrder::new(data.train_indices(), seeds.next_u64()),
            augment_rng: SplitMix64::new(seeds.next_u64()),
            classifier_config,
            config,
            classifier,
            epoch: 0,
            device,
        }
    }

    /// The optimisation settings.
    pub fn config(&self) -> &ClassifierTrainConfig {
        &self.config
    }

    /// Epochs completed.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// One pass over the training digits in shuffled batches (a last partial batch is left
    /// for the next epoch's shuffle), each digit freshly augmented. Returns the mean training
    /// loss of the epoch's batches.
    pub async fn train_epoch(&mut self, data: &MnistSet) -> Result<f64, EvalError> {
        let batch_size = self.config.batch_size;
        let batches = (data.train_indices().len() / batch_size).max(1);
        let learning_rate = self.config.learning_rate_at(self.epoch);
        let mut total = 0.0;
        for _ in 0..batches {
            let indices = self.order.next_batch(batch_size);
            let augmentations: Vec<Augmentation> = indices
                .iter()
                .map(|_| Augmentation::random(&mut self.augment_rng))
                .collect();
            let (images, labels) = digit_batch(data, &indices, Some(&augmentations), &self.device);
            let logits = self.classifier.forward(images); // [B, 10]
            let loss = cross_entropy(logits, labels); // [1]
            let grads = GradientsParams::from_grads(loss.backward(), &self.classifier);
            self.classifier = self
                .optimizer
                .step(learning_rate, self.classifier.clone(), grads);
            total += f64::from(read_floats(loss.detach()).await?[0]);
        }
        self.epoch += 1;
        Ok(total / batches as f64)
    }

    /// The classifier in inference mode, on the plain (non-autodiff) device.
    pub fn classifier(&self) -> Classifier {
        self.classifier.valid()
    }

    /// The classifier's widths.
    pub fn classifier_config(&self) -> &ClassifierConfig {
        &self.classifier_config
    }
}

/// Fraction of the digits `indices` of `data` (unaugmented) that `classifier` labels correctly.
pub async fn accuracy(
    classifier: &Classifier,
    data: &MnistSet,
    indices: &[usize],
    device: &Device,
) -> Result<f64, EvalError> {
    if indices.is_empty() {
        return Err(EvalError::BadRequest("no digits to classify".to_owned()));
    }
    let mut correct = 0;
    for chunk in indices.chunks(EVAL_BATCH) {
        let (images, _) = digit_batch(data, chunk, None, device);
        let logits = read_floats(classifier.forward(images)).await?; // [B, 10]
        for (&i, row) in chunk.iter().zip(logits.chunks_exact(NUM_CLASSES)) {
            if argmax(row) == usize::from(data.label(i)) {
                correct += 1;
            }
        }
    }
    Ok(correct as f64 / indices.len() as f64)
}

/// Index of the largest value (the first one on ties).
pub(crate) fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}
