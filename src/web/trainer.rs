//! Training in the page: a [`Trainer`] wraps the same [`GanTrainer`] the CLI uses, on a
//! device of its own, and hands the page's script chunks of steps, pictures and checkpoints.
//! The page runs it in a Web Worker (`www/trainer-worker.js`), so training never stalls the
//! page's drawing; the explorer shows the run's generator by loading [`Trainer::checkpoint`].
//!
//! A trainer holds the images of every data set the page has given it ([`Trainer::create`],
//! [`Trainer::add_data_set`]): a new run learns the one it names, a resumed run the one its
//! checkpoint learned, and each run trains, scores and shows real images of its own set only.
//!
//! The script drives the pace: `train(steps)` queues that many steps and reads their figures
//! back with a single asynchronous transfer, so the page decides how much work runs between
//! two updates. No call here blocks on the device.

use std::cell::RefCell;
use std::rc::Rc;

use burn::module::Module;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::{Loaded, Rendered, describe, device, draw_images, js_error, load_classifier};
use crate::checkpoint::Checkpoint;
use crate::data::MnistSet;
use crate::data::sets::{DATA_SETS, DataSet, MNIST, data_set};
use crate::eval::{Classifier, Evaluator};
use crate::image::grid;
use crate::lifecycle::ResumeOptions;
use crate::model::ModelConfig;
use crate::rng::SplitMix64;
use crate::train::figures::FIGURES;
use crate::train::{GanTrainer, StepMode, TrainConfig, read_steps_async, real_images};
/// The most steps one `train` call may queue: bounds the work behind one await.
const MAX_STEPS_PER_CALL: usize = 1000;
/// What a call that needs a run says without one.
const NO_RUN: &str = "no run: press Reset";

/// A training run in the page: the data sets given, the device and (after `reset` or
/// `resume`) the run's networks, optimisers and step counter.
#[wasm_bindgen]
pub struct Trainer {
    /// The data sets given, decoded once each; the first is the one the trainer was created
    /// with.
    sets: Vec<Rc<MnistSet>>,
    device: burn::prelude::Device,
    backend: &'static str,
    run: Rc<RefCell<Option<GanTrainer>>>,
    /// The quality meter's classifiers, by data set, as `loadClassifier` had their files.
    classifiers: Vec<(&'static str, Classifier)>,
    /// The quality meter of each data set, built on first use (it classifies that set's
    /// held-out items once).
    evaluators: Evaluators,
}

/// The quality meters built so far, by data set name.
type Evaluators = Rc<RefCell<Vec<(&'static str, Rc<Evaluator>)>>>;

/// The data set called `name`, or the error that says there is none (`None`: MNIST, the
/// set of the files and calls from before data sets had names).
fn named_set(name: Option<&str>) -> Result<&'static DataSet, JsValue> {
    match name {
        None => Ok(&MNIST),
        Some(name) => data_set(name).ok_or_else(|| {
            let known: Vec<_> = DATA_SETS.iter().map(|set| set.name).collect();
            js_error(format!(
                "no data set called {name:?} (this build has {})",
                known.join(", ")
            ))
        }),
    }
}

/// Decodes a data set file (`data/<file>`) as the images of `set`.
fn decode_set(bytes: &[u8], set: &'static DataSet) -> Result<MnistSet, JsValue> {
    let data = MnistSet::from_bytes(bytes)
        .map_err(|e| js_error(format!("the {} file: {e}", set.title)))?
        .with_data_set(set);
    if data.train_indices().is_empty() {
        return Err(js_error(format!(
            "the {} file holds no training images",
            set.title
        )));
    }
    Ok(data)
}

fn parse_model(json: &str) -> Result<ModelConfig, JsValue> {
    let model: ModelConfig =
        serde_json::from_str(json).map_err(|e| js_error(format!("model settings: {e}")))?;
    model.validate().map_err(js_error)?;
    Ok(model)
}

fn parse_train(json: &str) -> Result<TrainConfig, JsValue> {
    let config: TrainConfig =
        serde_json::from_str(json).map_err(|e| js_error(format!("training settings: {e}")))?;
    config.validate().map_err(js_error)?;
    Ok(config)
}

pub(super) fn parse_mode(mode: &str) -> Result<StepMode, JsValue> {
    match mode {
        "both" => Ok(StepMode::Both),
        "d" => Ok(StepMode::DiscriminatorOnly),
        "g" => Ok(StepMode::GeneratorOnly),
        other => Err(js_error(format!(
            "step mode must be \"both\", \"d\" or \"g\", not {other:?}"
        ))),
    }
}

/// The run's description for the page: the model info of [`describe`] plus the training
/// settings and the step.
fn run_info(run: &GanTrainer) -> serde_json::Value {
    let mut info: serde_json::Value =
        serde_json::from_str(&describe(run.model(), run.data_set().name))
            .expect("describe writes JSON");
    info["train"] = serde_json::to_value(run.config()).expect("the config serialises");
    info["step"] = run.step().into();
    info
}

#[wasm_bindgen]
impl Trainer {
    /// Starts the device named `backend` (`"webgpu"` or `"cpu"`) and decodes `data`, the file
    /// of the data set called `data_set` (`data/<file>` of the registry's `data_sets`;
    /// `undefined`: MNIST's `data/mnist.bin`), once, for runs on that device. New runs learn
    /// it unless `reset` names another set given with `addDataSet`.
    pub async fn create(
        backend: String,
        data: Vec<u8>,
        data_set: Option<String>,
    ) -> Result<Trainer, JsValue> {
        let data = decode_set(&data, named_set(data_set.as_deref())?)?;
        let (device, backend) = device::start(&backend).await?;
        Ok(Trainer {
            sets: vec![Rc::new(data)],
            device,
            backend,
            run: Rc::new(RefCell::new(None)),
            classifiers: Vec::new(),
            evaluators: Rc::new(RefCell::new(Vec::new())),
        })
    }

