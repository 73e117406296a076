//! The world's random draws, all from one seeded Xoshiro256++ stream (their order is the output).

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The seeded generator of the world, with the distributions it is drawn from.
pub(crate) struct Draws {
    pub(crate) rng: Xoshiro256PlusPlus,
}

impl Draws {
    pub(crate) fn new(seed: u64) -> Self {
        Draws {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    pub(crate) fn pick(&mut self, w: &[f64]) -> usize {
        let total: f64 = w.iter().sum();
        let mut u = self.rng.random::<f64>() * total;
        for (i, &x) in w.iter().enumerate() {
            if u < x {
                return i;
            }
            u -= x;
        }
        w.len() - 1
    }

    pub(crate) fn pick_tilted(&mut self, base: &[f64], tilt: &[f64], z: f64) -> usize {
        let mut w = [0.0f64; 16];
        for i in 0..base.len() {
            w[i] = base[i] * (tilt[i] * z).exp();
        }
        self.pick(&w[..base.len()])
    }

    pub(crate) fn normal(&mut self) -> f64 {
        rand_distr::StandardNormal.sample(&mut self.rng)
    }

    pub(crate) fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        // Shapes and scales are the generator's own positive constants; a bad one yields 0.
        Gamma::new(shape, scale).map_or(0.0, |g| g.sample(&mut self.rng))
    }

    pub(crate) fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        let x: f64 = Poisson::new(lambda.min(1e6)).map_or(0.0, |d| d.sample(&mut self.rng));
        x as u32
    }

    /// Seconds since midnight: mostly business hours.
    pub(crate) fn time_of_day(&mut self) -> u32 {
        if self.rng.random_bool(0.75) {
            self.rng.random_range(8 * 3600..19 * 3600)
        } else {
            self.rng.random_range(0..24 * 3600)
        }
    }
}
