//! Scoring a generator (or real digits) with the classifier: the figures of [`EvalReport`].

use std::fmt;

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::{MnistSet, NUM_CLASSES};
use crate::eval::classifier::Classifier;
use crate::eval::frechet::{GaussianStats, frechet_distance};
use crate::eval::images::to_classifier_input;
use crate::eval::training::{argmax, digit_batch};
use crate::eval::{EVAL_BATCH, EvalError, read_floats};
use crate::latent;
use crate::model::sample::{codes_for, sample};
use crate::model::{Generator, ModelConfig};
use crate::rng::SplitMix64;

/// A digit counts as covered when at least this fraction of the samples is classified as it
/// (uniform would be 10%).
pub const COVERAGE_THRESHOLD: f64 = 0.04;
/// What [`EvalReport::source`] says for real digits.
pub const REAL_SOURCE: &str = "real";
/// Mixed into the seed for the conditional model's label draws, so they do not reuse z's bits.
const LABEL_STREAM: u64 = 0x1ABE_15EE_D000_0001;

/// What the classifier makes of a set of images, read back to the CPU.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassifierOutputs {
    /// Logits, row-major `[n, 10]`.
    pub logits: Vec<f32>,
    /// Penultimate features, row-major `[n, feature_dim]`.
    pub features: Vec<f32>,
    /// Length of one feature vector.
    pub feature_dim: usize,
}

impl ClassifierOutputs {
    /// Number of images classified.
    pub fn len(&self) -> usize {
        self.logits.len() / NUM_CLASSES
    }

    /// Whether no image was classified.
    pub fn is_empty(&self) -> bool {
        self.logits.is_empty()
    }

    /// The predicted digit of each image (argmax of its logits).
    pub fn predictions(&self) -> Vec<u8> {
        self.logits
            .chunks_exact(NUM_CLASSES)
            .map(|row| argmax(row) as u8)
            .collect()
    }

    /// The softmax probability of the predicted digit, for each image.
    pub fn confidences(&self) -> Vec<f64> {
        self.logits
            .chunks_exact(NUM_CLASSES)
            .map(|row| {
                // max softmax = 1 / Σ exp(l_j − l_max): stable for any logits.
                let top = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                1.0 / row
                    .iter()
                    .map(|&l| (f64::from(l) - f64::from(top)).exp())
                    .sum::<f64>()
            })
            .collect()
    }

    /// The softmax probabilities of the ten digits, for each image (row-major `[n, 10]`).
    pub fn probabilities(&self) -> Vec<f32> {
        let mut probabilities = Vec::with_capacity(self.logits.len());
        for row in self.logits.chunks_exact(NUM_CLASSES) {
            // Subtracting the largest logit keeps exp finite for any logits.
            let top = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let start = probabilities.len();
            probabilities.extend(row.iter().map(|&l| (l - top).exp()));
            let sum: f32 = probabilities[start..].iter().sum();
            probabilities[start..].iter_mut().for_each(|p| *p /= sum);
        }
        probabilities
    }

    /// The Gaussian fitted to the features.
    ///
    /// # Panics
    /// With fewer than two images.
    pub fn feature_stats(&self) -> GaussianStats {
        GaussianStats::of_vectors(&self.features, self.feature_dim)
    }

    fn append(&mut self, logits: Vec<f32>, features: Vec<f32>, feature_dim: usize) {
        self.logits.extend(logits);
        self.features.extend(features);
        self.feature_dim = feature_dim;
    }
}

/// Classifies one batch of images `[B, 1, 28 or 32, 28 or 32]` in [-1, 1] (28x28 ones are
/// resized first), reading logits and features back with one asynchronous transfer.
pub async fn classify_images(
    classifier: &Classifier,
    images: Tensor<4>,
) -> Result<ClassifierOutputs, EvalError> {
    let (logits, features) = classifier.forward_with_features(to_classifier_input(images)); // [B, 10], [B, F]
    let feature_dim = features.dims()[1];
    let both = Tensor::cat(vec![logits, features], 1); // [B, 10 + F]
    let values = read_floats(both).await?;
    let (mut logits, mut features) = (Vec::new(), Vec::new());
    for row in values.chunks_exact(NUM_CLASSES + feature_dim) {
        logits.extend_from_slice(&row[..NUM_CLASSES]);
        features.extend_from_slice(&row[NUM_CLASSES..]);
    }
    let mut outputs = ClassifierOutputs::default();
    outputs.append(logits, features, feature_dim);
    Ok(outputs)
}

