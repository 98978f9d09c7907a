//! What a step measured: its losses, the discriminator's mean outputs and what a loss with a
//! penalty or an equilibrium term adds, as tensors still on the device ([`StepLosses`]) and
//! as numbers once read ([`StepFigures`]), in the order [`FIGURES`] names them.

use burn::prelude::*;
use serde::Serialize;

use super::StepMode;

/// One figure a step may measure: its key (the CSV's column, the page's series) and how
/// charts name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// The CSV column and the page's name for it.
    pub key: &'static str,
    /// How charts and messages name it.
    pub title: &'static str,
}

/// Every figure, in the order [`StepFigures::values`] gives them (the page's arrays and CSV
/// columns follow it).
pub const FIGURES: &[Figure] = &[
    Figure {
        key: "loss_d",
        title: "loss D",
    },
    Figure {
        key: "loss_g",
        title: "loss G",
    },
    Figure {
        key: "d_real",
        title: "D(x)",
    },
    Figure {
        key: "d_fake",
        title: "D(G(z))",
    },
    Figure {
        key: "penalty",
        title: "gradient penalty",
    },
    Figure {
        key: "balance",
        title: "k_t",
    },
    Figure {
        key: "convergence",
        title: "M_global",
    },
];

/// What one step measured, still on the device (read them when you want them).
#[derive(Debug, Clone)]
pub struct StepLosses {
    /// Discriminator loss, if D was updated.
    pub loss_d: Option<Tensor<1>>,
    /// Generator loss, if G was updated.
    pub loss_g: Option<Tensor<1>>,
    /// Mean D output on the real batch (probability, or raw score for LSGAN), if D was updated.
    pub d_real: Option<Tensor<1>>,
    /// Mean D output on the fakes, before the D update.
    pub d_fake: Tensor<1>,
    /// The gradient penalty (part of the D loss), if the run has one and D was updated.
    pub penalty: Option<Tensor<1>>,
    /// An equilibrium loss's balance k_t after the step (BEGAN), if it has one.
    pub balance: Option<Tensor<1>>,
    /// An equilibrium loss's convergence measure M_global (BEGAN), if D was updated.
    pub convergence: Option<Tensor<1>>,
}

/// The same figures read back as numbers (NaN where a figure was not measured).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepFigures {
    /// Discriminator loss.
    pub loss_d: f32,
    /// Generator loss.
    pub loss_g: f32,
    /// Mean D(x).
    pub d_real: f32,
    /// Mean D(G(z)).
    pub d_fake: f32,
    /// The gradient penalty.
    pub penalty: f32,
    /// The balance k_t.
    pub balance: f32,
    /// The convergence measure M_global.
    pub convergence: f32,
}

impl StepFigures {
    /// Whether every figure that was measured is finite (a diverged run is not).
    pub fn is_finite(&self, mode: StepMode) -> bool {
        let d_ok =
            mode == StepMode::GeneratorOnly || (self.loss_d.is_finite() && self.d_real.is_finite());
        let g_ok = mode == StepMode::DiscriminatorOnly || self.loss_g.is_finite();
        d_ok && g_ok && self.d_fake.is_finite()
    }

    /// The figures in [`FIGURES`]' order.
    pub fn values(&self) -> [f32; 7] {
        [
            self.loss_d,
            self.loss_g,
            self.d_real,
            self.d_fake,
            self.penalty,
            self.balance,
            self.convergence,
        ]
    }

    /// The figures from values in [`FIGURES`]' order.
    fn from_values(v: &[f32]) -> Self {
        Self {
            loss_d: v[0],
            loss_g: v[1],
            d_real: v[2],
            d_fake: v[3],
            penalty: v[4],
            balance: v[5],
            convergence: v[6],
        }
    }

    /// The measured figures beside the four every loss has, as `title value` words for a
    /// progress line (` gradient penalty 0.412`, ` k_t 0.013 M_global 0.087`).
    pub fn extra_words(&self) -> String {
        let values = self.values();
        FIGURES[4..]
            .iter()
            .zip(&values[4..])
            .filter(|(_, value)| !value.is_nan())
            .map(|(figure, value)| format!(" {} {value:.3}", figure.title))
            .collect()
    }
}

impl StepLosses {
    /// Reads the figures synchronously (native backends only; on the web use
    /// [`StepLosses::read_async`]).
    pub fn read(self) -> StepFigures {
        let values: Vec<f32> = self
            .stacked()
            .into_data()
            .try_to_vec()
            .expect("the figures are floats");
        StepFigures::from_values(&values)
    }

    /// Reads the figures with one asynchronous transfer (works on every backend, wasm too).
    pub async fn read_async(self) -> Result<StepFigures, String> {
        let mut figures = read_steps_async(vec![self]).await?;
        Ok(figures.remove(0))
    }

    /// The figures as one tensor `[FIGURES.len()]`, in [`FIGURES`]' order (NaN where not
    /// measured).
    fn stacked(self) -> Tensor<1> {
        let device = self.d_fake.device();
        let or_nan =
            |t: Option<Tensor<1>>| t.unwrap_or_else(|| Tensor::full([1], f32::NAN, &device));
        Tensor::cat(
            vec![
                or_nan(self.loss_d),
                or_nan(self.loss_g),
                or_nan(self.d_real),
                self.d_fake,
                or_nan(self.penalty),
                or_nan(self.balance),
                or_nan(self.convergence),
            ],
            0,
        ) // [7]
    }
}

/// Reads the figures of many steps with one asynchronous transfer, so a chunk of training
/// steps costs the page a single wait for the device.
pub async fn read_steps_async(steps: Vec<StepLosses>) -> Result<Vec<StepFigures>, String> {
    if steps.is_empty() {
        return Ok(Vec::new());
    }
    let stacked: Vec<Tensor<1>> = steps.into_iter().map(StepLosses::stacked).collect();
    let data = Tensor::cat(stacked, 0) // [7 * steps]
        .into_data_async()
        .await
        .map_err(|e| format!("reading the losses failed: {e:?}"))?;
    let values: Vec<f32> = data
        .try_to_vec()
        .map_err(|e| format!("reading the losses failed: {e:?}"))?;
    Ok(values
        .chunks_exact(FIGURES.len())
        .map(StepFigures::from_values)
        .collect())
}
