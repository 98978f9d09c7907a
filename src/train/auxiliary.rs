//! The terms ACGAN and InfoGAN add to the adversarial losses, on their discriminators' extra
//! heads ([`crate::model::Scores`]).
//!
//! - ACGAN (Odena et al.): the discriminator names the digit of real images and of fakes
//!   (cross-entropy against the true digit and the digit G was asked for); the generator
//!   wants its fakes named as the digit it was asked for.
//! - InfoGAN (Chen et al.): the Q head recovers the codes G was given, and both Q (with the
//!   discriminator's body) and G minimise how badly it does: cross-entropy for the
//!   categorical code, the Gaussian negative log-likelihood with unit variance
//!   (½ Σ (c − ĉ)², up to a constant) for the continuous codes. That maximises a lower bound
//!   on the mutual information between the codes and the image.

use burn::prelude::*;

use super::loss::cross_entropy;
use crate::model::{Codes, ModelKind, Scores};

/// The auxiliary term an architecture trains, from what its generator takes and what its
/// discriminator answers.
enum Term {
    /// ACGAN's: the generator takes the digit and the discriminator names it.
    Classes,
    /// InfoGAN's: the generator takes latent codes and the discriminator recovers them.
    Information,
}

fn term(kind: ModelKind) -> Option<Term> {
    let info = kind.info();
    match info.codes {
        Codes::Label if info.heads.classes > 0 => Some(Term::Classes),
        Codes::Latent { .. } => Some(Term::Information),
        _ => None,
    }
}

/// Weight of InfoGAN's information term (λ in the paper, 1 for discrete codes).
pub const INFO_WEIGHT: f64 = 1.0;

/// InfoGAN's information loss of `scores` on fakes drawn with `codes` `[B, 10 + 2]`.
fn information(scores: &Scores, codes: Tensor<2>) -> Tensor<1> {
    let [batch, width] = codes.dims();
    let classes = scores
        .classes
        .clone()
        .expect("InfoGAN's discriminator has a categorical head");
    let continuous = scores
        .continuous
        .clone()
        .expect("InfoGAN's discriminator has a continuous head");
    let categories = classes.dims()[1];
    let category = codes.clone().slice([0..batch, 0..categories]); // [B, 10]
    let values = codes.slice([0..batch, categories..width]); // [B, 2]
    let gaussian = (continuous - values)
        .square()
        .sum()
        .mul_scalar(0.5 / batch as f64); // [1]
    (cross_entropy(classes, category) + gaussian).mul_scalar(INFO_WEIGHT)
}

/// The class loss of `scores` against the digits `labels` `[B, 10]` (ACGAN).
fn classes(scores: &Scores, labels: Tensor<2>) -> Tensor<1> {
    let logits = scores
        .classes
        .clone()
        .expect("ACGAN's discriminator has a class head");
    cross_entropy(logits, labels)
}

/// What a model of `kind` adds to the discriminator's loss, from its scores of the real
/// batch (with its digits) and of the fakes (with the codes G was given); `None` for models
/// without extra heads.
pub fn discriminator_term(
    kind: ModelKind,
    real: &Scores,
    real_labels: Option<&Tensor<2>>,
    fake: &Scores,
    fake_codes: Option<&Tensor<2>>,
) -> Option<Tensor<1>> {
    match term(kind)? {
        Term::Classes => {
            let real_labels = real_labels
                .expect("ACGAN's batches carry their digits")
                .clone();
            let fake_labels = fake_codes.expect("ACGAN's fakes have digits").clone();
            Some(classes(real, real_labels) + classes(fake, fake_labels))
        }
        Term::Information => Some(information(
            fake,
            fake_codes.expect("InfoGAN's fakes have codes").clone(),
        )),
    }
}

/// What a model of `kind` adds to the generator's loss, from the discriminator's scores of
/// the fakes and the codes G was given; `None` for models without extra heads.
pub fn generator_term(
    kind: ModelKind,
    fake: &Scores,
    fake_codes: Option<&Tensor<2>>,
) -> Option<Tensor<1>> {
    match term(kind)? {
        Term::Classes => Some(classes(
            fake,
            fake_codes.expect("ACGAN's fakes have digits").clone(),
        )),
        Term::Information => Some(information(
            fake,
            fake_codes.expect("InfoGAN's fakes have codes").clone(),
        )),
    }
}