/// Classifies the digits `indices` of `data` (unaugmented), in batches.
pub async fn classify_digits(
    classifier: &Classifier,
    data: &MnistSet,
    indices: &[usize],
    device: &Device,
) -> Result<ClassifierOutputs, EvalError> {
    let mut outputs = ClassifierOutputs::default();
    for chunk in indices.chunks(EVAL_BATCH) {
        let (images, _) = digit_batch(data, chunk, None, device);
        let batch = classify_images(classifier, images).await?;
        outputs.append(batch.logits, batch.features, batch.feature_dim);
    }
    Ok(outputs)
}

/// The quality figures of a set of images, as the classifier sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    /// What was scored: the model's name (`mlp`, `dcgan`, `cdcgan`) or `real`.
    pub source: String,
    /// Number of images scored.
    pub samples: usize,
    /// Seed of the latent vectors and labels (generators) or of the digit choice (real).
    pub seed: u64,
    /// Fraction of images whose predicted digit is the one asked for (conditional models), or
    /// the true one (real digits); `None` for unconditional models.
    pub label_accuracy: Option<f64>,
    /// How many images the classifier assigns to each digit 0..9.
    pub class_histogram: [usize; NUM_CLASSES],
    /// How many digits receive at least [`COVERAGE_THRESHOLD`] of the images (10 = all).
    pub digits_covered: usize,
    /// Mean over the images of the classifier's top softmax probability.
    pub mean_confidence: f64,
    /// Fréchet distance between the classifier features of these images and of the reference
    /// digits (lower is closer to real digits).
    pub frechet_distance: f64,
    /// Number of reference digits (the held-out split).
    pub reference_samples: usize,
    /// InfoGAN: what the classifier makes of each value of the categorical code (which it
    /// was never told means a digit), for the codes that were drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<Vec<CodeDigit>>,
    /// InfoGAN: the fraction of samples classified as their code's majority digit (1 when
    /// each code draws one digit only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_purity: Option<f64>,
}

/// What one value of InfoGAN's categorical code draws, as the classifier sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeDigit {
    /// The code's value, 0..9.
    pub code: u8,
    /// The digit the classifier sees most often in the code's samples.
    pub digit: u8,
    /// The fraction of the code's samples classified as that digit.
    pub purity: f64,
    /// Samples drawn with the code.
    pub samples: usize,
}

/// For InfoGAN: each drawn code's majority digit and purity, and the fraction of all
/// samples classified as their code's majority digit.
fn code_digits(predictions: &[u8], codes: &[u8]) -> (Vec<CodeDigit>, f64) {
    let mut counts = [[0usize; NUM_CLASSES]; NUM_CLASSES];
    for (&digit, &code) in predictions.iter().zip(codes) {
        counts[usize::from(code)][usize::from(digit)] += 1;
    }
    let mut matched = 0;
    let table = counts
        .iter()
        .enumerate()
        .filter(|(_, row)| row.iter().sum::<usize>() > 0)
        .map(|(code, row)| {
            let samples: usize = row.iter().sum();
            let (digit, &hits) = row
                .iter()
                .enumerate()
                .max_by_key(|&(digit, &count)| (count, std::cmp::Reverse(digit)))
                .expect("ten digits");
            matched += hits;
            CodeDigit {
                code: code as u8,
                digit: digit as u8,
                purity: hits as f64 / samples as f64,
                samples,
            }
        })
        .collect();
    (table, matched as f64 / predictions.len().max(1) as f64)
}

