//! IDX files, the format of MNIST's own files (as torchvision downloads them into
//! `MNIST/raw` and Debian ships Fashion-MNIST under `/usr/share/datasets`): an image file and
//! a label file, each gzipped or not, made into a [`MnistSet`].
//!
//! An IDX file is a big-endian header, then the data: the magic number `0x0000_08nn` (unsigned
//! bytes, `nn` dimensions: 3 for images, 1 for labels), one u32 per dimension, then the bytes.
//! Images must be 28x28; labels 0..9; the two files must hold as many items.
//!
//! Bytes in, sets out: the CLI reads the files and names them in errors.

use std::borrow::Cow;

use miniz_oxide::inflate::decompress_to_vec_with_limit;
use thiserror::Error;

use super::{COLS, IMAGE_PIXELS, MnistSet, NUM_CLASSES, ROWS};
use crate::rng::SplitMix64;

/// The magic number of an IDX image file: unsigned bytes, three dimensions.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// The magic number of an IDX label file: unsigned bytes, one dimension.
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// The most bytes a gzipped IDX file may inflate to (the 60,000 training images of MNIST
/// take 47 MB): a damaged or hostile file cannot make us allocate more.
const MAX_INFLATED: usize = 512 << 20;

/// What is wrong with an IDX file's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdxProblem {
    /// The file is gzipped and its stream is damaged.
    #[error("its gzip stream is damaged: {0}")]
    Gzip(String),
    /// The file does not start with the magic number its role needs.
    #[error("wrong magic number {found:#010x} (an IDX {role} file starts with {expected:#010x})")]
    BadMagic {
        /// What the file should hold: "image" or "label".
        role: &'static str,
        /// The first four bytes, big-endian.
        found: u32,
        /// The magic number expected.
        expected: u32,
    },
    /// The file ends before its header or its data does.
    #[error("truncated: its header promises {expected} bytes, the file has {found}")]
    Truncated {
        /// Bytes the header says the file has.
        expected: u64,
        /// Bytes it has.
        found: u64,
    },
    /// Bytes follow the data.
    #[error("{0} bytes follow the data its header describes")]
    TrailingBytes(u64),
    /// The images are not MNIST's 28x28.
    #[error("its images are {rows}x{cols}, not 28x28")]
    NotMnistSize {
        /// Rows per image.
        rows: u32,
        /// Columns per image.
        cols: u32,
    },
    /// A label is not one of the ten classes.
    #[error("label {label} of item {index} is not a class 0..9")]
    LabelOutOfRange {
        /// The item.
        index: usize,
        /// Its label.
        label: u8,
    },
}

/// Why an image/label pair does not make a data set: a file's problem, named, or a mismatch
/// between the two files.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdxError {
    /// One of the files is not what it should be.
    #[error("{file}: {problem}")]
    File {
        /// The file's name, as given.
        file: String,
        /// What is wrong with it.
        problem: IdxProblem,
    },
    /// The image and label files disagree on how many items there are.
    #[error("{images} holds {image_count} images but {labels} holds {label_count} labels")]
    CountMismatch {
        /// The image file's name.
        images: String,
        /// Images it holds.
        image_count: usize,
        /// The label file's name.
        labels: String,
        /// Labels it holds.
        label_count: usize,
    },
    /// The files hold no items.
    #[error("{0} holds no images")]
    Empty(String),
}

/// A named file's bytes, as the caller read them.
#[derive(Debug, Clone, Copy)]
pub struct IdxFile<'a> {
    /// The file's name (its path, for messages).
    pub name: &'a str,
    /// Its bytes, gzipped or not.
    pub bytes: &'a [u8],
}

/// Labelled 28x28 images read from IDX files, in the files' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    /// One label per image.
    pub labels: Vec<u8>,
    /// `labels.len() * 784` grey levels, image after image.
    pub pixels: Vec<u8>,
}

