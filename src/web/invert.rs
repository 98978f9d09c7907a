//! The page's "Find z" and "nearest real digit": an [`Inversion`] finds the z from which the
//! loaded generator draws a given digit, step by step, so the page can draw the
//! reconstruction as it converges; a [`DigitSearch`] finds the training digits nearest to the
//! selected cell's image, by the classifier's features and by pixels.
//!
//! Both run on a [`Studio`]'s device with its loaded generator (and, for the search, its
//! classifier), passed to each call, so they outlive a move of the studio to another device.
//! Tensors are read back only with `into_data_async`.
//!
//! ```js
//! // Find z for a digit drawn on a canvas (grey levels, any size):
//! const inversion = await Inversion.start(studio, grey, width, height, label, null);
//! for (let i = 0; i < 10; i++) {
//!   const step = await inversion.step(50);   // 50 Adam steps, then one read
//!   draw(step.image); show(step.error);
//! }
//! // The training digits nearest to the selected cell:
//! const search = await DigitSearch.create(studio, mnistBytes, "mnist");  // once: classifies 9,001 digits
//! const nearest = await search.nearest(studio, z, codes, 5);
//! draw(nearest.featureStrip); draw(nearest.pixelStrip);
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::{Rendered, Studio, js_error};
use crate::data::{IMAGE_PIXELS, MnistSet, RESIZED_PIXELS, RESIZED_SIDE};
use crate::eval::resize_28_to_32;
use crate::image::grid;
use crate::invert::{self, InversionConfig, InversionProgress, LatentPoint};
use crate::model::ModelKind;
use crate::neighbours::{DigitIndex, Neighbour, Neighbours};
use crate::picture;

/// The most steps one [`Inversion::step`] call may take: bounds the work behind one await.
const MAX_STEPS_PER_CALL: usize = 1000;
/// The most neighbours one search returns, by each measure.
const MAX_K: usize = 64;

/// An inversion under way ("Find z") for one target digit and the studio's loaded model.
#[wasm_bindgen]
pub struct Inversion {
    run: Rc<RefCell<invert::Inversion>>,
    kind: ModelKind,
    /// The target at the model's resolution, in [-1, 1].
    target: Vec<f32>,
    start_error: f32,
    label: Option<u8>,
}

/// Where an inversion stands after a [`Inversion::step`].
#[wasm_bindgen]
pub struct InversionStep {
    progress: InversionProgress,
    kind: ModelKind,
}

fn read_options(options: Option<String>) -> Result<InversionConfig, JsValue> {
    let config: InversionConfig = match options.as_deref() {
        None | Some("") => InversionConfig::default(),
        Some(json) => {
            serde_json::from_str(json).map_err(|e| js_error(format!("inversion settings: {e}")))?
        }
    };
    config.validate().map_err(js_error)?;
    Ok(config)
}

#[wasm_bindgen]
impl Inversion {
    /// Starts finding z for a picture of a digit: `grey` holds `width * height` grey levels,
    /// row-major (white ink on black as MNIST; a light background is inverted; a picture
    /// that is not 28x28 is cropped, scaled and centred as MNIST's digits were). `label`:
    /// the digit for the conditional models, the category for InfoGAN, or `undefined` to let
    /// the random starts choose (ignored by the other models). `options`: JSON of any of
    /// `{learning_rate, prior_weight, starts, seed}` (defaults 0.05, 0.01, 64, 0), or `null`.
    /// Runs the random starts on the studio's device with its loaded model; resolves to an
    /// [`Inversion`] at step 0.
    pub fn start(
        studio: &Studio,
        grey: Vec<u8>,
        width: usize,
        height: usize,
        label: Option<u8>,
        options: Option<String>,
    ) -> Promise {
        let state = studio.state.clone();
        future_to_promise(async move {
            let config = read_options(options)?;
            let (model, device) = state.borrow().loaded()?;
            let kind = model.config.kind();
            let digit = picture::digit_from_gray(width, height, &grey).map_err(js_error)?;
            let target = picture::to_model_resolution(model.config.image_size(), &digit);
            let label = label.filter(|_| kind.code_size() > 0);
            let run = invert::Inversion::start(
                &model.generator,
                &model.config,
                &target,
                &[label],
                &config,
                &device,
            )
            .await
            .map_err(js_error)?;
            Ok(Inversion {
                kind,
                target,
                start_error: run.start_errors()[0],
                label: run.labels()[0],
                run: Rc::new(RefCell::new(run)),
            }
            .into())
        })
    }