    /// Gives the trainer the images of another data set: `data`, the file of the set called
    /// `data_set`, decoded once (a set given before is replaced). Runs then `reset` on it by
    /// name, and checkpoints that learned it `resume` on it. The current run is unchanged.
    #[wasm_bindgen(js_name = addDataSet)]
    pub fn add_data_set(&mut self, data_set: &str, data: &[u8]) -> Result<(), JsValue> {
        let set = named_set(Some(data_set))?;
        let data = Rc::new(decode_set(data, set)?);
        match self.sets.iter_mut().find(|s| s.data_set() == set) {
            Some(slot) => *slot = data,
            None => self.sets.push(data),
        }
        self.evaluators
            .borrow_mut()
            .retain(|(name, _)| *name != set.name);
        Ok(())
    }

    /// The names of the data sets this trainer has images of, the one it was created with
    /// first.
    #[wasm_bindgen(getter, js_name = dataSets)]
    pub fn data_sets(&self) -> Vec<String> {
        self.sets
            .iter()
            .map(|s| s.data_set().name.to_owned())
            .collect()
    }

    /// The device this trainer runs on: `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.to_string()
    }

    /// Loads the quality meter's classifier of the data set called `data_set` (its
    /// `weights/<classifier>.bpk`; `undefined`: MNIST's `weights/classifier.bpk`) on this
    /// trainer's device: runs on that set are scored with it. On a bad file the error names
    /// the problem.
    #[wasm_bindgen(js_name = loadClassifier)]
    pub fn load_classifier(
        &mut self,
        bytes: &[u8],
        data_set: Option<String>,
    ) -> Result<(), JsValue> {
        let set = named_set(data_set.as_deref())?;
        let classifier = load_classifier(bytes, &self.device)?;
        self.classifiers.retain(|(name, _)| *name != set.name);
        self.classifiers.push((set.name, classifier));
        self.evaluators
            .borrow_mut()
            .retain(|(name, _)| *name != set.name);
        Ok(())
    }

    /// Starts a new run from scratch with `model` (a model config, JSON, made fit for the
    /// loss: `wgan-sn` gives the DCGAN its spectral critic) and `train` (training settings,
    /// JSON), learning the data set called `data_set` (one given to `create` or `addDataSet`;
    /// `undefined`: the one given to `create`); returns the run's info (JSON, its `dataSet`
    /// included). On bad settings the error names the setting and the current run stays.
    pub fn reset(
        &self,
        model: &str,
        train: &str,
        data_set: Option<String>,
    ) -> Result<String, JsValue> {
        let data = match data_set.as_deref() {
            None => self.sets[0].clone(),
            Some(name) => self.data_of(name)?,
        };
        let config = parse_train(train)?;
        let model = config.fit(parse_model(model)?).map_err(js_error)?;
        let run = GanTrainer::new(model, config, &data, &self.device);
        let info = run_info(&run).to_string();
        *self.run.borrow_mut() = Some(run);
        Ok(info)
    }