impl Labelled {
    /// The images of `images` with the labels of `labels`, checked against each other.
    pub fn read(images: IdxFile, labels: IdxFile) -> Result<Self, IdxError> {
        let named = |file: &IdxFile| {
            let name = file.name.to_owned();
            move |problem| IdxError::File {
                file: name.clone(),
                problem,
            }
        };
        let pixels = read_images(images.bytes).map_err(named(&images))?;
        let label_values = read_labels(labels.bytes).map_err(named(&labels))?;
        let image_count = pixels.len() / IMAGE_PIXELS;
        if image_count != label_values.len() {
            return Err(IdxError::CountMismatch {
                images: images.name.to_owned(),
                image_count,
                labels: labels.name.to_owned(),
                label_count: label_values.len(),
            });
        }
        if image_count == 0 {
            return Err(IdxError::Empty(images.name.to_owned()));
        }
        Ok(Self {
            labels: label_values,
            pixels,
        })
    }

    /// Items held.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether it holds no items.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// These items followed by `other`'s.
    pub fn append(mut self, other: Labelled) -> Self {
        self.labels.extend(other.labels);
        self.pixels.extend(other.pixels);
        self
    }

    /// Only the first `per_class` items of each class, in order.
    pub fn first_of_each_class(self, per_class: usize) -> Self {
        let mut taken = [0usize; NUM_CLASSES];
        let mut kept = Labelled {
            labels: Vec::new(),
            pixels: Vec::new(),
        };
        for (i, &label) in self.labels.iter().enumerate() {
            let count = &mut taken[usize::from(label)];
            if *count < per_class {
                *count += 1;
                kept.labels.push(label);
                kept.pixels
                    .extend_from_slice(&self.pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]);
            }
        }
        kept
    }

    /// The items as a set, sorted by label (stably) and split by [`stratified_split`], as
    /// the shipped files are.
    pub fn into_set(self) -> MnistSet {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by_key(|&i| self.labels[i]);
        let (labels, pixels) = self.reordered(&order);
        let heldout = stratified_split(&labels);
        MnistSet::from_parts(labels, heldout, pixels).expect("IDX items are valid")
    }

    /// `train`'s items for training and `heldout`'s held out (a data set's own test files
    /// as the held-out part), each part sorted by label.
    pub fn into_set_with_heldout(train: Labelled, heldout: Labelled) -> MnistSet {
        let train_count = train.len();
        let all = train.append(heldout);
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&i| (i >= train_count, all.labels[i]));
        let (labels, pixels) = all.reordered(&order);
        let split = (0..labels.len()).map(|k| k >= train_count).collect();
        MnistSet::from_parts(labels, split, pixels).expect("IDX items are valid")
    }

    /// The labels and pixels of the items `order` lists, in that order.
    fn reordered(&self, order: &[usize]) -> (Vec<u8>, Vec<u8>) {
        let labels = order.iter().map(|&i| self.labels[i]).collect();
        let pixels = order
            .iter()
            .flat_map(|&i| &self.pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS])
            .copied()
            .collect();
        (labels, pixels)
    }
}

/// The held-out flags of a set sorted by label: for each class, its indices shuffled with
/// SplitMix64 seeded with `2024 + class` and the first round(n / 10) held out, the rule
/// `www/data/mnist.bin` was made with (`www/data/README.md`).
pub fn stratified_split(labels: &[u8]) -> Vec<bool> {
    let mut heldout = vec![false; labels.len()];
    for class in 0..NUM_CLASSES as u8 {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        SplitMix64::new(2024 + u64::from(class)).shuffle(&mut members);
        let held = (members.len() as f64 / 10.0).round() as usize;
        for &i in &members[..held] {
            heldout[i] = true;
        }
    }
    heldout
}

/// `bytes`, inflated if they are a gzip member (they start with gzip's magic `1f 8b`).
pub fn gunzip_if_gzipped(bytes: &[u8]) -> Result<Cow<'_, [u8]>, IdxProblem> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    let bad = |what: &str| IdxProblem::Gzip(what.to_owned());
    // RFC 1952: ID1 ID2 CM FLG MTIME(4) XFL OS, then the optional fields FLG names.
    if bytes.len() < 18 || bytes[2] != 8 {
        return Err(bad("not a deflate gzip member"));
    }
    let flags = bytes[3];
    let mut at = 10;
    let skip_to = |at: usize, len: usize| {
        at.checked_add(len)
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| bad("its header runs past the end"))
    };
    if flags & 0x04 != 0 {
        let extra = usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
        at = skip_to(at, 2 + extra)?;
    }
    for flag in [0x08, 0x10] {
        // file name, comment: zero-terminated
        if flags & flag != 0 {
            let end = bytes[at..]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("its header runs past the end"))?;
            at = skip_to(at, end + 1)?;
        }
    }
    if flags & 0x02 != 0 {
        at = skip_to(at, 2)?;
    }
    let body = bytes
        .get(at..bytes.len().saturating_sub(8))
        .ok_or_else(|| bad("it is truncated"))?;
    let inflated = decompress_to_vec_with_limit(body, MAX_INFLATED)
        .map_err(|e| bad(&format!("{:?} (truncated or corrupt)", e.status)))?;
    let trailer = &bytes[bytes.len() - 8..];
    let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    if crc32fast::hash(&inflated) != crc || inflated.len() as u32 != size {
        return Err(bad("its checksum does not match its data"));
    }
    Ok(Cow::Owned(inflated))
}

