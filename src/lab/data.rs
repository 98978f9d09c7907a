//! The lab's distributions in the plane [-1, 1]², and its noise.
//!
//! Every draw comes from [`SplitMix64`], so a seed names the same points natively and in
//! the browser.

use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;

/// A distribution of real points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// Eight Gaussians on a circle: the classic test of mode collapse.
    #[default]
    Ring,
    /// A 5x5 grid of Gaussians: 25 modes.
    Grid,
    /// Two interleaved half circles.
    Moons,
    /// A thin line segment: a 1-D manifold in the plane.
    Line,
    /// A spiral of one and a half turns.
    Spiral,
    /// The user's own points, each blurred by a small Gaussian.
    Drawn,
}

impl Shape {
    /// Every shape, in the order menus list them.
    pub const ALL: &'static [Shape] = &[
        Shape::Ring,
        Shape::Grid,
        Shape::Moons,
        Shape::Line,
        Shape::Spiral,
        Shape::Drawn,
    ];

    /// The name in settings and links.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Ring => "ring",
            Shape::Grid => "grid",
            Shape::Moons => "moons",
            Shape::Line => "line",
            Shape::Spiral => "spiral",
            Shape::Drawn => "drawn",
        }
    }

    /// How menus show it.
    pub fn title(self) -> &'static str {
        match self {
            Shape::Ring => "ring of 8 Gaussians",
            Shape::Grid => "5x5 grid of Gaussians",
            Shape::Moons => "two moons",
            Shape::Line => "line",
            Shape::Spiral => "spiral",
            Shape::Drawn => "draw your own",
        }
    }

    /// The centres of the mixture's Gaussians and their standard deviation, for the shapes
    /// that are mixtures (ring and grid).
    pub fn modes(self) -> Option<(Vec<[f32; 2]>, f32)> {
        match self {
            Shape::Ring => Some((
                (0..RING_MODES)
                    .map(|k| {
                        let angle = std::f32::consts::TAU * k as f32 / RING_MODES as f32;
                        [RING_RADIUS * angle.cos(), RING_RADIUS * angle.sin()]
                    })
                    .collect(),
                RING_STD,
            )),
            Shape::Grid => Some((
                (0..GRID_SIDE * GRID_SIDE)
                    .map(|k| {
                        [
                            grid_coordinate(k % GRID_SIDE),
                            grid_coordinate(k / GRID_SIDE),
                        ]
                    })
                    .collect(),
                GRID_STD,
            )),
            _ => None,
        }
    }
}

const RING_MODES: usize = 8;
const RING_RADIUS: f32 = 0.75;
const RING_STD: f32 = 0.05;
const GRID_SIDE: usize = 5;
const GRID_SPACING: f32 = 0.4;
const GRID_STD: f32 = 0.04;
/// The blur of each drawn point.
const DRAWN_STD: f32 = 0.03;

fn normal(rng: &mut SplitMix64) -> f32 {
    rng.next_normal() as f32
}

fn grid_coordinate(index: usize) -> f32 {
    (index as f32 - (GRID_SIDE - 1) as f32 / 2.0) * GRID_SPACING
}

/// The distribution of real points: a shape, and for [`Shape::Drawn`] the user's points.
#[derive(Debug, Clone)]
pub struct PlaneData {
    shape: Shape,
    drawn: Vec<[f32; 2]>,
}

/// What is wrong with drawn points.
pub const TOO_FEW_DRAWN: &str = "draw at least 2 points on the plane first";

impl PlaneData {
    /// The distribution `shape`; `drawn` (x, y pairs in the plane) is used by
    /// [`Shape::Drawn`], which needs at least two points inside [-1, 1]².
    pub fn new(shape: Shape, drawn: &[f32]) -> Result<Self, String> {
        let drawn: Vec<[f32; 2]> = drawn
            .chunks_exact(2)
            .map(|p| [p[0], p[1]])
            .filter(|p| p.iter().all(|v| v.is_finite() && v.abs() <= 1.0))
            .collect();
        if shape == Shape::Drawn && drawn.len() < 2 {
            return Err(TOO_FEW_DRAWN.to_string());
        }
        Ok(Self { shape, drawn })
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// `count` points, row-major `[count, 2]`.
    pub fn sample(&self, rng: &mut SplitMix64, count: usize) -> Vec<f32> {
        let mut points = Vec::with_capacity(count * 2);
        for _ in 0..count {
            let [x, y] = self.point(rng);
            points.extend_from_slice(&[x, y]);
        }
        points
    }

    fn point(&self, rng: &mut SplitMix64) -> [f32; 2] {
        match self.shape {
            Shape::Ring | Shape::Grid => {
                let (centres, std) = self.shape.modes().expect("a mixture has modes");
                let [cx, cy] = centres[rng.below(centres.len())];
                [cx + std * normal(rng), cy + std * normal(rng)]
            }
            Shape::Moons => {
                // scikit-learn's two moons, scaled and centred into the plane
                let t = std::f32::consts::PI * rng.next_f64() as f32;
                let (x, y) = if rng.below(2) == 0 {
                    (t.cos(), t.sin())
                } else {
                    (1.0 - t.cos(), 0.5 - t.sin())
                };
                [
                    (x - 0.5) * 0.6 + 0.03 * normal(rng),
                    (y - 0.25) * 0.6 + 0.03 * normal(rng),
                ]
            }
            Shape::Line => {
                let t = 2.0 * rng.next_f64() as f32 - 1.0;
                [0.7 * t + 0.01 * normal(rng), 0.5 * t + 0.01 * normal(rng)]
            }
            Shape::Spiral => {
                let t = rng.next_f64() as f32;
                let (radius, angle) = (0.1 + 0.75 * t, 3.0 * std::f32::consts::PI * t);
                [
                    radius * angle.cos() + 0.02 * normal(rng),
                    radius * angle.sin() + 0.02 * normal(rng),
                ]
            }
            Shape::Drawn => {
                let [x, y] = self.drawn[rng.below(self.drawn.len())];
                [x + DRAWN_STD * normal(rng), y + DRAWN_STD * normal(rng)]
            }
        }
    }
}

/// The distribution of the generator's input z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Noise {
    /// Uniform in [-1, 1] per dimension (GAN Lab's choice: its grid of z is a square).
    #[default]
    Uniform,
    /// Standard normal per dimension.
    Gaussian,
}

