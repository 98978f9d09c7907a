//! The framing every GAN Studio file shares (checkpoints and the classifier file):
//! `magic (8 bytes) | u32 version | u32 header length | header | body`, little-endian.
//! Each file type names its own magic and version and reads its own header and body.

/// Largest header accepted (a real one is well under 2 KB).
const MAX_HEADER: usize = 64 * 1024;

/// Why bytes are not a framed file: the layer shared by checkpoints and the classifier file.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameError {
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
pub fn write_frame(magic: &[u8; 8], version: u32, header: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(header);
}

/// Splits what [`write_frame`] wrote into `(header, rest)`, checking the magic, the version
/// and the header's length.
pub fn split_frame<'a>(
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
