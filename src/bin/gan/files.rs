//! The files the commands read and write: the MNIST digits, checkpoints and PNG grids, with
//! errors that name the file.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use burn::prelude::*;
use gan_studio::checkpoint::Checkpoint;
use gan_studio::data::MnistSet;
use gan_studio::image::grid;
use gan_studio::model::Generator;

/// The 10,000 shipped digits, so the CLI works from any directory.
static SHIPPED_MNIST: &[u8] = include_bytes!("../../../www/data/mnist.bin");

/// The MNIST digits in `path`, or the shipped ones.
pub fn load_data(path: Option<&Path>) -> Result<MnistSet> {
    match path {
        None => Ok(MnistSet::from_bytes(SHIPPED_MNIST)?),
        Some(path) => MnistSet::from_bytes(&read(path)?).with_context(|| named(path)),
    }
}

/// The bytes of `path`; the error says "cannot read PATH: ...".
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The checkpoint in `path`.
pub fn read_checkpoint(path: &Path) -> Result<Checkpoint> {
    Checkpoint::from_bytes(&read(path)?).with_context(|| named(path))
}

/// The checkpoint in `path` and its generator, loaded on `device`.
pub fn read_generator(path: &Path, device: &Device) -> Result<(Checkpoint, Generator)> {
    let checkpoint = read_checkpoint(path)?;
    let generator = checkpoint
        .load_generator(device)
        .with_context(|| named(path))?;
    Ok((checkpoint, generator))
}

/// The context of an error about a file's contents: its path ("PATH: what is wrong").
pub fn named(path: &Path) -> String {
    path.display().to_string()
}

/// Writes via a temporary file and a rename, so an interrupted write never leaves half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `images` `[n, 1, size, size]` as a `rows` x `cols` grid PNG, each pixel `scale` x
/// `scale`.
pub fn write_grid_png(
    images: Tensor<4>,
    rows: usize,
    cols: usize,
    scale: usize,
    path: &Path,
) -> Result<()> {
    let size = images.dims()[3];
    let values: Vec<f32> = images
        .into_data()
        .try_to_vec()
        .map_err(|e| anyhow!("reading images: {e:?}"))?;
    let image = grid(&values, size, rows, cols, 1).and_then(|g| g.scaled(scale))?;
    write_atomically(path, &image.to_png()?)
}