impl Noise {
    /// Every noise, in the order menus list them.
    pub const ALL: &'static [Noise] = &[Noise::Uniform, Noise::Gaussian];

    /// The name in settings and links.
    pub fn name(self) -> &'static str {
        match self {
            Noise::Uniform => "uniform",
            Noise::Gaussian => "gaussian",
        }
    }

    /// How menus show it.
    pub fn title(self) -> &'static str {
        match self {
            Noise::Uniform => "uniform in [-1, 1]",
            Noise::Gaussian => "Gaussian N(0, 1)",
        }
    }

    /// `count` draws of `dim`-dimensional z, row-major `[count, dim]`.
    pub fn sample(self, rng: &mut SplitMix64, count: usize, dim: usize) -> Vec<f32> {
        (0..count * dim)
            .map(|_| match self {
                Noise::Uniform => 2.0 * rng.next_f64() as f32 - 1.0,
                Noise::Gaussian => normal(rng),
            })
            .collect()
    }

    /// A regular grid over the noise's typical range ([-1, 1], or ±2 standard deviations),
    /// `side` points per dimension, row-major `[side^dim, dim]` (the last dimension fastest).
    pub fn grid(self, side: usize, dim: usize) -> Vec<f32> {
        let extent = match self {
            Noise::Uniform => 1.0,
            Noise::Gaussian => 2.0,
        };
        let at = |i: usize| extent * (2.0 * i as f32 / (side - 1).max(1) as f32 - 1.0);
        let count = side.pow(dim as u32);
        let mut z = Vec::with_capacity(count * dim);
        for index in 0..count {
            let mut rest = index;
            let mut coordinates = vec![0.0; dim];
            for coordinate in coordinates.iter_mut().rev() {
                *coordinate = at(rest % side);
                rest /= side;
            }
            z.extend(coordinates);
        }
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_stays_near_the_plane_and_mixtures_hit_their_modes() {
        let drawn = [0.5, 0.5, -0.5, -0.5];
        for &shape in Shape::ALL {
            let data = PlaneData::new(shape, &drawn).unwrap();
            let points = data.sample(&mut SplitMix64::new(1), 2000);
            assert_eq!(points.len(), 4000);
            assert!(
                points.iter().all(|v| v.abs() < 1.2),
                "{shape:?} leaves the plane"
            );
            if let Some((centres, std)) = shape.modes() {
                for (k, c) in centres.iter().enumerate() {
                    let near = points
                        .chunks_exact(2)
                        .filter(|p| (p[0] - c[0]).hypot(p[1] - c[1]) < 3.0 * std)
                        .count();
                    let share = 2000 / centres.len();
                    assert!(near > share / 2, "{shape:?} mode {k}: {near} of ~{share}");
                }
            }
        }
    }

    #[test]
    fn drawn_data_needs_two_points_inside_the_plane() {
        assert_eq!(
            PlaneData::new(Shape::Drawn, &[0.1, 0.1]).unwrap_err(),
            TOO_FEW_DRAWN
        );
        assert!(PlaneData::new(Shape::Drawn, &[0.1, 0.1, 3.0, 0.0]).is_err());
        assert!(PlaneData::new(Shape::Drawn, &[0.1, 0.1, f32::NAN, 0.0, -0.2, 0.3]).is_ok());
    }

    #[test]
    fn noise_grid_spans_the_range_row_major() {
        let z = Noise::Uniform.grid(3, 2);
        assert_eq!(z.len(), 18);
        assert_eq!(&z[..4], &[-1.0, -1.0, -1.0, 0.0]);
        assert_eq!(&z[16..], &[1.0, 1.0]);
        assert_eq!(Noise::Gaussian.grid(5, 1), vec![-2.0, -1.0, 0.0, 1.0, 2.0]);
    }
}
