//! How close the generated points are to the real ones: GAN Lab's measure (the KL and JS
//! divergence between the two densities on a grid over the plane) and, for the mixtures,
//! how many of the Gaussians the generator covers.

/// Cells per side of the grid the densities are compared on.
pub const DENSITY_GRID: usize = 20;

/// A density on the plane [-1, 1]²: the share of points in each cell of a
/// [`DENSITY_GRID`]² grid (points outside count in the nearest edge cell), with half a
/// point added to every cell so no cell is empty and the divergences stay finite.
#[derive(Debug, Clone, PartialEq)]
pub struct Density(Vec<f64>);

impl Density {
    /// The density of `points` (x, y pairs).
    pub fn of(points: &[f32]) -> Self {
        let side = DENSITY_GRID;
        let mut counts = vec![0.5; side * side];
        let cell = |v: f32| ((v + 1.0) / 2.0 * side as f32).clamp(0.0, side as f32 - 1.0) as usize;
        for p in points.chunks_exact(2) {
            if p[0].is_finite() && p[1].is_finite() {
                counts[cell(p[1]) * side + cell(p[0])] += 1.0;
            }
        }
        let total: f64 = counts.iter().sum();
        Self(counts.into_iter().map(|c| c / total).collect())
    }

    /// KL(self ‖ other) = Σ p log(p / q), in nats.
    pub fn kl(&self, other: &Density) -> f64 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(p, q)| p * (p / q).ln())
            .sum()
    }

    /// The Jensen-Shannon divergence, ½KL(p ‖ m) + ½KL(q ‖ m) with m = ½(p + q): 0 for
    /// equal densities, at most ln 2.
    pub fn js(&self, other: &Density) -> f64 {
        let mixture = Density(
            self.0
                .iter()
                .zip(&other.0)
                .map(|(p, q)| 0.5 * (p + q))
                .collect(),
        );
        0.5 * self.kl(&mixture) + 0.5 * other.kl(&mixture)
    }
}

/// How many of the mixture's `centres` the generated `points` cover: a Gaussian (standard
/// deviation `std`) is covered when at least a quarter of its fair share of the points (a
/// quarter of 1 / its number of Gaussians) lies within 3 standard deviations of its centre.
pub fn modes_covered(points: &[f32], centres: &[[f32; 2]], std: f32) -> usize {
    let total = points.len() / 2;
    let needed = (total as f64 / (4.0 * centres.len() as f64))
        .ceil()
        .max(1.0) as usize;
    centres
        .iter()
        .filter(|c| {
            points
                .chunks_exact(2)
                .filter(|p| (p[0] - c[0]).hypot(p[1] - c[1]) < 3.0 * std)
                .count()
                >= needed
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::data::{PlaneData, Shape};
    use crate::rng::SplitMix64;

    #[test]
    fn equal_samples_are_close_and_a_collapsed_one_is_far() {
        let ring = PlaneData::new(Shape::Ring, &[]).unwrap();
        let real = Density::of(&ring.sample(&mut SplitMix64::new(1), 4000));
        let same = Density::of(&ring.sample(&mut SplitMix64::new(2), 4000));
        let collapsed = Density::of(&[0.75f32, 0.0].repeat(4000));
        assert!(real.kl(&same) < 0.1, "{}", real.kl(&same));
        assert!(real.js(&same) < 0.02, "{}", real.js(&same));
        assert!(real.kl(&collapsed) > 3.0, "{}", real.kl(&collapsed));
        let js = real.js(&collapsed);
        assert!(js > 0.5 && js <= std::f64::consts::LN_2, "{js}");
    }

    #[test]
    fn modes_count_only_where_enough_points_are() {
        let (centres, std) = Shape::Ring.modes().unwrap();
        let ring = PlaneData::new(Shape::Ring, &[]).unwrap();
        assert_eq!(
            modes_covered(&ring.sample(&mut SplitMix64::new(3), 1024), &centres, std),
            8
        );
        // two modes only, plus a stray point at a third
        let mut points = [centres[0], centres[1]].concat().repeat(500);
        points.extend_from_slice(&centres[2]);
        assert_eq!(modes_covered(&points, &centres, std), 2);
    }
}
