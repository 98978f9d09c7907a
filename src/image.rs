//! Pixels: model outputs in [-1, 1] laid out as grids, and PNG encoding.

use thiserror::Error;

/// An 8-bit grayscale picture (0 = black background, 255 = white ink, as MNIST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Row-major pixels, `width * height` bytes.
    pub pixels: Vec<u8>,
}

/// Why an image could not be laid out or encoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImageError {
    /// The pixel buffer does not hold `count` images of `size` x `size`.
    #[error("image data has {got} values, expected {expected}")]
    WrongLength {
        /// Values given.
        got: usize,
        /// Values expected.
        expected: usize,
    },
    /// More images than grid cells, or a zero-sized grid or scale.
    #[error("bad grid layout: {0}")]
    BadLayout(String),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// Maps a model value in [-1, 1] to a byte (values outside are clamped).
pub fn to_byte(value: f32) -> u8 {
    ((value.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8
}

/// Lays out `count` square images of side `size` (values in [-1, 1], `[count, size, size]`
/// row-major) as a `rows` x `cols` grid with `gap` black pixels between cells and around.
pub fn grid(
    values: &[f32],
    size: usize,
    rows: usize,
    cols: usize,
    gap: usize,
) -> Result<GrayImage, ImageError> {
    if rows == 0 || cols == 0 || size == 0 {
        return Err(ImageError::BadLayout(format!(
            "{rows}x{cols} cells of {size} px"
        )));
    }
    let cell = size * size;
    if !values.len().is_multiple_of(cell) {
        return Err(ImageError::WrongLength {
            got: values.len(),
            expected: values.len().div_ceil(cell) * cell,
        });
    }
    let count = values.len() / cell;
    if count > rows * cols {
        return Err(ImageError::BadLayout(format!(
            "{count} images do not fit {rows}x{cols} cells"
        )));
    }
    let width = cols * size + (cols + 1) * gap;
    let height = rows * size + (rows + 1) * gap;
    let mut pixels = vec![0u8; width * height];
    for (index, image) in values.chunks_exact(cell).enumerate() {
        let (row, col) = (index / cols, index % cols);
        let (top, left) = (gap + row * (size + gap), gap + col * (size + gap));
        for y in 0..size {
            let dst = (top + y) * width + left;
            for x in 0..size {
                pixels[dst + x] = to_byte(image[y * size + x]);
            }
        }
    }
    Ok(GrayImage {
        width,
        height,
        pixels,
    })
}

impl GrayImage {
    /// Value at `(x, y)`.
    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// Enlarges by an integer factor with nearest-neighbour sampling (crisp pixels).
    pub fn scaled(&self, scale: usize) -> Result<GrayImage, ImageError> {
        if scale == 0 || scale > 64 {
            return Err(ImageError::BadLayout(format!(
                "scale must be 1 to 64, got {scale}"
            )));
        }
        let (width, height) = (self.width * scale, self.height * scale);
        let mut pixels = Vec::with_capacity(width * height);
        for y in 0..height {
            let row = &self.pixels[(y / scale) * self.width..(y / scale + 1) * self.width];
            pixels.extend(row.iter().flat_map(|&p| std::iter::repeat_n(p, scale)));
        }
        Ok(GrayImage {
            width,
            height,
            pixels,
        })
    }

    /// RGBA bytes (opaque gray), as a canvas `ImageData` wants them.
    pub fn to_rgba(&self) -> Vec<u8> {
        self.pixels.iter().flat_map(|&p| [p, p, p, 255]).collect()
    }

    /// Encodes as an 8-bit grayscale PNG.
    pub fn to_png(&self) -> Result<Vec<u8>, ImageError> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
            encoder.set_color(png::ColorType::Grayscale);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder
                .write_header()
                .map_err(|e| ImageError::Png(e.to_string()))?;
            writer
                .write_image_data(&self.pixels)
                .map_err(|e| ImageError::Png(e.to_string()))?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_mapping_covers_the_byte_range() {
        assert_eq!(to_byte(-1.0), 0);
        assert_eq!(to_byte(1.0), 255);
        assert_eq!(to_byte(0.0), 128);
        assert_eq!(to_byte(7.0), 255);
    }

    #[test]
    fn grid_places_cells_with_gaps() {
        // two 2x2 images: all -1 (black) and all +1 (white), in a 1x2 grid with gap 1
        let values = [vec![-1.0; 4], vec![1.0; 4]].concat();
        let img = grid(&values, 2, 1, 2, 1).unwrap();
        assert_eq!((img.width, img.height), (7, 4));
        assert_eq!(img.get(1, 1), 0);
        assert_eq!(img.get(4, 1), 255);
        assert_eq!(img.get(5, 2), 255);
        assert_eq!(img.get(3, 1), 0); // the gap
        assert!(grid(&values, 2, 1, 1, 0).is_err());
        assert!(grid(&values[..5], 2, 1, 2, 0).is_err());
    }

    #[test]
    fn png_round_trips_through_a_decoder() {
        let values: Vec<f32> = (0..16).map(|i| i as f32 / 7.5 - 1.0).collect();
        let img = grid(&values, 4, 1, 1, 0).unwrap().scaled(3).unwrap();
        assert_eq!((img.width, img.height), (12, 12));
        let png = img.to_png().unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (12, 12));
        assert_eq!(&buf[..info.buffer_size()], &img.pixels[..]);
        assert_eq!(img.to_rgba().len(), 12 * 12 * 4);
    }
}
