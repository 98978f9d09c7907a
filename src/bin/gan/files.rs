//! The files the commands read and write: data sets (GAN Studio's files and IDX files),
//! checkpoints and PNG grids, with errors that name the file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use burn::prelude::*;
use gan_studio::checkpoint::Checkpoint;
use gan_studio::data::idx::{IdxFile, Labelled};
use gan_studio::data::sets::DataSet;
use gan_studio::data::{MAGIC, MnistSet};
use gan_studio::image::{GrayImage, grid};
use gan_studio::model::Generator;

/// The shipped data sets' files, so the CLI works from any directory.
static SHIPPED_MNIST: &[u8] = include_bytes!("../../../www/data/mnist.bin");
static SHIPPED_FASHION: &[u8] = include_bytes!("../../../www/data/fashion.bin");

/// The shipped file of `set` (`www/data/<file>`), decoded.
pub fn load_shipped(set: &DataSet) -> Result<MnistSet> {
    let bytes = match set.file {
        "mnist.bin" => SHIPPED_MNIST,
        "fashion.bin" => SHIPPED_FASHION,
        other => bail!("no shipped file {other} in this build"),
    };
    MnistSet::from_bytes(bytes).with_context(|| format!("the shipped {}", set.file))
}

/// The data in `path`, or the shipped MNIST digits.
pub fn load_data(path: Option<&Path>) -> Result<MnistSet> {
    match path {
        None => load_shipped(&gan_studio::data::sets::MNIST),
        Some(path) => read_data(path),
    }
}

/// The data set in `path`: a GAN Studio data file, or IDX files (gzipped or not), given as
/// a folder holding `train-images-idx3-ubyte` and `train-labels-idx1-ubyte` (torchvision's and
/// Debian's names; the folder's `t10k-*` pair, when there, is the held-out part) or as an
/// image file with its label file beside it. Anything else is refused, naming the file.
pub fn read_data(path: &Path) -> Result<MnistSet> {
    if path.is_dir() {
        let train = idx_pair(path, "train")?
            .ok_or_else(|| anyhow!("{}: no train-images-idx3-ubyte[.gz] in it", named(path)))?;
        return Ok(match idx_pair(path, "t10k")? {
            Some(heldout) => Labelled::into_set_with_heldout(train, heldout),
            None => train.into_set(),
        });
    }
    let bytes = read(path)?;
    if bytes.starts_with(&MAGIC) {
        return MnistSet::from_bytes(&bytes).with_context(|| named(path));
    }
    let labels = labels_beside(path)?;
    Ok(read_pair(path, &bytes, &labels)?.into_set())
}

/// The pair `<prefix>-images-idx3-ubyte[.gz]` / `<prefix>-labels-idx1-ubyte[.gz]` in `dir`,
/// if its image file is there.
pub fn idx_pair(dir: &Path, prefix: &str) -> Result<Option<Labelled>> {
    for suffix in ["", ".gz"] {
        let images = dir.join(format!("{prefix}-images-idx3-ubyte{suffix}"));
        if images.is_file() {
            let labels = dir.join(format!("{prefix}-labels-idx1-ubyte{suffix}"));
            return read_pair(&images, &read(&images)?, &labels).map(Some);
        }
    }
    Ok(None)
}

/// The label file beside the IDX image file `images` (its name with `images` and `idx3` made
/// `labels` and `idx1`).
fn labels_beside(images: &Path) -> Result<PathBuf> {
    let name = images
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| n.contains("images"))
        .ok_or_else(|| {
            anyhow!(
                "{}: neither a GAN Studio data file nor an IDX image file (its name has no \"images\" to find its labels by)",
                named(images)
            )
        })?;
    Ok(images.with_file_name(name.replace("images", "labels").replace("idx3", "idx1")))
}

/// The images of `images_path` (whose bytes are `images`) labelled by the file `labels`.
fn read_pair(images_path: &Path, images: &[u8], labels: &Path) -> Result<Labelled> {
    let label_bytes = read(labels)?;
    let (images_name, labels_name) = (named(images_path), named(labels));
    Ok(Labelled::read(
        IdxFile {
            name: &images_name,
            bytes: images,
        },
        IdxFile {
            name: &labels_name,
            bytes: &label_bytes,
        },
    )?)
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

/// Writes the values of `images` to `path` as little-endian f32, row-major.
pub fn write_raw(images: &Tensor<4>, path: &Path) -> Result<()> {
    let values: Vec<f32> = images
        .clone()
        .into_data()
        .try_to_vec()
        .map_err(|e| anyhow!("reading images: {e:?}"))?;
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_atomically(path, &bytes)
}

/// `images` `[n, 1, size, size]` as a `rows` x `cols` grid, each pixel `scale` x `scale`.
pub fn grid_image(images: Tensor<4>, rows: usize, cols: usize, scale: usize) -> Result<GrayImage> {
    let size = images.dims()[3];
    let values: Vec<f32> = images
        .into_data()
        .try_to_vec()
        .map_err(|e| anyhow!("reading images: {e:?}"))?;
    Ok(grid(&values, size, rows, cols, 1).and_then(|g| g.scaled(scale))?)
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
    write_atomically(path, &grid_image(images, rows, cols, scale)?.to_png()?)
}
