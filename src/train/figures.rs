//! What a step measured: its losses and the discriminator's mean outputs, as tensors still on
//! the device ([`StepLosses`]) and as numbers once read ([`StepFigures`]).

use burn::prelude::*;

use super::StepMode;

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
}

/// The same figures read back as numbers (NaN where a network was not updated).
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
}

impl StepFigures {
    /// Whether every figure that was measured is finite (a diverged run is not).
    pub fn is_finite(&self, mode: StepMode) -> bool {
        let d_ok =
            mode == StepMode::GeneratorOnly || (self.loss_d.is_finite() && self.d_real.is_finite());
        let g_ok = mode == StepMode::DiscriminatorOnly || self.loss_g.is_finite();
        d_ok && g_ok && self.d_fake.is_finite()
    }
}

impl StepLosses {
    /// Reads the figures synchronously (native backends only; on the web use
    /// [`StepLosses::read_async`]).
    pub fn read(self) -> StepFigures {
        let read = |t: Option<Tensor<1>>| t.map_or(f32::NAN, |t| t.into_scalar::<f32>());
        StepFigures {
            loss_d: read(self.loss_d),
            loss_g: read(self.loss_g),
            d_real: read(self.d_real),
            d_fake: self.d_fake.into_scalar::<f32>(),
        }
    }

    /// Reads the figures with one asynchronous transfer (works on every backend, wasm too).
    pub async fn read_async(self) -> Result<StepFigures, String> {
        let mut figures = read_steps_async(vec![self]).await?;
        Ok(figures.remove(0))
    }

    /// The four figures as one tensor `[4]`: loss D, loss G, D(x), D(G(z)) (NaN if not measured).
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
            ],
            0,
        ) // [4]
    }
}

/// Reads the figures of many steps with one asynchronous transfer, so a chunk of training
/// steps costs the page a single wait for the device.
pub async fn read_steps_async(steps: Vec<StepLosses>) -> Result<Vec<StepFigures>, String> {
    if steps.is_empty() {
        return Ok(Vec::new());
    }
    let stacked: Vec<Tensor<1>> = steps.into_iter().map(StepLosses::stacked).collect();
    let data = Tensor::cat(stacked, 0) // [4 * steps]
        .into_data_async()
        .await
        .map_err(|e| format!("reading the losses failed: {e:?}"))?;
    let values: Vec<f32> = data
        .try_to_vec()
        .map_err(|e| format!("reading the losses failed: {e:?}"))?;
    Ok(values
        .chunks_exact(4)
        .map(|v| StepFigures {
            loss_d: v[0],
            loss_g: v[1],
            d_real: v[2],
            d_fake: v[3],
        })
        .collect())
}