/// The big-endian u32 at `at`.
fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Checks an IDX header with magic `magic` (its low byte the number of dimensions), its
/// dimensions with `check_shape`, and returns the data after the header, which must be
/// exactly their product long.
fn idx_data<'a>(
    bytes: &'a [u8],
    magic: u32,
    role: &'static str,
    check_shape: impl Fn(&[u32]) -> Result<(), IdxProblem>,
) -> Result<&'a [u8], IdxProblem> {
    let dims = (magic & 0xff) as usize;
    let header = 4 + 4 * dims;
    if bytes.len() < 4 || be_u32(bytes, 0) != magic {
        let found = if bytes.len() >= 4 {
            be_u32(bytes, 0)
        } else {
            0
        };
        return Err(IdxProblem::BadMagic {
            role,
            found,
            expected: magic,
        });
    }
    if bytes.len() < header {
        return Err(IdxProblem::Truncated {
            expected: header as u64,
            found: bytes.len() as u64,
        });
    }
    let shape: Vec<u32> = (0..dims).map(|d| be_u32(bytes, 4 + 4 * d)).collect();
    check_shape(&shape)?;
    let expected = header as u64 + shape.iter().map(|&n| u64::from(n)).product::<u64>();
    let found = bytes.len() as u64;
    if found < expected {
        return Err(IdxProblem::Truncated { expected, found });
    }
    if found > expected {
        return Err(IdxProblem::TrailingBytes(found - expected));
    }
    Ok(&bytes[header..])
}

/// The pixels of an IDX image file (gzipped or not): `count * 784` grey levels.
pub fn read_images(bytes: &[u8]) -> Result<Vec<u8>, IdxProblem> {
    let bytes = gunzip_if_gzipped(bytes)?;
    let data = idx_data(&bytes, IMAGES_MAGIC, "image", |shape| {
        let (rows, cols) = (shape[1], shape[2]);
        if (rows as usize, cols as usize) == (ROWS, COLS) {
            Ok(())
        } else {
            Err(IdxProblem::NotMnistSize { rows, cols })
        }
    })?;
    Ok(data.to_vec())
}

/// The labels of an IDX label file (gzipped or not), each a class 0..9.
pub fn read_labels(bytes: &[u8]) -> Result<Vec<u8>, IdxProblem> {
    let bytes = gunzip_if_gzipped(bytes)?;
    let data = idx_data(&bytes, LABELS_MAGIC, "label", |_| Ok(()))?;
    if let Some((index, &label)) = data
        .iter()
        .enumerate()
        .find(|&(_, &label)| usize::from(label) >= NUM_CLASSES)
    {
        return Err(IdxProblem::LabelOutOfRange { index, label });
    }
    Ok(data.to_vec())
}

/// An IDX image file's bytes for `pixels` (`count * 784` grey levels), not gzipped: what the
/// tests write, and what `gan` could export.
pub fn write_images(pixels: &[u8]) -> Vec<u8> {
    let count = (pixels.len() / IMAGE_PIXELS) as u32;
    let mut out = Vec::with_capacity(16 + pixels.len());
    for field in [IMAGES_MAGIC, count, ROWS as u32, COLS as u32] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    out.extend_from_slice(pixels);
    out
}

/// An IDX label file's bytes for `labels`, not gzipped.
pub fn write_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + labels.len());
    for field in [LABELS_MAGIC, labels.len() as u32] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    out.extend_from_slice(labels);
    out
}