impl EvalReport {
    /// The figures of `outputs` against the reference Gaussian; `requested` are the digits the
    /// images should show, if known, `codes` InfoGAN's categorical codes they were drawn with.
    fn from_outputs(
        source: &str,
        seed: u64,
        outputs: &ClassifierOutputs,
        (requested, codes): (Option<&[u8]>, Option<&[u8]>),
        reference: &GaussianStats,
        reference_samples: usize,
    ) -> Self {
        let predictions = outputs.predictions();
        let n = predictions.len();
        let mut class_histogram = [0; NUM_CLASSES];
        for &digit in &predictions {
            class_histogram[usize::from(digit)] += 1;
        }
        let digits_covered = class_histogram
            .iter()
            .filter(|&&count| count as f64 >= COVERAGE_THRESHOLD * n as f64)
            .count();
        let label_accuracy = requested.map(|wanted| {
            let hits = predictions
                .iter()
                .zip(wanted)
                .filter(|(p, w)| p == w)
                .count();
            hits as f64 / n as f64
        });
        let mean_confidence = outputs.confidences().iter().sum::<f64>() / n as f64;
        let (codes, code_purity) = codes.map(|codes| code_digits(&predictions, codes)).unzip();
        Self {
            source: source.to_owned(),
            samples: n,
            seed,
            label_accuracy,
            class_histogram,
            digits_covered,
            mean_confidence,
            frechet_distance: frechet_distance(&outputs.feature_stats(), reference),
            reference_samples,
            codes,
            code_purity,
        }
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "source:           {} ({} samples, seed {})",
            self.source, self.samples, self.seed
        )?;
        match self.label_accuracy {
            Some(accuracy) => writeln!(
                f,
                "label accuracy:   {:.1}% (classifier's digit = {} digit)",
                100.0 * accuracy,
                if self.source == REAL_SOURCE {
                    "true"
                } else {
                    "requested"
                }
            )?,
            None => writeln!(f, "label accuracy:   - (unconditional model)")?,
        }
        writeln!(
            f,
            "digits covered:   {} of 10 at >= {:.0}% of samples",
            self.digits_covered,
            100.0 * COVERAGE_THRESHOLD
        )?;
        let histogram: Vec<String> = self
            .class_histogram
            .iter()
            .enumerate()
            .map(|(digit, count)| format!("{digit}:{count}"))
            .collect();
        writeln!(f, "class histogram:  {}", histogram.join(" "))?;
        writeln!(
            f,
            "mean confidence:  {:.3} (mean top softmax probability)",
            self.mean_confidence
        )?;
        write!(
            f,
            "Fréchet distance: {:.2} (classifier features vs {} held-out digits)",
            self.frechet_distance, self.reference_samples
        )?;
        if let (Some(codes), Some(purity)) = (&self.codes, self.code_purity) {
            let table: Vec<String> = codes
                .iter()
                .map(|c| format!("{}->{} ({:.0}%)", c.code, c.digit, 100.0 * c.purity))
                .collect();
            let mut digits: Vec<u8> = codes.iter().map(|c| c.digit).collect();
            digits.sort_unstable();
            digits.dedup();
            write!(
                f,
                "\ncategorical code: {} (code->majority digit); purity {:.1}%, {} distinct digits",
                table.join(" "),
                100.0 * purity,
                digits.len()
            )?;
        }
        Ok(())
    }
}

/// A classifier and the features of the held-out digits: scores any number of sources
/// against the same reference.
pub struct Evaluator {
    classifier: Classifier,
    reference: GaussianStats,
    reference_samples: usize,
    device: Device,
}

impl Evaluator {
    /// Classifies the held-out digits of `data` once, as the reference of every report.
    pub async fn new(
        classifier: Classifier,
        data: &MnistSet,
        device: &Device,
    ) -> Result<Self, EvalError> {
        let heldout = data.heldout_indices();
        if heldout.len() < 2 {
            return Err(EvalError::BadRequest(format!(
                "the reference needs at least 2 held-out digits, the data has {}",
                heldout.len()
            )));
        }
        let outputs = classify_digits(&classifier, data, &heldout, device).await?;
        Ok(Self {
            classifier,
            reference: outputs.feature_stats(),
            reference_samples: heldout.len(),
            device: device.clone(),
        })
    }

