//! Checkpoints: a model's config and weights as bytes, versioned, checksummed and validated.
//!
//! Layout (little-endian), version 2:
//! ```text
//! b"GANSTDIO"  magic, 8 bytes
//! u32          format version (FORMAT_VERSION)
//! u32          header length N
//! N bytes      header, JSON: model config, training state, section lengths and CRC32s
//! u32          CRC32 of the 16 + N bytes above
//! sections     burnpack records (Burn's own format), in header order:
//!              "generator" (always), "discriminator", "optim_g", "optim_d" (optional)
//! ```
//! Any damaged byte is refused with a message naming where: the frame, the header or the
//! section whose checksum fails. Loading a network also refuses weights that are not finite
//! (a NaN or infinity written into a file with a matching checksum). Version 1 files (no
//! checksums) still load.
//!
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

use frame::{FrameError, FrameSpec};
pub use record::{Precision, record_bytes_async, record_bytes_async_as};

use crate::data::OrderPosition;
use crate::data::sets::default_name;
use crate::model::{Discriminator, Generator, ModelConfig, ModelKind};
use crate::train::TrainConfig;

/// First bytes of every checkpoint.
pub const MAGIC: &[u8; 8] = b"GANSTDIO";
/// Version of the layout above; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest version read (1: the same layout without checksums).
pub const OLDEST_VERSION: u32 = 1;

/// The checkpoint's frame: from version 2 its header is checksummed.
const FRAME: FrameSpec = FrameSpec {
    magic: MAGIC,
    current: FORMAT_VERSION,
    oldest: OLDEST_VERSION,
    checksummed_from: Some(2),
};

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
        "checkpoint format version {0} is not supported (this build reads versions {OLDEST_VERSION} to {FORMAT_VERSION})"
    )]
    UnsupportedVersion(u32),
    /// A part of the file does not match its checksum: the file is damaged.
    #[error("checkpoint is corrupted: its {part} does not match its checksum ({detail})")]
    Corrupted {
        /// The part: "header" or a section's name.
        part: String,
        /// The checksums, stored and computed.
        detail: String,
    },
    /// A section's weights hold a NaN or an infinity.
    #[error("{section} weights are not finite: {tensor} holds {value}")]
    NonFinite {
        /// Section name.
        section: &'static str,
        /// The tensor's name in the section.
        tensor: String,
        /// The first bad value.
        value: f32,
    },
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
    /// An equilibrium loss's balance k_t (BEGAN's), where the run has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<f32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format_version: u32,
    model: ModelConfig,
    /// The data set the model learned (files from before it was recorded: MNIST).
    #[serde(default = "default_name")]
    data_set: String,
    training: Option<TrainingState>,
    sections: Vec<(String, usize)>,
    /// CRC32 of each section, in `sections`' order (version 2 on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<u32>,
}

/// A decoded checkpoint: header fields and raw burnpack sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// The model's kind and settings.
    pub model: ModelConfig,
    /// The name of the data set the model learned ([`crate::data::sets`]; files from before
    /// it was recorded say MNIST).
    pub data_set: String,
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
            FrameError::HeaderChecksum { stored, computed } => CheckpointError::Corrupted {
                part: "header".into(),
                detail: format!("stored {stored:#010x}, computed {computed:#010x}"),
            },
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
            data_set: self.data_set.clone(),
            training: self.training.clone(),
            sections: sections
                .iter()
                .map(|(n, b)| (n.to_string(), b.len()))
                .collect(),
            checksums: sections.iter().map(|(_, b)| crc32fast::hash(b)).collect(),
        };
        let header = serde_json::to_vec(&header).expect("the header always serialises");
        let mut out = Vec::with_capacity(
            20 + header.len() + sections.iter().map(|s| s.1.len()).sum::<usize>(),
        );
        FRAME.write(&header, &mut out);
        for (_, bytes) in sections {
            out.extend_from_slice(bytes);
        }
        out
    }

    /// Parses and checks the container (not yet the weights: see the `load_*` methods).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CheckpointError> {
        let frame = FRAME.split(bytes)?;
        let body = bytes.len() - frame.body.len();
        let header: Header = serde_json::from_slice(frame.header)
            .map_err(|e| CheckpointError::BadHeader(e.to_string()))?;
        if header.format_version != frame.version {
            return Err(CheckpointError::BadHeader(format!(
                "header says version {}, container says {}",
                header.format_version, frame.version
            )));
        }
        let checksummed = frame.version >= 2;
        if checksummed && header.checksums.len() != header.sections.len() {
            return Err(CheckpointError::BadHeader(format!(
                "{} checksums for {} sections",
                header.checksums.len(),
                header.sections.len()
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
        for (index, (name, len)) in header.sections.iter().enumerate() {
            let data = bytes[at..at + len].to_vec();
            at += len;
            if let Some(&stored) = header.checksums.get(index) {
                let computed = crc32fast::hash(&data);
                if stored != computed {
                    return Err(CheckpointError::Corrupted {
                        part: format!("{name} section"),
                        detail: format!("stored {stored:#010x}, computed {computed:#010x}"),
                    });
                }
            }
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
            data_set: header.data_set,
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

/// Checks that every float in the burnpack record `bytes` is finite.
fn check_finite(bytes: &[u8], section: &'static str) -> Result<(), CheckpointError> {
    let bad = |reason: String| CheckpointError::BadWeights { section, reason };
    let tensors = burn_pack::Reader::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .and_then(burn_pack::Reader::into_tensors)
        .map_err(|e| bad(e.to_string()))?;
    for tensor in tensors {
        let (name, dtype, _, _, data) = tensor.into_parts().map_err(|e| bad(e.to_string()))?;
        let values: Box<dyn Iterator<Item = f32>> = match dtype {
            burn::tensor::DType::F32 => Box::new(
                data.chunks_exact(4)
                    .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))),
            ),
            burn::tensor::DType::F16 => Box::new(data.chunks_exact(2).map(|b| {
                burn::tensor::f16::from_le_bytes(b.try_into().expect("2 bytes")).to_f32()
            })),
            _ => continue,
        };
        if let Some(value) = values.into_iter().find(|v| !v.is_finite()) {
            return Err(CheckpointError::NonFinite {
                section,
                tensor: name,
                value,
            });
        }
    }
    Ok(())
}

fn load_record<M: Module>(
    module: M,
    bytes: &[u8],
    section: &'static str,
) -> Result<M, CheckpointError> {
    check_finite(bytes, section)?;
    let bad = |reason: String| CheckpointError::BadWeights { section, reason };
    let bytes = record::named_for(&module, bytes).map_err(bad)?;
    // Cast to the module's f32: files stored at half precision load like any other.
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes))
        .map_err(|e| bad(e.to_string()))?
        .with_dtype_policy(DTypePolicy::CastToModule);
    module
        .try_load_record(record)
        .map_err(|e| bad(e.to_string()))
}
