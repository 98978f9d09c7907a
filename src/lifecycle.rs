//! A run's lifecycle around checkpoints: continue a run from a checkpoint and write one,
//! with one policy for the CLI, the page and the tests.
//!
//! A resumed run sees the batches and noise an uninterrupted one would: every draw is a
//! function of `(seed, step)` and the batch order's position is part of the saved state, so
//! changing the batch size (or any other setting) on resume changes only what it should.

use burn::optim::ModuleOptimizer;
use burn::prelude::*;
use burn::tensor::Bytes;
use thiserror::Error;

use crate::checkpoint::{Checkpoint, CheckpointError, TrainingState, record_bytes_async};
use crate::data::{BatchOrder, MnistSet};
use crate::preset::preset_of;
use crate::train::{GanTrainer, TrainConfig};

/// Why a checkpoint cannot continue as a run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ResumeError {
    /// The file holds only a generator (`gan export --generator-only`).
    #[error(
        "this checkpoint holds only a generator (exported with --generator-only); training needs the discriminator too"
    )]
    NoDiscriminator,
    /// The training settings (the file's or the caller's) are out of range.
    #[error("training settings: {0}")]
    Settings(String),
    /// The weights do not load.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The optimiser state does not load.
    #[error("optimiser state: {0}")]
    Optimizer(String),
    /// The checkpoint learned another data set than the one given.
    #[error("this checkpoint learned {checkpoint}; the data given is {given}")]
    OtherDataSet {
        /// The checkpoint's data set.
        checkpoint: String,
        /// The data set given to continue on.
        given: &'static str,
    },
}

/// How [`GanTrainer::resume`] treats a checkpoint.
#[derive(Debug, Clone, Default)]
pub struct ResumeOptions {
    /// Training settings to continue with instead of the file's (the run keeps the file's
    /// seed, which its batch order and noise depend on).
    pub config: Option<TrainConfig>,
    /// Whether to restore Adam's state where the file has it (and the betas are the file's).
    /// The page's CPU path cannot:
    /// Burn puts a loaded state on the default device (WebGPU there) and moving it back
    /// would be a blocking GPU read.
    pub restore_optimizers: bool,
}

/// A run continued from a checkpoint, and what of the file it used.
pub struct Resumed {
    /// The run, at the file's step.
    pub trainer: GanTrainer,
    /// Whether the file had Adam's state and it was left out (see [`ResumeOptions`]): Adam
    /// starts afresh.
    pub optimizers_skipped: bool,
}

impl Checkpoint {
    /// The file's training state, or for weights without one (exported for the page) a new
    /// run's: step 0 with its preset's settings.
    pub fn training_or_default(&self) -> TrainingState {
        self.training.clone().unwrap_or_else(|| TrainingState {
            config: preset_of(&self.model).train,
            step: 0,
            order: None,
            balance: None,
        })
    }
}

