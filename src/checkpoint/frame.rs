//! The framing every GAN Studio file shares (checkpoints and the classifier file):
//! `magic (8 bytes) | u32 version | u32 header length | header | [u32 CRC32] | body`,
//! little-endian. From the version a file type names, a CRC32 (IEEE) of everything before it
//! follows the header, so a damaged header is refused rather than misread. Each file type
//! names its magic and versions ([`FrameSpec`]) and reads its own header and body.

use thiserror::Error;

/// Largest header accepted (a real one is well under 2 KB).
const MAX_HEADER: usize = 64 * 1024;

/// Why bytes are not a framed file: the layer shared by checkpoints and the classifier file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FrameError {
    /// Shorter than the frame says.
    #[error("truncated: {got} bytes, at least {needed} needed")]
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// Does not start with the expected magic bytes.
    #[error("wrong magic bytes")]
    WrongMagic,
    /// Another version of the layout.
    #[error("version {0} is not supported")]
    UnsupportedVersion(u32),
    /// The header length is implausible.
    #[error("{0}")]
    BadHeader(String),
    /// The header's checksum does not match: the file is damaged.
    #[error("header checksum mismatch (stored {stored:#010x}, computed {computed:#010x})")]
    HeaderChecksum {
        /// CRC32 stored after the header.
        stored: u32,
        /// CRC32 of the bytes before it.
        computed: u32,
    },
}

/// The frame of one file type.
#[derive(Debug, Clone, Copy)]
pub struct FrameSpec {
    /// The 8 bytes the file starts with.
    pub magic: &'static [u8; 8],
    /// The version written.
    pub current: u32,
    /// The oldest version read.
    pub oldest: u32,
    /// The first version whose header is followed by its CRC32 (`None`: no version is).
    pub checksummed_from: Option<u32>,
}

/// A split frame: the version found, the header and what follows it.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The file's format version.
    pub version: u32,
    /// The header bytes.
    pub header: &'a [u8],
    /// Everything after the header (and its checksum).
    pub body: &'a [u8],
}

fn read_u32(bytes: &[u8], at: usize) -> Result<u32, FrameError> {
    let slice = bytes.get(at..at + 4).ok_or(FrameError::Truncated {
        needed: at + 4,
        got: bytes.len(),
    })?;
    Ok(u32::from_le_bytes(slice.try_into().expect("4 bytes")))
}

impl FrameSpec {
    fn checksummed(&self, version: u32) -> bool {
        self.checksummed_from.is_some_and(|first| version >= first)
    }

    /// Writes `magic | version | header length | header` (and, for a checksummed version, the
    /// CRC32 of those bytes) for the current version; the body follows.
    pub fn write(&self, header: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(self.magic);
        out.extend_from_slice(&self.current.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(header);
        if self.checksummed(self.current) {
            let crc = crc32fast::hash(&out[start..]);
            out.extend_from_slice(&crc.to_le_bytes());
        }
    }

    /// Splits what [`FrameSpec::write`] wrote (in any version from `oldest` to `current`),
    /// checking the magic, the version, the header's length and, where the version has one,
    /// its checksum.
    pub fn split<'a>(&self, bytes: &'a [u8]) -> Result<Frame<'a>, FrameError> {
        let magic = self.magic;
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
        let version = read_u32(bytes, 8)?;
        if !(self.oldest..=self.current).contains(&version) {
            return Err(FrameError::UnsupportedVersion(version));
        }
        let header_len = read_u32(bytes, 12)? as usize;
        if header_len > MAX_HEADER {
            return Err(FrameError::BadHeader(format!(
                "header claims {header_len} bytes"
            )));
        }
        let end = 16 + header_len;
        let header = bytes.get(16..end).ok_or(FrameError::Truncated {
            needed: end,
            got: bytes.len(),
        })?;
        if !self.checksummed(version) {
            return Ok(Frame {
                version,
                header,
                body: &bytes[end..],
            });
        }
        let stored = read_u32(bytes, end)?;
        let computed = crc32fast::hash(&bytes[..end]);
        if stored != computed {
            return Err(FrameError::HeaderChecksum { stored, computed });
        }
        Ok(Frame {
            version,
            header,
            body: &bytes[end + 4..],
        })
    }
}