    /// Takes `steps` Adam steps (at most 1,000; 0 reads the state as it is) and resolves to
    /// an [`InversionStep`]: the error, z and the reconstruction now.
    pub fn step(&self, steps: usize) -> Promise {
        let run = self.run.clone();
        let kind = self.kind;
        future_to_promise(async move {
            if steps > MAX_STEPS_PER_CALL {
                return Err(js_error(format!(
                    "at most {MAX_STEPS_PER_CALL} steps per call, got {steps}"
                )));
            }
            // The borrow ends before the read: another call may queue steps meanwhile.
            let snapshot = {
                let mut run = run.borrow_mut();
                run.advance(steps).map_err(js_error)?;
                run.snapshot()
            };
            let progress = snapshot.read().await.map_err(js_error)?;
            Ok(InversionStep { progress, kind }.into())
        })
    }

    /// The target as the model sees it (at its image size: 28, 32 or 64).
    #[wasm_bindgen(getter)]
    pub fn target(&self) -> Result<Rendered, JsValue> {
        let side = (self.target.len() as f64).sqrt() as usize;
        Ok(grid(&self.target, side, 1, 1, 0).map_err(js_error)?.into())
    }

    /// The target's values in [-1, 1], row-major at the model's resolution.
    #[wasm_bindgen(getter, js_name = targetValues)]
    pub fn target_values(&self) -> Vec<f32> {
        self.target.clone()
    }

    /// The pixel error (mean squared, [-1, 1] units) of the best random start.
    #[wasm_bindgen(getter, js_name = startError)]
    pub fn start_error(&self) -> f32 {
        self.start_error
    }

    /// The digit (or InfoGAN category) the inversion draws with: the one given, or the one
    /// the random starts chose; `undefined` for a model without labels.
    #[wasm_bindgen(getter)]
    pub fn label(&self) -> Option<u8> {
        self.label
    }

    /// Adam steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> usize {
        self.run.borrow().steps()
    }
}

#[wasm_bindgen]
impl InversionStep {
    /// Adam steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> usize {
        self.progress.steps
    }

    /// The pixel error now: mean squared difference of G(z) and the target, in [-1, 1]
    /// units, at the model's resolution.
    #[wasm_bindgen(getter)]
    pub fn error(&self) -> f32 {
        self.progress.errors[0]
    }

    /// The objective now: the error plus the prior term λ·mean(z²).
    #[wasm_bindgen(getter)]
    pub fn objective(&self) -> f32 {
        self.progress.objectives[0]
    }

    /// z now (`nz` values): draw it with `studio.render(z, codes, 1, 1, 0)`.
    #[wasm_bindgen(getter)]
    pub fn z(&self) -> Vec<f32> {
        self.progress.z.clone()
    }

    /// The codes now (the one-hot; InfoGAN's categorical and continuous codes), or
    /// `undefined` for a model without codes.
    #[wasm_bindgen(getter)]
    pub fn codes(&self) -> Option<Vec<f32>> {
        self.progress.codes.clone()
    }

    /// The reconstruction G(z) now, at the model's resolution.
    #[wasm_bindgen(getter)]
    pub fn image(&self) -> Result<Rendered, JsValue> {
        let side = self.progress.side;
        Ok(grid(&self.progress.images, side, 1, 1, 0)
            .map_err(js_error)?
            .into())
    }

    /// The reconstruction's values in [-1, 1], row-major at the model's resolution (for
    /// `DigitSearch.nearestToImage`).
    #[wasm_bindgen(getter)]
    pub fn values(&self) -> Vec<f32> {
        self.progress.images.clone()
    }

    /// The point as JSON, the `z.json` that `gan invert --out` writes and
    /// `gan sample --z` draws.
    #[wasm_bindgen(getter)]
    pub fn point(&self) -> Result<String, JsValue> {
        let point = LatentPoint::from_progress(self.kind, &self.progress, 0);
        serde_json::to_string_pretty(&point).map_err(js_error)
    }
}

/// The training digits with their classifier features, computed once: searches them for the
/// digits nearest to an image.
#[wasm_bindgen]
pub struct DigitSearch {
    data: Rc<MnistSet>,
    index: Rc<DigitIndex>,
}

/// The nearest training digits to one image, by features and by pixels, nearest first.
#[wasm_bindgen]
pub struct Nearest {
    /// The query at 32x32, in [-1, 1].
    query: Vec<f32>,
    found: Neighbours,
    /// Each neighbour's 32x32 pixels, by features then by pixels.
    pixels: Vec<f32>,
}