    /// Continues from a checkpoint (the bytes of a `.bpk`): the shipped weights (fine-tuning),
    /// a CLI run, a download from this page or its saved run, on the data set it learned
    /// (which must have been given: `describeCheckpoint` says which). `train` (JSON) overrides the
    /// checkpoint's settings; without it they are kept. The step counter and, when the file
    /// has them and this build can read them here, the optimisers' states continue (the
    /// info's `optimizersRestored` says whether they did, `adamSkipped` whether a file's state
    /// was left out). On a bad file the current run stays.
    pub fn resume(&self, checkpoint: &[u8], train: Option<String>) -> Result<String, JsValue> {
        let checkpoint = Checkpoint::from_bytes(checkpoint).map_err(js_error)?;
        let data = self.data_of(&checkpoint.data_set)?;
        let options = ResumeOptions {
            config: train.as_deref().map(parse_train).transpose()?,
            // Burn's optimiser puts a loaded state on its default device and moves it to the
            // run's device on the next step. In the page's main module that device is WebGPU,
            // and the move to the CPU would be a blocking GPU read, which wasm cannot do; the
            // threaded CPU module has no WebGPU, so there it is the CPU itself.
            restore_optimizers: self.backend == device::WEBGPU || cfg!(target_feature = "atomics"),
        };
        let resumed =
            GanTrainer::resume(&checkpoint, options, &data, &self.device).map_err(js_error)?;
        let mut info = run_info(&resumed.trainer);
        info["adamSkipped"] = resumed.optimizers_skipped.into();
        info["optimizersRestored"] =
            (checkpoint.optimizers.is_some() && !resumed.optimizers_skipped).into();
        *self.run.borrow_mut() = Some(resumed.trainer);
        Ok(info.to_string())
    }

    /// Changes the learning rates, betas, optimiser, batch size, D steps, clipping or loss
    /// of the current run without resetting it (the seed of a run cannot change; it is
    /// kept). A loss the run's model cannot train with is refused, naming why.
    #[wasm_bindgen(js_name = setTrainConfig)]
    pub fn set_train_config(&self, train: &str) -> Result<(), JsValue> {
        let mut config = parse_train(train)?;
        let mut run = self.run.borrow_mut();
        let run = run.as_mut().ok_or_else(|| js_error(NO_RUN))?;
        config.seed = run.config().seed;
        run.set_config(config).map_err(js_error)
    }

