//! Checkpoints: a model's config and weights as bytes, versioned and validated.
//!
//! Layout (little-endian):
//! ```text
//! b"GANSTDIO"  magic, 8 bytes
//! u32          format version (FORMAT_VERSION)
//! u32          header length N
//! N bytes      header, JSON: model config, training state, section lengths
//! sections     burnpack records (Burn's own format), in header order:
//!              "generator" (always), "discriminator", "optim_g", "optim_d" (optional)
//! ```
//! The generator comes first so the page can show samples from a generator-only file.
//! No file system here: callers hand bytes in and take bytes out.
//!
//! - [`frame`]: the magic, version and header framing shared with the classifier file;
//! - [`record`]: a module's weights as burnpack bytes, read with asynchronous transfers.

pub mod frame;
pub mod record;

use burn::module::Module;
use burn::prelude::*;
use burn::store::{DTypePolicy, ModuleRecord};
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use frame::{FrameError, split_frame, write_frame};
pub use record::{Precision, record_bytes_async, record_bytes_async_as};

use crate::data::OrderPosition;
use crate::model::{Discriminator, Generator, ModelConfig, ModelKind};
use crate::train::TrainConfig;

/// First bytes of every checkpoint.
pub const MAGIC: &[u8; 8] = b"GANSTDIO";
/// Version of the layout above; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// Names of the sections a checkpoint may hold.
pub const GENERATOR: &str = "generator";
/// Discriminator weights (needed to continue training).
pub const DISCRIMINATOR: &str = "discriminator";
/// Generator optimiser state (native runs; optional).
pub const OPTIM_G: &str = "optim_g";
/// Discriminator optimiser state (native runs; optional).
pub const OPTIM_D: &str = "optim_d";

/// Why bytes are not a usable checkpoint.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CheckpointError {
    /// Shorter than its own header says: the file was cut off.
    #[error("checkpoint is truncated: {got} bytes, at least {needed} needed")]
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// Does not start with the magic bytes: not a GAN Studio checkpoint at all.
    #[error("not a GAN Studio checkpoint (wrong magic bytes)")]
    NotACheckpoint,
    /// Written by an incompatible version of the format.
    #[error(
        "checkpoint format version {0} is not supported (this build reads version {FORMAT_VERSION})"
    )]
    UnsupportedVersion(u32),
    /// The JSON header is unreadable or inconsistent.
    #[error("checkpoint header is invalid: {0}")]
    BadHeader(String),
    /// A section the caller needs is absent.
    #[error("checkpoint has no {0} weights")]
    MissingSection(&'static str),
    /// The checkpoint holds a different model than the caller asked for.
    #[error("checkpoint holds a {} model, expected {}", found.name(), expected.name())]
    WrongModel {
        /// Kind asked for.
        expected: ModelKind,
        /// Kind in the file.
        found: ModelKind,
    },
    /// A section's weights do not decode or do not fit the model the header describes.
    #[error("{section} weights do not fit the model: {reason}")]
    BadWeights {
        /// Section name.
        section: &'static str,
        /// What went wrong, from the record loader.
        reason: String,
    },
    /// Reading weights from the device failed while writing a checkpoint.
    #[error("reading weights failed: {0}")]
    Read(String),
}

/// Where a checkpoint's training stands, so a run can continue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingState {
    /// Optimisation settings.
    pub config: TrainConfig,
    /// Steps taken.
    pub step: u64,
    /// Where the run's batch order stands (absent in files from before it was saved: such a
    /// run is taken to have used `config`'s batch size throughout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderPosition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format_version: u32,
    model: ModelConfig,
    training: Option<TrainingState>,
    sections: Vec<(String, usize)>,
}

/// A decoded checkpoint: header fields and raw burnpack sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// The model's kind and settings.
    pub model: ModelConfig,
    /// Training state, if the checkpoint came from a run.
    pub training: Option<TrainingState>,
    /// Generator weights (burnpack).
    pub generator: Vec<u8>,
    /// Discriminator weights (burnpack), if saved.
    pub discriminator: Option<Vec<u8>>,
    /// Optimiser states (G, D), if saved.
    pub optimizers: Option<(Vec<u8>, Vec<u8>)>,
}

impl From<FrameError> for CheckpointError {
    fn from(error: FrameError) -> Self {
        match error {
            FrameError::Truncated { needed, got } => CheckpointError::Truncated { needed, got },
            FrameError::WrongMagic => CheckpointError::NotACheckpoint,
            FrameError::UnsupportedVersion(v) => CheckpointError::UnsupportedVersion(v),
            FrameError::BadHeader(why) => CheckpointError::BadHeader(why),
        }
    }
}