#[wasm_bindgen]
impl DigitSearch {
    /// Decodes a data set's file (the bytes of `www/data/<file>` of the set called
    /// `data_set`; `undefined`: MNIST's `mnist.bin`) and classifies its training items with
    /// the studio's classifier (`studio.loadClassifier` first, with that set's classifier),
    /// on its device: the slow part, done once. Resolves to a [`DigitSearch`].
    pub fn create(studio: &Studio, data: Vec<u8>, data_set: Option<String>) -> Promise {
        let state = studio.state.clone();
        future_to_promise(async move {
            let set = match data_set.as_deref() {
                None => &crate::data::sets::MNIST,
                Some(name) => crate::data::sets::data_set(name)
                    .ok_or_else(|| js_error(format!("no data set called {name:?}")))?,
            };
            let data = MnistSet::from_bytes(&data)
                .map_err(js_error)?
                .with_data_set(set);
            let (classifier, device) = {
                let s = state.borrow();
                let classifier = s
                    .classifier
                    .clone()
                    .ok_or_else(|| js_error("the classifier is not loaded"))?;
                (classifier, s.device.clone())
            };
            let index = DigitIndex::build(&classifier, &data, &data.train_indices(), &device)
                .await
                .map_err(js_error)?;
            Ok(DigitSearch {
                data: Rc::new(data),
                index: Rc::new(index),
            }
            .into())
        })
    }

    /// Number of training digits searched.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.index.len()
    }

    /// The name of the data set searched.
    #[wasm_bindgen(getter, js_name = dataSet)]
    pub fn data_set(&self) -> String {
        self.data.data_set().name.to_owned()
    }

    /// The `k` (1 to 64) training digits nearest to the loaded model's image of `z` (`[nz]`)
    /// with `codes` (`[code size]`, as for `studio.render`; none for models without codes).
    /// Resolves to a [`Nearest`].
    pub fn nearest(
        &self,
        studio: &Studio,
        z: Vec<f32>,
        codes: Option<Vec<f32>>,
        k: usize,
    ) -> Promise {
        let state = studio.state.clone();
        let index = self.index.clone();
        future_to_promise(async move {
            let (image, classifier, device) =
                state
                    .borrow()
                    .one_image_and_classifier(&z, codes.as_deref(), "nearest")?; // [1, 1, H, W]
            let side = image.dims()[3];
            let values: Vec<f32> = image
                .into_data_async()
                .await
                .map_err(|e| js_error(format!("reading the image failed: {e:?}")))?
                .try_to_vec()
                .map_err(|e| js_error(format!("reading the image failed: {e:?}")))?;
            search(&index, &classifier, &values, side, k, &device).await
        })
    }

    /// The `k` (1 to 64) training digits nearest to an image given by its values: `values`
    /// in [-1, 1], row-major, `side` x `side` with side 28 or 32 (an `InversionStep`'s
    /// `values`, say). Resolves to a [`Nearest`].
    #[wasm_bindgen(js_name = nearestToImage)]
    pub fn nearest_to_image(
        &self,
        studio: &Studio,
        values: Vec<f32>,
        side: usize,
        k: usize,
    ) -> Promise {
        let state = studio.state.clone();
        let index = self.index.clone();
        future_to_promise(async move {
            let (classifier, device) = {
                let s = state.borrow();
                let classifier = s
                    .classifier
                    .clone()
                    .ok_or_else(|| js_error("the classifier is not loaded"))?;
                (classifier, s.device.clone())
            };
            search(&index, &classifier, &values, side, k, &device).await
        })
    }

    /// Dataset digit `index`'s 784 grey levels (28x28, white on black): a target for
    /// `Inversion.start(studio, grey, 28, 28, ...)`.
    pub fn digit(&self, index: usize) -> Result<Vec<u8>, JsValue> {
        self.check_index(index)?;
        Ok(self.data.pixels(index).to_vec())
    }

    /// Dataset digit `index`'s label (0-9).
    #[wasm_bindgen(js_name = digitLabel)]
    pub fn digit_label(&self, index: usize) -> Result<u8, JsValue> {
        self.check_index(index)?;
        Ok(self.data.label(index))
    }

    /// The dataset indices of the 999 held-out digits (never trained on): targets for "Find
    /// z" that the generator has not seen.
    #[wasm_bindgen(js_name = heldoutIndices)]
    pub fn heldout_indices(&self) -> Vec<u32> {
        self.data
            .heldout_indices()
            .into_iter()
            .map(|i| i as u32)
            .collect()
    }
}

impl DigitSearch {
    fn check_index(&self, index: usize) -> Result<(), JsValue> {
        if index >= self.data.len() {
            return Err(js_error(format!(
                "digit {index} is not in the dataset ({} digits)",
                self.data.len()
            )));
        }
        Ok(())
    }
}