    /// Scores `n` samples of `generator` (in inference mode, on this evaluator's device) from
    /// the latent vectors `latent::sample_z(seed, n, nz)`; a conditional model is asked for
    /// digits drawn uniformly with a generator seeded from `seed`.
    pub async fn evaluate_generator(
        &self,
        generator: &Generator,
        model: &ModelConfig,
        n: usize,
        seed: u64,
    ) -> Result<EvalReport, EvalError> {
        check_sample_count(n)?;
        let nz = model.nz();
        let kind = model.kind();
        let z = model.prior().sample(seed, n, nz);
        // The digits a conditional model is asked for, or InfoGAN's categorical codes (and
        // its continuous codes, drawn as in training).
        let mut rng = SplitMix64::new(seed ^ LABEL_STREAM);
        let drawn = (kind.code_size() > 0).then(|| latent::random_labels(&mut rng, n));
        let continuous = kind
            .has_latent_codes()
            .then(|| latent::random_continuous(&mut rng, n));
        let mut outputs = ClassifierOutputs::default();
        for start in (0..n).step_by(EVAL_BATCH) {
            let end = (start + EVAL_BATCH).min(n);
            let codes = drawn.as_ref().and_then(|digits| {
                codes_for(
                    kind,
                    &digits[start..end],
                    continuous.as_ref().map(|c| &c[start..end]),
                )
            });
            let images = sample(
                generator,
                model,
                &z[start * nz..end * nz],
                codes.as_deref(),
                &self.device,
            ); // [b, 1, H, W]
            let batch = classify_images(&self.classifier, images).await?;
            outputs.append(batch.logits, batch.features, batch.feature_dim);
        }
        let requested = drawn.as_deref().filter(|_| kind.is_conditional());
        let codes = drawn.as_deref().filter(|_| kind.has_latent_codes());
        Ok(EvalReport::from_outputs(
            kind.name(),
            seed,
            &outputs,
            (requested, codes),
            &self.reference,
            self.reference_samples,
        ))
    }

    /// Scores `n` real training digits, chosen by a shuffle seeded with `seed`, labelled with
    /// their true digits: the floor that a perfect generator would reach.
    pub async fn evaluate_real(
        &self,
        data: &MnistSet,
        n: usize,
        seed: u64,
    ) -> Result<EvalReport, EvalError> {
        check_sample_count(n)?;
        let mut indices = data.train_indices();
        if n > indices.len() {
            return Err(EvalError::BadRequest(format!(
                "asked for {n} real digits, the training split has {}",
                indices.len()
            )));
        }
        SplitMix64::new(seed).shuffle(&mut indices);
        indices.truncate(n);
        let outputs = classify_digits(&self.classifier, data, &indices, &self.device).await?;
        let labels: Vec<u8> = indices.iter().map(|&i| data.label(i)).collect();
        Ok(EvalReport::from_outputs(
            REAL_SOURCE,
            seed,
            &outputs,
            (Some(&labels), None),
            &self.reference,
            self.reference_samples,
        ))
    }
}

fn check_sample_count(n: usize) -> Result<(), EvalError> {
    if (2..=100_000).contains(&n) {
        Ok(())
    } else {
        Err(EvalError::BadRequest(format!(
            "the number of samples must be 2 to 100000 (a covariance needs two), got {n}"
        )))
    }
}

/// Scores `n` samples of `generator` against the held-out digits of `data`: a one-off
/// [`Evaluator::new`] + [`Evaluator::evaluate_generator`].
pub async fn evaluate(
    generator: &Generator,
    model: &ModelConfig,
    classifier: Classifier,
    data: &MnistSet,
    n: usize,
    seed: u64,
    device: &Device,
) -> Result<EvalReport, EvalError> {
    Evaluator::new(classifier, data, device)
        .await?
        .evaluate_generator(generator, model, n, seed)
        .await
}
