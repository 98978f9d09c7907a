//! The browser side: the only module that knows wasm-bindgen and the DOM.
//!
//! It exports a small API to the page's scripts: a [`Studio`] (the explorer, `www/app.js`)
//! that owns a compute device and the loaded generator, a [`Trainer`] (the trainer panel,
//! run in a Web Worker by `www/trainer-worker.js`) on a device of its own, a [`Lab`] (the
//! 2-D lab, `www/lab.js`) on the CPU, an [`Inversion`] ("Find z") and a [`DigitSearch`]
//! (the nearest training digits) on a studio's device, plus the latent-space helpers of
//! [`crate::latent`]. A device is WebGPU through Burn's wgpu runtime
//! or Burn's flex CPU backend, named by the page ([`device`]): the page measures which is
//! faster for each job. Tensors are read back only with `into_data_async`.

mod device;
mod invert;
mod lab;
#[cfg(target_feature = "atomics")]
mod threads;
mod trainer;

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::checkpoint::Checkpoint;
use crate::eval::{Classifier, ClassifierFile, classify_images};
use crate::image::{GrayImage, grid};
use crate::latent;
use crate::model::sample::{check_inputs, sample};
use crate::model::{Generator, ModelConfig, ModelKind};
pub use invert::{DigitSearch, Inversion, InversionStep, Nearest};
pub use lab::{Lab, LabFrame, lab_options};
pub use trainer::Trainer;

/// Installs the panic hook: panics go to the console and replace the page's status text.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal(&format!("GAN Studio crashed: {info}"));
    }));
}

/// Writes a fatal message into the page's status line (and marks it as an error).
fn show_fatal(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(status) = document.get_element_by_id("status") {
        status.set_text_content(Some(message));
        let _ = status.set_attribute("data-state", "error");
    }
}

struct Loaded {
    config: ModelConfig,
    generator: Generator,
    /// The name of the data set the model learned (a checkpoint's [`Checkpoint::data_set`]).
    data_set: String,
}

struct State {
    device: Device,
    backend: &'static str,
    model: Option<Rc<Loaded>>,
    classifier: Option<Classifier>,
}

impl State {
    /// The loaded model and the device it runs on, or the error the page shows without one.
    fn loaded(&self) -> Result<(Rc<Loaded>, Device), JsValue> {
        let model = self
            .model
            .clone()
            .ok_or_else(|| js_error("no model is loaded"))?;
        Ok((model, self.device.clone()))
    }

    /// The loaded model's image of one `z` (`[nz]`) and `codes` `[1, 1, H, W]`, the
    /// classifier and the device, for the calls that classify or search for that image
    /// (`what` names the call in errors).
    fn one_image_and_classifier(
        &self,
        z: &[f32],
        codes: Option<&[f32]>,
        what: &str,
    ) -> Result<(Tensor<4>, Classifier, Device), JsValue> {
        let classifier = self
            .classifier
            .clone()
            .ok_or_else(|| js_error("the classifier is not loaded"))?;
        let (model, device) = self.loaded()?;
        let (count, codes) = check_inputs(&model.config, z, codes).map_err(js_error)?;
        if count != 1 {
            return Err(js_error(format!("{what} takes one image, z holds {count}")));
        }
        let image = sample(&model.generator, &model.config, z, codes, &device); // [1, 1, H, W]
        Ok((image, classifier, device))
    }
}

/// The compute device, the loaded generator and the last picture drawn.
#[wasm_bindgen]
pub struct Studio {
    state: Rc<RefCell<State>>,
}

/// A rendered grid: its size and RGBA pixels, ready for a canvas `ImageData`.
#[wasm_bindgen]
pub struct Rendered {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

#[wasm_bindgen]
impl Rendered {
    /// Width in pixels.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    #[wasm_bindgen(getter)]
    pub fn height(&self) -> usize {
        self.height
    }

    /// RGBA bytes, row-major.
    #[wasm_bindgen(getter)]
    pub fn rgba(&self) -> Vec<u8> {
        self.rgba.clone()
    }
}

impl From<GrayImage> for Rendered {
    fn from(image: GrayImage) -> Self {
        Rendered {
            width: image.width,
            height: image.height,
            rgba: image.to_rgba(),
        }
    }
}

fn js_error(message: impl std::fmt::Display) -> JsValue {
    JsError::new(&message.to_string()).into()
}

#[wasm_bindgen]
impl Studio {
    /// Starts a studio on the device named `backend` (`"webgpu"` or `"cpu"`, see
    /// [`device::start`]); fails with a plain sentence when WebGPU cannot start.
    pub async fn create(backend: String) -> Result<Studio, JsValue> {
        let (device, backend) = device::start(&backend).await?;
        Ok(Studio {
            state: Rc::new(RefCell::new(State {
                device,
                backend,
                model: None,
                classifier: None,
            })),
        })
    }

    /// `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.state.borrow().backend.to_string()
    }