/// Searches `index` for the image `values` (`side` x `side`) and gathers what the page draws.
async fn search(
    index: &DigitIndex,
    classifier: &crate::eval::Classifier,
    values: &[f32],
    side: usize,
    k: usize,
    device: &burn::prelude::Device,
) -> Result<JsValue, JsValue> {
    if !(1..=MAX_K).contains(&k) {
        return Err(js_error(format!("k must be 1 to {MAX_K}, got {k}")));
    }
    let found = index
        .nearest(classifier, values, side, k, device)
        .await
        .map_err(js_error)?
        .remove(0);
    let query = if values.len() == IMAGE_PIXELS {
        resize_28_to_32(values)
    } else {
        values.to_vec()
    };
    let pixels = found
        .by_features
        .iter()
        .chain(&found.by_pixels)
        .flat_map(|n| {
            index
                .pixels_of(n.index)
                .expect("a neighbour is a digit of the index")
                .iter()
                .copied()
        })
        .collect();
    Ok(Nearest {
        query,
        found,
        pixels,
    }
    .into())
}

#[wasm_bindgen]
impl Nearest {
    /// Dataset indices of the nearest digits by the classifier's features, nearest first.
    #[wasm_bindgen(getter, js_name = featureIndices)]
    pub fn feature_indices(&self) -> Vec<u32> {
        indices(&self.found.by_features)
    }

    /// Their digits.
    #[wasm_bindgen(getter, js_name = featureLabels)]
    pub fn feature_labels(&self) -> Vec<u8> {
        self.found.by_features.iter().map(|n| n.label).collect()
    }

    /// Their Euclidean distances in feature space.
    #[wasm_bindgen(getter, js_name = featureDistances)]
    pub fn feature_distances(&self) -> Vec<f32> {
        distances(&self.found.by_features)
    }

    /// Dataset indices of the nearest digits in pixels (32x32, [-1, 1]), nearest first.
    #[wasm_bindgen(getter, js_name = pixelIndices)]
    pub fn pixel_indices(&self) -> Vec<u32> {
        indices(&self.found.by_pixels)
    }

    /// Their digits.
    #[wasm_bindgen(getter, js_name = pixelLabels)]
    pub fn pixel_labels(&self) -> Vec<u8> {
        self.found.by_pixels.iter().map(|n| n.label).collect()
    }

    /// Their Euclidean distances in pixels (a copy is at 0; `d / 32` is the root-mean-square
    /// difference per pixel).
    #[wasm_bindgen(getter, js_name = pixelDistances)]
    pub fn pixel_distances(&self) -> Vec<f32> {
        distances(&self.found.by_pixels)
    }

    /// The query, then its neighbours by features, in one row of 32x32 cells with a 1-pixel
    /// black gap.
    #[wasm_bindgen(getter, js_name = featureStrip)]
    pub fn feature_strip(&self) -> Result<Rendered, JsValue> {
        self.strip(0)
    }

    /// The query, then its neighbours by pixels, likewise.
    #[wasm_bindgen(getter, js_name = pixelStrip)]
    pub fn pixel_strip(&self) -> Result<Rendered, JsValue> {
        self.strip(1)
    }

    /// Neighbour `i`'s 32x32 values in [-1, 1]: the ones by features first (`0..k`), then
    /// the ones by pixels (`k..2k`).
    #[wasm_bindgen(js_name = neighbourValues)]
    pub fn neighbour_values(&self, i: usize) -> Result<Vec<f32>, JsValue> {
        let count = self.pixels.len() / RESIZED_PIXELS;
        if i >= count {
            return Err(js_error(format!("neighbour {i} of {count}")));
        }
        Ok(self.pixels[i * RESIZED_PIXELS..(i + 1) * RESIZED_PIXELS].to_vec())
    }
}

impl Nearest {
    /// The query then the neighbours of list `which` (0: by features, 1: by pixels).
    fn strip(&self, which: usize) -> Result<Rendered, JsValue> {
        let k = self.found.by_features.len();
        let mut cells = self.query.clone();
        cells.extend_from_slice(
            &self.pixels[which * k * RESIZED_PIXELS..(which + 1) * k * RESIZED_PIXELS],
        );
        Ok(grid(&cells, RESIZED_SIDE, 1, k + 1, 1)
            .map_err(js_error)?
            .into())
    }
}

fn indices(neighbours: &[Neighbour]) -> Vec<u32> {
    neighbours.iter().map(|n| n.index as u32).collect()
}

fn distances(neighbours: &[Neighbour]) -> Vec<f32> {
    neighbours.iter().map(|n| n.distance).collect()
}
