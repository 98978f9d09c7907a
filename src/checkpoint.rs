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

use std::fmt;

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use burn::store::{DTypePolicy, ModuleRecord};
use burn::tensor::{Bytes, DType};
use serde::{Deserialize, Serialize};

use crate::data::OrderPosition;
use crate::model::{Discriminator, Generator, ModelConfig, ModelKind};
use crate::train::TrainConfig;

/// First bytes of every checkpoint.
pub const MAGIC: &[u8; 8] = b"GANSTDIO";
/// Version of the layout above; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;
/// Largest header accepted (a real one is well under 2 KB).
const MAX_HEADER: usize = 64 * 1024;

/// Names of the sections a checkpoint may hold.
pub const GENERATOR: &str = "generator";
/// Discriminator weights (needed to continue training).
pub const DISCRIMINATOR: &str = "discriminator";
/// Generator optimiser state (native runs; optional).
pub const OPTIM_G: &str = "optim_g";
/// Discriminator optimiser state (native runs; optional).
pub const OPTIM_D: &str = "optim_d";

/// Why bytes are not a usable checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckpointError {
    /// Shorter than its own header says: the file was cut off.
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// Does not start with the magic bytes: not a GAN Studio checkpoint at all.
    NotACheckpoint,
    /// Written by an incompatible version of the format.
    UnsupportedVersion(u32),
    /// The JSON header is unreadable or inconsistent.
    BadHeader(String),
    /// A section the caller needs is absent.
    MissingSection(&'static str),
    /// The checkpoint holds a different model than the caller asked for.
    WrongModel {
        /// Kind asked for.
        expected: ModelKind,
        /// Kind in the file.
        found: ModelKind,
    },
    /// A section's weights do not decode or do not fit the model the header describes.
    BadWeights {
        /// Section name.
        section: &'static str,
        /// What went wrong, from the record loader.
        reason: String,
    },
    /// Reading weights from the device failed while writing a checkpoint.
    Read(String),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckpointError::Truncated { needed, got } => write!(
                f,
                "checkpoint is truncated: {got} bytes, at least {needed} needed"
            ),
            CheckpointError::NotACheckpoint => {
                write!(f, "not a GAN Studio checkpoint (wrong magic bytes)")
            }
            CheckpointError::UnsupportedVersion(v) => write!(
                f,
                "checkpoint format version {v} is not supported (this build reads version {FORMAT_VERSION})"
            ),
            CheckpointError::BadHeader(why) => write!(f, "checkpoint header is invalid: {why}"),
            CheckpointError::MissingSection(name) => {
                write!(f, "checkpoint has no {name} weights")
            }
            CheckpointError::WrongModel { expected, found } => write!(
                f,
                "checkpoint holds a {} model, expected {}",
                found.name(),
                expected.name()
            ),
            CheckpointError::BadWeights { section, reason } => {
                write!(f, "{section} weights do not fit the model: {reason}")
            }
            CheckpointError::Read(why) => write!(f, "reading weights failed: {why}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

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

/// Why bytes are not a framed file: the layer shared by checkpoints and the classifier file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FrameError {
    /// Shorter than the frame says.
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// Does not start with the expected magic bytes.
    WrongMagic,
    /// Another version of the layout.
    UnsupportedVersion(u32),
    /// The header length is implausible.
    BadHeader(String),
}

fn read_u32(bytes: &[u8], at: usize) -> Result<u32, FrameError> {
    let slice = bytes.get(at..at + 4).ok_or(FrameError::Truncated {
        needed: at + 4,
        got: bytes.len(),
    })?;
    Ok(u32::from_le_bytes(slice.try_into().expect("4 bytes")))
}

/// Writes `magic | u32 version | u32 header length | header` (the body follows).
pub(crate) fn write_frame(magic: &[u8; 8], version: u32, header: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(header);
}

/// Splits what [`write_frame`] wrote into `(header, rest)`, checking the magic, the version
/// and the header's length.
pub(crate) fn split_frame<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    version: u32,
) -> Result<(&'a [u8], &'a [u8]), FrameError> {
    if bytes.len() < magic.len() {
        return if !bytes.is_empty() && magic.starts_with(bytes) {
            Err(FrameError::Truncated {
                needed: 16,
                got: bytes.len(),
            })
        } else {
            Err(FrameError::WrongMagic)
        };
    }
    if &bytes[..magic.len()] != magic {
        return Err(FrameError::WrongMagic);
    }
    let found = read_u32(bytes, 8)?;
    if found != version {
        return Err(FrameError::UnsupportedVersion(found));
    }
    let header_len = read_u32(bytes, 12)? as usize;
    if header_len > MAX_HEADER {
        return Err(FrameError::BadHeader(format!(
            "header claims {header_len} bytes"
        )));
    }
    let body = 16 + header_len;
    let header = bytes.get(16..body).ok_or(FrameError::Truncated {
        needed: body,
        got: bytes.len(),
    })?;
    Ok((header, &bytes[body..]))
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

/// A parameter found while walking a module, not yet read from the device.
struct PendingTensor {
    path: String,
    id: u64,
    shape: Vec<usize>,
    flat: Tensor<1>,
}

/// Collects every float parameter (and running statistic) with its path, as Burn's own
/// record collector does, but leaves the reading to the caller.
#[derive(Default)]
struct PendingCollector {
    path: Vec<String>,
    tensors: Vec<PendingTensor>,
}

impl ModuleVisitor for PendingCollector {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.transform_for_save().val();
        let shape = tensor.dims().to_vec();
        let n = shape.iter().product::<usize>();
        self.tensors.push(PendingTensor {
            path: self.path.join("."),
            id: param.id.val(),
            shape,
            flat: tensor.reshape([n]),
        });
    }
}

/// Burnpack bytes of `module`'s weights, read with asynchronous transfers only, so it works
/// in the browser (where Burn's synchronous `into_record` panics) and natively alike.
/// The bytes load with `ModuleRecord::from_bytes` + `try_load_record`.
pub async fn record_bytes_async<M: Module>(module: &M) -> Result<Vec<u8>, CheckpointError> {
    record_bytes_async_as(module, Precision::F32).await
}

/// How a checkpoint stores its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit floats, as trained.
    F32,
    /// 16-bit floats: half the bytes to download; loading casts them back to f32.
    F16,
}

/// [`record_bytes_async`] with the weights stored at `precision`.
pub async fn record_bytes_async_as<M: Module>(
    module: &M,
    precision: Precision,
) -> Result<Vec<u8>, CheckpointError> {
    let mut collector = PendingCollector::default();
    module.valid().visit(&mut collector);
    let mut packed = Vec::with_capacity(collector.tensors.len());
    for pending in collector.tensors {
        let data = pending
            .flat
            .into_data_async()
            .await
            .map_err(|e| CheckpointError::Read(format!("{}: {e:?}", pending.path)))?;
        let data = match precision {
            Precision::F32 => data,
            Precision::F16 => data.convert_dtype(DType::F16),
        };
        let (bytes, _, dtype) = data.into_parts();
        packed.push(burn_pack::Tensor::new(
            pending.path,
            dtype,
            pending.shape,
            Some(pending.id),
            bytes,
        ));
    }
    let bytes = burn_pack::Writer::new(packed)
        .into_bytes()
        .map_err(|e| CheckpointError::Read(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// Runs a future that needs no outside wake-up (Burn's CPU backends answer reads at once)
/// to completion on the current thread. Native code only.
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
        std::thread::yield_now();
    }
}
