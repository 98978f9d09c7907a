//! `gan train --log DIR`: TensorBoard event files, the scalars and images of a run as
//! TensorBoard (and PyTorch's `SummaryWriter`) write them, so that `tensorboard --logdir DIR`
//! shows GAN Studio's runs beside a course's PyTorch runs.
//!
//! The format is small and stable, and the one Rust crate that writes it (tensorboard-rs) is
//! archived, so it is written here: a file `events.out.tfevents.<seconds>.gan-studio` of
//! TFRecords (a u64 length, its masked CRC32-C, the bytes, their masked CRC32-C), each an
//! `Event` protocol buffer: the first with `file_version: "brain.Event:2"`, then one per
//! step with a `Summary` of scalar values (`simple_value`) or a PNG image.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

/// An open event file.
pub struct EventWriter {
    file: BufWriter<File>,
    path: PathBuf,
}

impl EventWriter {
    /// Creates `dir` if needed and a new event file in it.
    pub fn create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let now = wall_time();
        let path = dir.join(format!("events.out.tfevents.{}.gan-studio", now as u64));
        let file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut writer = Self {
            file: BufWriter::new(file),
            path,
        };
        let mut event = Vec::new();
        double_field(&mut event, 1, now);
        bytes_field(&mut event, 3, b"brain.Event:2");
        writer.record(&event)?;
        Ok(writer)
    }

    /// Scalars `(tag, value)` at `step`, one event (NaN values, figures a step did not
    /// measure, are left out).
    pub fn scalars(&mut self, step: u64, values: &[(&str, f32)]) -> Result<()> {
        let mut summary = Vec::new();
        for &(tag, value) in values.iter().filter(|(_, v)| !v.is_nan()) {
            let mut entry = Vec::new();
            bytes_field(&mut entry, 1, tag.as_bytes());
            entry.push(0x15); // field 2, 32-bit: simple_value
            entry.extend_from_slice(&value.to_le_bytes());
            bytes_field(&mut summary, 1, &entry);
        }
        self.summary(step, &summary)
    }

    /// A PNG image (`width` x `height`, grey) at `step` under `tag`.
    pub fn image(
        &mut self,
        step: u64,
        tag: &str,
        width: u32,
        height: u32,
        png: &[u8],
    ) -> Result<()> {
        let mut image = Vec::new();
        varint_field(&mut image, 1, u64::from(height));
        varint_field(&mut image, 2, u64::from(width));
        varint_field(&mut image, 3, 1); // colorspace: grey
        bytes_field(&mut image, 4, png);
        let mut entry = Vec::new();
        bytes_field(&mut entry, 1, tag.as_bytes());
        bytes_field(&mut entry, 4, &image);
        let mut summary = Vec::new();
        bytes_field(&mut summary, 1, &entry);
        self.summary(step, &summary)
    }

    /// Writes what is buffered to the file.
    pub fn flush(&mut self) -> Result<()> {
        self.file
            .flush()
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// One event: wall time, step, summary.
    fn summary(&mut self, step: u64, summary: &[u8]) -> Result<()> {
        let mut event = Vec::new();
        double_field(&mut event, 1, wall_time());
        varint_field(&mut event, 2, step);
        bytes_field(&mut event, 5, summary);
        self.record(&event)
    }

    /// One TFRecord around `data`.
    fn record(&mut self, data: &[u8]) -> Result<()> {
        let length = (data.len() as u64).to_le_bytes();
        let mut bytes = Vec::with_capacity(data.len() + 16);
        bytes.extend_from_slice(&length);
        bytes.extend_from_slice(&masked_crc32c(&length).to_le_bytes());
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(&masked_crc32c(data).to_le_bytes());
        self.file
            .write_all(&bytes)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

/// Seconds since the epoch, as events record their time.
fn wall_time() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A protocol buffer varint.
fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Field `number` as a varint.
fn varint_field(out: &mut Vec<u8>, number: u64, value: u64) {
    varint(out, number << 3);
    varint(out, value);
}

/// Field `number` as a 64-bit double.
fn double_field(out: &mut Vec<u8>, number: u64, value: f64) {
    varint(out, (number << 3) | 1);
    out.extend_from_slice(&value.to_le_bytes());
}

/// Field `number` as length-delimited bytes (a string, bytes or a message).
fn bytes_field(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    varint(out, (number << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// CRC-32C (Castagnoli), as TFRecords use.
fn crc32c(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// TFRecord's masked CRC: rotated right by 15 bits plus a constant.
fn masked_crc32c(bytes: &[u8]) -> u32 {
    crc32c(bytes).rotate_right(15).wrapping_add(0xA282_EAD8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_matches_the_standard_check_value() {
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    /// Reads a protocol buffer's fields: (number, wire type, varint or bytes).
    fn fields(mut bytes: &[u8]) -> Vec<(u64, u64, u64, Vec<u8>)> {
        let varint = |bytes: &mut &[u8]| {
            let (mut value, mut shift) = (0u64, 0);
            loop {
                let byte = bytes[0];
                *bytes = &bytes[1..];
                value |= u64::from(byte & 0x7f) << shift;
                shift += 7;
                if byte < 0x80 {
                    return value;
                }
            }
        };
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let key = varint(&mut bytes);
            let (number, wire) = (key >> 3, key & 7);
            let (value, data) = match wire {
                0 => (varint(&mut bytes), Vec::new()),
                1 | 5 => {
                    let width = if wire == 1 { 8 } else { 4 };
                    let data = bytes[..width].to_vec();
                    bytes = &bytes[width..];
                    (0, data)
                }
                2 => {
                    let len = varint(&mut bytes) as usize;
                    let data = bytes[..len].to_vec();
                    bytes = &bytes[len..];
                    (0, data)
                }
                other => panic!("wire type {other}"),
            };
            out.push((number, wire, value, data));
        }
        out
    }

    #[test]
    fn events_are_checksummed_records_of_the_tensorboard_protocol() {
        let dir = std::env::temp_dir().join(format!("gan-events-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut writer = EventWriter::create(&dir).unwrap();
        writer
            .scalars(7, &[("loss_d", 0.5), ("penalty", f32::NAN)])
            .unwrap();
        writer.image(7, "samples", 3, 2, b"\x89PNG").unwrap();
        writer.flush().unwrap();
        let file = std::fs::read(&writer.path).unwrap();
        let mut records = Vec::new();
        let mut at = 0;
        while at < file.len() {
            let length = &file[at..at + 8];
            let len = u64::from_le_bytes(length.try_into().unwrap()) as usize;
            let crc = u32::from_le_bytes(file[at + 8..at + 12].try_into().unwrap());
            assert_eq!(crc, masked_crc32c(length));
            let data = &file[at + 12..at + 12 + len];
            let crc = u32::from_le_bytes(file[at + 12 + len..at + 16 + len].try_into().unwrap());
            assert_eq!(crc, masked_crc32c(data));
            records.push(data.to_vec());
            at += 16 + len;
        }
        assert_eq!(records.len(), 3, "version, scalars, image");
        assert_eq!(fields(&records[0])[1].3, b"brain.Event:2");
        // Event { wall_time, step 7, summary { value { tag "loss_d", simple_value 0.5 } } }
        let event = fields(&records[1]);
        assert_eq!((event[1].0, event[1].2), (2, 7));
        let summary = fields(&event[2].3);
        assert_eq!(summary.len(), 1, "the NaN is left out");
        let value = fields(&summary[0].3);
        assert_eq!(value[0].3, b"loss_d");
        assert_eq!((value[1].0, value[1].1), (2, 5));
        assert_eq!(f32::from_le_bytes(value[1].3[..].try_into().unwrap()), 0.5);
        // ... { value { tag "samples", image { height 2, width 3, colorspace 1, png } } }
        let value = fields(&fields(&fields(&records[2])[2].3)[0].3);
        let image = fields(&value[1].3);
        let numbers: Vec<u64> = image[..3].iter().map(|f| f.2).collect();
        assert_eq!(numbers, [2, 3, 1]);
        assert_eq!(image[3].3, b"\x89PNG");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn varints_are_seven_bits_a_byte_low_first() {
        let mut out = Vec::new();
        varint(&mut out, 300);
        assert_eq!(out, [0xAC, 0x02]);
    }
}