impl GanTrainer {
    /// Continues the run stored in `checkpoint` on `device`: its networks, its step, its
    /// batch order and (when asked and present) Adam's state. A file without a training
    /// state (weights exported for the page) starts at step 0 with its preset's settings.
    /// Whichever settings apply are validated first.
    pub fn resume(
        checkpoint: &Checkpoint,
        options: ResumeOptions,
        data: &MnistSet,
        device: &Device,
    ) -> Result<Resumed, ResumeError> {
        if checkpoint.discriminator.is_none() {
            return Err(ResumeError::NoDiscriminator);
        }
        if checkpoint.data_set != data.data_set().name {
            return Err(ResumeError::OtherDataSet {
                checkpoint: checkpoint.data_set.clone(),
                given: data.data_set().name,
            });
        }
        let saved = checkpoint.training_or_default();
        let mut config = options.config.unwrap_or_else(|| saved.config.clone());
        config.seed = saved.config.seed;
        config.validate().map_err(ResumeError::Settings)?;
        config
            .check_model(&checkpoint.model)
            .map_err(ResumeError::Settings)?;
        // Files from before the position was saved: their run used one batch size throughout.
        let position = saved.order.unwrap_or_else(|| {
            let mut order = BatchOrder::new(data.train_indices(), saved.config.seed);
            for _ in 0..saved.step {
                order.next_batch(saved.config.batch_size);
            }
            order.position()
        });
        let order = BatchOrder::at(data.train_indices(), config.seed, position);
        // Another optimiser or new betas start it afresh, as in a running run (`set_config`).
        let same_optimizer = !config.optimizer_differs(&saved.config);
        let generator = checkpoint.load_generator(device)?;
        let discriminator = checkpoint.load_discriminator(device)?;
        let mut trainer = GanTrainer::from_parts(
            checkpoint.model.clone(),
            config,
            (generator, discriminator),
            saved.step,
            order,
            data.data_set(),
            device,
        );
        let restore = options.restore_optimizers && same_optimizer;
        let optimizers_skipped = checkpoint.optimizers.is_some() && !restore;
        if let (Some((g, d)), true) = (&checkpoint.optimizers, restore) {
            let load = |bytes: &Vec<u8>| -> Result<ModuleOptimizer, ResumeError> {
                trainer
                    .config
                    .optimizer()
                    .from_bytes(Bytes::from_bytes_vec(bytes.clone()))
                    .map_err(|e| ResumeError::Optimizer(e.to_string()))
            };
            (trainer.optim_g, trainer.optim_d) = (load(g)?, load(d)?);
        }
        if let (Some(balance), Some(saved)) = (&mut trainer.balance, saved.balance) {
            *balance = Tensor::from_floats([saved], &trainer.device);
        }
        Ok(Resumed {
            trainer,
            optimizers_skipped,
        })
    }

    /// Where this run stands, for a checkpoint (without its balance, which is read from the
    /// device: [`GanTrainer::to_checkpoint`] adds it).
    pub fn training_state(&self) -> TrainingState {
        TrainingState {
            config: self.config.clone(),
            step: self.step,
            order: Some(self.order.position()),
            balance: None,
        }
    }

    /// The run as a checkpoint: both networks, the training state and, with
    /// `with_optimizers`, Adam's state. The future borrows nothing of the run (the page keeps
    /// it in a `RefCell`) and reads the weights with asynchronous transfers only, so it works
    /// in the browser; Adam's state is read synchronously here, which the browser's WebGPU
    /// cannot do, so the page leaves it out.
    pub fn to_checkpoint(
        &self,
        with_optimizers: bool,
    ) -> impl Future<Output = Result<Checkpoint, CheckpointError>> + 'static {
        let optimizers = with_optimizers.then(|| {
            let bytes = |o: &ModuleOptimizer| {
                o.into_bytes()
                    .map(|b| b.to_vec())
                    .map_err(|e| CheckpointError::Read(format!("optimiser state: {e}")))
            };
            Ok::<_, CheckpointError>((bytes(&self.optim_g)?, bytes(&self.optim_d)?))
        });
        let (model, mut training) = (self.model.clone(), self.training_state());
        let (generator, discriminator) = (self.generator.clone(), self.discriminator.clone());
        let balance = self.balance.clone();
        let data_set = self.data_set.name;
        async move {
            if let Some(balance) = balance {
                let read = |e: String| CheckpointError::Read(format!("the balance k_t: {e}"));
                let data = balance
                    .into_data_async()
                    .await
                    .map_err(|e| read(format!("{e:?}")))?;
                let values: Vec<f32> = data.try_to_vec().map_err(|e| read(format!("{e:?}")))?;
                training.balance = values.first().copied();
            }
            Ok(Checkpoint {
                model,
                data_set: data_set.to_owned(),
                training: Some(training),
                generator: record_bytes_async(&generator).await?,
                discriminator: Some(record_bytes_async(&discriminator).await?),
                optimizers: optimizers.transpose()?,
            })
        }
    }
}