    /// Loads a checkpoint (the bytes of a `.bpk` file). On success the new model replaces the
    /// current one and its description (JSON: kind, nz, image size, config, the data set it
    /// learned as `dataSet`; see [`describe`]) is returned; on failure the current model stays
    /// and the error names the problem.
    pub fn load(&self, bytes: &[u8]) -> Result<String, JsValue> {
        let checkpoint = Checkpoint::from_bytes(bytes).map_err(js_error)?;
        let device = self.state.borrow().device.clone();
        let generator = checkpoint.load_generator(&device).map_err(js_error)?;
        let info = describe(&checkpoint.model, &checkpoint.data_set);
        self.state.borrow_mut().model = Some(Rc::new(Loaded {
            config: checkpoint.model,
            generator,
            data_set: checkpoint.data_set,
        }));
        Ok(info)
    }

    /// Loads the quality meter's classifier (`weights/<classifier>.bpk` of the data set the
    /// page shows: its guesses and searches read images of that set); on a bad file the error
    /// names the problem and any classifier loaded before stays.
    #[wasm_bindgen(js_name = loadClassifier)]
    pub fn load_classifier(&self, bytes: &[u8]) -> Result<(), JsValue> {
        let classifier = load_classifier(bytes, &self.state.borrow().device)?;
        self.state.borrow_mut().classifier = Some(classifier);
        Ok(())
    }

    /// The classifier's digit probabilities for the loaded model's image of `z` (`[nz]`) and
    /// code (`[code size]`: the digit's one-hot, InfoGAN's codes): resolves to 10 softmax
    /// probabilities.
    pub fn classify(&self, z: Vec<f32>, codes: Option<Vec<f32>>) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (images, classifier, _) =
                state
                    .borrow()
                    .one_image_and_classifier(&z, codes.as_deref(), "classify")?; // [1, 1, H, W]
            let outputs = classify_images(&classifier, images)
                .await
                .map_err(js_error)?;
            Ok(js_sys::Float32Array::from(outputs.probabilities().as_slice()).into())
        })
    }

    /// Description of the loaded model (JSON), or `null` before any load.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> Option<String> {
        self.state
            .borrow()
            .model
            .as_ref()
            .map(|m| describe(&m.config, &m.data_set))
    }

    /// Draws `z` (`[n, nz]`, row-major) with codes (`[n, code size]`: digits' one-hots,
    /// InfoGAN's codes; none for the other models) as a `rows` x `cols` grid with `gap` black
    /// pixels between cells. Resolves to a [`Rendered`].
    pub fn render(
        &self,
        z: Vec<f32>,
        codes: Option<Vec<f32>>,
        rows: usize,
        cols: usize,
        gap: usize,
    ) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let (model, device) = state.borrow().loaded()?;
            let image = draw_images(&model, &device, &z, codes.as_deref(), rows, cols, gap).await?;
            Ok(Rendered::from(image).into())
        })
    }
}

/// Decodes the classifier file and loads it on `device`.
fn load_classifier(bytes: &[u8], device: &Device) -> Result<Classifier, JsValue> {
    ClassifierFile::from_bytes(bytes)
        .and_then(|file| file.load(device))
        .map_err(js_error)
}

/// A model's description for the page (JSON): its kind, sizes, codes and prior, its
/// architecture's registry entry (`variant`), its settings (`config`) and `dataSet`, the name
/// of the data set it learned (`data_set`).
fn describe(config: &ModelConfig, data_set: &str) -> String {
    serde_json::json!({
        "kind": config.kind().name(),
        "dataSet": data_set,
        "nz": config.nz(),
        "imageSize": config.image_size(),
        "conditional": config.kind().is_conditional(),
        "latentCodes": config.kind().has_latent_codes(),
        "codeSize": config.kind().code_size(),
        "codeRange": latent::CODE_SWEEP_RANGE,
        "prior": config.prior().name(),
        "priorRange": config.prior().slider_range(),
        "variant": config.info(),
        "config": config,
    })
    .to_string()
}

async fn draw_images(
    model: &Loaded,
    device: &Device,
    z: &[f32],
    codes: Option<&[f32]>,
    rows: usize,
    cols: usize,
    gap: usize,
) -> Result<GrayImage, JsValue> {
    let (count, codes) = check_inputs(&model.config, z, codes).map_err(js_error)?;
    if count > rows * cols {
        return Err(js_error(format!("{count} images do not fit {rows}x{cols}")));
    }
    let images = sample(&model.generator, &model.config, z, codes, device); // [n, 1, H, W]
    let size = images.dims()[3];
    let data = images
        .into_data_async()
        .await
        .map_err(|e| js_error(format!("reading the images failed: {e:?}")))?;
    let values: Vec<f32> = data
        .try_to_vec()
        .map_err(|e| js_error(format!("reading the images failed: {e:?}")))?;
    grid(&values, size, rows, cols, gap).map_err(js_error)
}