    /// Steps taken by the current run (0 without one).
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.run
            .borrow()
            .as_ref()
            .map_or(0.0, |run| run.step() as f64)
    }

    /// The current run's info (JSON, as `reset` returns it), if there is a run.
    #[wasm_bindgen(getter)]
    pub fn info(&self) -> Option<String> {
        self.run
            .borrow()
            .as_ref()
            .map(|run| run_info(run).to_string())
    }

    /// Runs `steps` training steps (`mode`: `"both"`, `"d"` for D only, `"g"` for G only)
    /// and resolves to their figures, the registry's `figures` per step in its order (loss D,
    /// loss G, mean D(x), mean D(G(z)), then the penalty and balance figures; NaN where not
    /// measured), read with one transfer.
    pub fn train(&self, steps: usize, mode: &str) -> Promise {
        let run = self.run.clone();
        let data = self.run_data();
        let mode = parse_mode(mode);
        future_to_promise(async move {
            let mode = mode?;
            let data = data?;
            if !(1..=MAX_STEPS_PER_CALL).contains(&steps) {
                return Err(js_error(format!(
                    "steps per call must be 1 to {MAX_STEPS_PER_CALL}, got {steps}"
                )));
            }
            // Queue the steps while holding the run, then let go before awaiting the read.
            let losses = {
                let mut run = run.borrow_mut();
                let run = run.as_mut().ok_or_else(|| js_error(NO_RUN))?;
                (0..steps)
                    .map(|_| run.train_step(&data, mode))
                    .collect::<Vec<_>>()
            };
            let figures = read_steps_async(losses).await.map_err(js_error)?;
            let mut flat = Vec::with_capacity(figures.len() * FIGURES.len());
            for f in figures {
                flat.extend(f.values());
            }
            Ok(js_sys::Float32Array::from(flat.as_slice()).into())
        })
    }

    /// Draws the run's generator (inference mode) on `z` (`[n, nz]`) and codes
    /// (`[n, code size]`), as [`super::Studio::render`] does. Resolves to a [`Rendered`].
    pub fn render(
        &self,
        z: Vec<f32>,
        codes: Option<Vec<f32>>,
        rows: usize,
        cols: usize,
        gap: usize,
    ) -> Promise {
        let snapshot = self.snapshot();
        let device = self.device.clone();
        future_to_promise(async move {
            let model = snapshot?;
            let image = draw_images(&model, &device, &z, codes.as_deref(), rows, cols, gap).await?;
            Ok(Rendered::from(image).into())
        })
    }

    /// `rows` x `cols` real training items of the run's data set (without a run, of the set
    /// given to `create`), chosen with `seed`, at the current model's image size (28, 32 or
    /// 64), for showing real beside fake.
    #[wasm_bindgen(js_name = realDigits)]
    pub fn real_digits(
        &self,
        seed: u32,
        rows: usize,
        cols: usize,
        gap: usize,
    ) -> Result<Rendered, JsValue> {
        let size = self
            .run
            .borrow()
            .as_ref()
            .map_or_else(default_size, |run| run.model().image_size());
        let data = if self.run.borrow().is_some() {
            self.run_data()?
        } else {
            self.sets[0].clone()
        };
        let mut indices = data.train_indices();
        SplitMix64::new(u64::from(seed)).shuffle(&mut indices);
        let count = (rows * cols).min(indices.len());
        let values = real_images(&data, &indices[..count], size);
        let image = grid(&values, size, rows, cols, gap).map_err(js_error)?;
        Ok(Rendered::from(image))
    }

    /// The quality meter on the run's generator as it is now: `n` samples (seed `seed`) scored
    /// by the classifier of the run's data set, loaded with `loadClassifier`. Resolves to the
    /// report (JSON: `label_accuracy` (conditional models), `class_histogram`,
    /// `digits_covered` (classes covered), `mean_confidence`, `frechet_distance` against the
    /// set's held-out items).
    pub fn quality(&self, n: usize, seed: u32) -> Promise {
        let snapshot = self.snapshot();
        let data = self.run_data();
        let classifier = data.as_ref().ok().and_then(|data| {
            self.classifiers
                .iter()
                .find(|(name, _)| *name == data.data_set().name)
                .map(|(_, classifier)| classifier.clone())
        });
        let cached = self.evaluators.clone();
        let device = self.device.clone();
        future_to_promise(async move {
            let model = snapshot?;
            let data = data?;
            let set = data.data_set();
            let existing = cached
                .borrow()
                .iter()
                .find(|(name, _)| *name == set.name)
                .map(|(_, evaluator)| evaluator.clone());
            let evaluator = match existing {
                Some(evaluator) => evaluator,
                None => {
                    let classifier = classifier.ok_or_else(|| {
                        js_error(format!(
                            "the quality meter's {} classifier is not loaded",
                            set.title
                        ))
                    })?;
                    let evaluator = Rc::new(
                        Evaluator::new(classifier, &data, &device)
                            .await
                            .map_err(js_error)?,
                    );
                    cached.borrow_mut().push((set.name, evaluator.clone()));
                    evaluator
                }
            };
            let report = evaluator
                .evaluate_generator(&model.generator, &model.config, n, u64::from(seed))
                .await
                .map_err(js_error)?;
            serde_json::to_string(&report)
                .map(JsValue::from)
                .map_err(js_error)
        })
    }

    /// The run as a checkpoint file (`.bpk` bytes): generator, discriminator, settings, step
    /// and, on the CPU, the optimisers' states (reading them from WebGPU would block, so a run
    /// continued from a WebGPU run's file starts them afresh). Loads in `gan sample`,
    /// `gan train --resume` and [`Trainer::resume`].
    pub fn checkpoint(&self) -> Promise {
        let with_optimizers = self.backend == device::CPU;
        let checkpoint = self
            .run
            .borrow()
            .as_ref()
            .map(|run| run.to_checkpoint(with_optimizers));
        future_to_promise(async move {
            let checkpoint = checkpoint.ok_or_else(|| js_error("no run to save: press Reset"))?;
            let bytes = checkpoint.await.map_err(js_error)?.to_bytes();
            Ok(js_sys::Uint8Array::from(bytes.as_slice()).into())
        })
    }
}

impl Trainer {
    /// The run's generator as it is now, in inference mode, on the plain device.
    fn snapshot(&self) -> Result<Rc<Loaded>, JsValue> {
        let run = self.run.borrow();
        let run = run.as_ref().ok_or_else(|| js_error(NO_RUN))?;
        Ok(Rc::new(Loaded {
            config: run.model().clone(),
            generator: run.generator().valid(),
            data_set: run.data_set().name.to_owned(),
        }))
    }

    /// The images of the data set called `name`, if they were given; else the error that
    /// says they were not.
    fn data_of(&self, name: &str) -> Result<Rc<MnistSet>, JsValue> {
        let set = named_set(Some(name))?;
        self.sets
            .iter()
            .find(|s| s.data_set() == set)
            .cloned()
            .ok_or_else(|| {
                js_error(format!(
                    "this trainer has not been given the {} images (addDataSet)",
                    set.title
                ))
            })
    }

    /// The images of the current run's data set.
    fn run_data(&self) -> Result<Rc<MnistSet>, JsValue> {
        let run = self.run.borrow();
        let run = run.as_ref().ok_or_else(|| js_error(NO_RUN))?;
        self.data_of(run.data_set().name)
    }
}

/// The image size of the default preset: real items shown before any run are its size.
fn default_size() -> usize {
    crate::preset::preset(crate::preset::DEFAULT_PRESET)
        .expect("the default preset exists")
        .model
        .image_size()
}