impl Checkpoint {
    /// Serialises to the layout in the module docs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut sections: Vec<(&str, &[u8])> = vec![(GENERATOR, &self.generator)];
        if let Some(d) = &self.discriminator {
            sections.push((DISCRIMINATOR, d));
        }
        if let Some((g, d)) = &self.optimizers {
            sections.push((OPTIM_G, g));
            sections.push((OPTIM_D, d));
        }
        let header = Header {
            format_version: FORMAT_VERSION,
            model: self.model.clone(),
            training: self.training.clone(),
            sections: sections
                .iter()
                .map(|(n, b)| (n.to_string(), b.len()))
                .collect(),
        };
        let header = serde_json::to_vec(&header).expect("the header always serialises");
        let mut out = Vec::with_capacity(
            16 + header.len() + sections.iter().map(|s| s.1.len()).sum::<usize>(),
        );
        write_frame(MAGIC, FORMAT_VERSION, &header, &mut out);
        for (_, bytes) in sections {
            out.extend_from_slice(bytes);
        }
        out
    }

    /// Parses and checks the container (not yet the weights: see the `load_*` methods).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CheckpointError> {
        let (header, rest) = split_frame(bytes, MAGIC, FORMAT_VERSION)?;
        let body = bytes.len() - rest.len();
        let header: Header = serde_json::from_slice(header)
            .map_err(|e| CheckpointError::BadHeader(e.to_string()))?;
        if header.format_version != FORMAT_VERSION {
            return Err(CheckpointError::BadHeader(format!(
                "header says version {}, container says {FORMAT_VERSION}",
                header.format_version
            )));
        }
        header
            .model
            .validate()
            .map_err(CheckpointError::BadHeader)?;

        let total: usize = header.sections.iter().map(|s| s.1).sum();
        let needed = body.saturating_add(total);
        if bytes.len() < needed {
            return Err(CheckpointError::Truncated {
                needed,
                got: bytes.len(),
            });
        }
        if bytes.len() > needed {
            return Err(CheckpointError::BadHeader(format!(
                "{} bytes after the last section",
                bytes.len() - needed
            )));
        }
        let mut at = body;
        let mut generator = None;
        let mut discriminator = None;
        let (mut optim_g, mut optim_d) = (None, None);
        for (name, len) in &header.sections {
            let data = bytes[at..at + len].to_vec();
            at += len;
            let slot = match name.as_str() {
                GENERATOR => &mut generator,
                DISCRIMINATOR => &mut discriminator,
                OPTIM_G => &mut optim_g,
                OPTIM_D => &mut optim_d,
                other => {
                    return Err(CheckpointError::BadHeader(format!(
                        "unknown section {other:?}"
                    )));
                }
            };
            if slot.replace(data).is_some() {
                return Err(CheckpointError::BadHeader(format!("section {name} twice")));
            }
        }
        Ok(Self {
            model: header.model,
            training: header.training,
            generator: generator.ok_or(CheckpointError::MissingSection(GENERATOR))?,
            discriminator,
            optimizers: optim_g.zip(optim_d),
        })
    }

    /// Fails unless the checkpoint holds a model of `kind`.
    pub fn expect_kind(&self, kind: ModelKind) -> Result<(), CheckpointError> {
        let found = self.model.kind();
        if found == kind {
            Ok(())
        } else {
            Err(CheckpointError::WrongModel {
                expected: kind,
                found,
            })
        }
    }

    /// Builds the generator the header describes and loads its weights, on `device`.
    pub fn load_generator(&self, device: &Device) -> Result<Generator, CheckpointError> {
        load_record(
            self.model.init_generator(device),
            &self.generator,
            GENERATOR,
        )
    }

    /// Builds the discriminator the header describes and loads its weights, on `device`.
    pub fn load_discriminator(&self, device: &Device) -> Result<Discriminator, CheckpointError> {
        let bytes = self
            .discriminator
            .as_ref()
            .ok_or(CheckpointError::MissingSection(DISCRIMINATOR))?;
        load_record(self.model.init_discriminator(device), bytes, DISCRIMINATOR)
    }
}

fn load_record<M: Module>(
    module: M,
    bytes: &[u8],
    section: &'static str,
) -> Result<M, CheckpointError> {
    let bad = |reason: String| CheckpointError::BadWeights { section, reason };
    // Cast to the module's f32: files stored at half precision load like any other.
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| bad(e.to_string()))?
        .with_dtype_policy(DTypePolicy::CastToModule);
    module
        .try_load_record(record)
        .map_err(|e| bad(e.to_string()))
}