/// `count` latent vectors of size `nz` for `seed`, drawn from the prior called `prior`
/// (`"gaussian"` or `"uniform"`: a model's `prior` in its info; see [`latent::Prior`]).
#[wasm_bindgen(js_name = sampleZ)]
pub fn sample_z(seed: u32, count: usize, nz: usize, prior: &str) -> Result<Vec<f32>, JsValue> {
    let prior = latent::Prior::parse(prior)
        .ok_or_else(|| js_error(format!("no prior called {prior:?}")))?;
    Ok(prior.sample(seed as u64, count, nz))
}

/// Linear interpolation, `from` at `t = 0`.
#[wasm_bindgen]
pub fn lerp(from: &[f32], to: &[f32], t: f32) -> Vec<f32> {
    latent::lerp(from, to, t)
}

/// Spherical interpolation, `from` at `t = 0`.
#[wasm_bindgen]
pub fn slerp(from: &[f32], to: &[f32], t: f32) -> Vec<f32> {
    latent::slerp(from, to, t)
}

/// The codes a model of kind `kind` (its name) takes for images of `digits` (InfoGAN: its
/// categorical codes) with InfoGAN's two continuous codes `continuous` (the same pair for
/// every image; empty: zeros): `[n, code size]` ([`crate::model::sample::codes_for`]),
/// empty for a model that takes none.
#[wasm_bindgen(js_name = codesFor)]
pub fn codes_for(kind: &str, digits: &[u8], continuous: &[f32]) -> Result<Vec<f32>, JsValue> {
    let kind: ModelKind = serde_json::from_value(kind.into())
        .map_err(|_| js_error(format!("no model kind {kind:?}")))?;
    if let Some(bad) = digits.iter().find(|&&d| d > 9) {
        return Err(js_error(format!("{bad} is not a digit (or a code 0-9)")));
    }
    let pair = match continuous {
        [] => [0.0; latent::CONTINUOUS_CODES],
        [a, b] => [*a, *b],
        other => {
            return Err(js_error(format!(
                "{} continuous code values, not {}",
                other.len(),
                latent::CONTINUOUS_CODES
            )));
        }
    };
    let continuous = vec![pair; digits.len()];
    Ok(crate::model::sample::codes_for(kind, digits, Some(&continuous)).unwrap_or_default())
}

/// Bytes of this module's linear memory (it grows and never shrinks): what the page's
/// long-run memory script samples (`tests/e2e/long-run.mjs`).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// The mix of digits `from` (t = 0) and `to` (t = 1) as a label code.
#[wasm_bindgen(js_name = mixedLabel)]
pub fn mixed_label(from: u8, to: u8, t: f32) -> Result<Vec<f32>, JsValue> {
    if from > 9 || to > 9 {
        return Err(js_error("labels must be digits 0-9"));
    }
    Ok(latent::mixed_label(from, to, t.clamp(0.0, 1.0)).to_vec())
}

/// The description [`Studio::load`] would give of a checkpoint (the bytes of a `.bpk`), without
/// loading it: what the page reads before it decides where a file goes (the data set it
/// learned, `dataSet`). On a bad file the error names the problem.
#[wasm_bindgen(js_name = describeCheckpoint)]
pub fn describe_checkpoint(bytes: &[u8]) -> Result<String, JsValue> {
    let checkpoint = Checkpoint::from_bytes(bytes).map_err(js_error)?;
    Ok(describe(&checkpoint.model, &checkpoint.data_set))
}

/// The preset registry as JSON `{default, presets, data_sets, ...}`: the name of the preset
/// the page starts with, every preset ([`crate::preset::presets`]) with its shipped file per
/// data set, and the data sets ([`crate::data::sets`]). The page builds its model and data
/// set menus, its form's defaults and its shipped-file names from this.
#[wasm_bindgen]
pub fn presets() -> String {
    crate::preset::registry_json()
}

/// The name of the preset a run of `model` (a model config, JSON) with `loss` (a loss name;
/// none for a model alone) belongs to ([`crate::preset::preset_of_run`]).
#[wasm_bindgen(js_name = presetOf)]
pub fn preset_of(model: &str, loss: Option<String>) -> Result<String, JsValue> {
    let model: ModelConfig = serde_json::from_str(model).map_err(js_error)?;
    let loss = loss.as_deref().and_then(crate::train::GanLoss::parse);
    Ok(crate::preset::preset_of_run(&model, loss).name.to_string())
}

/// The progress grid of a run of `model` (a model config, JSON) with seed `seed` and `cols`
/// columns, as JSON `{rows, cols, z, codes}` (see [`crate::preset::progress_grid`]).
#[wasm_bindgen(js_name = progressGrid)]
pub fn progress_grid(model: &str, seed: u32, cols: usize) -> Result<String, JsValue> {
    let model: ModelConfig = serde_json::from_str(model).map_err(js_error)?;
    if !(1..=32).contains(&cols) {
        return Err(js_error(format!(
            "a progress grid has 1 to 32 columns, got {cols}"
        )));
    }
    let grid = crate::preset::progress_grid(&model, u64::from(seed), cols);
    serde_json::to_string(&grid).map_err(js_error)
}
