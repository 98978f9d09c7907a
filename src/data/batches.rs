//! Seeded, shuffled mini-batches over a set's indices, the same on every platform.

use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;

/// Where a [`BatchOrder`] stands: with the same indices and seed, enough to rebuild it
/// exactly ([`BatchOrder::at`]), whatever batch sizes took it there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPosition {
    /// The current epoch, from 0.
    pub epoch: usize,
    /// Indices of the current epoch already handed out.
    pub pos: usize,
}

/// Seeded, shuffled epochs of mini-batches over a fixed list of image indices.
///
/// Each epoch is a fresh Fisher-Yates shuffle (with [`SplitMix64`]) of the indices, cut into
/// batches; when fewer than `batch_size` indices remain, they are skipped, the list is
/// reshuffled and the next epoch starts, so a batch never holds an index twice. The same
/// indices and seed give the same batches on every platform.
#[derive(Debug, Clone)]
pub struct BatchOrder {
    /// The current epoch's permutation of the indices.
    order: Vec<usize>,
    /// Position in `order` of the next batch's first index.
    pos: usize,
    /// The current epoch, from 0.
    epoch: usize,
    rng: SplitMix64,
}

impl BatchOrder {
    /// Batches over `indices` (e.g. [`super::MnistSet::train_indices`]), shuffled with `seed`.
    pub fn new(indices: Vec<usize>, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let mut order = indices;
        rng.shuffle(&mut order);
        Self {
            order,
            pos: 0,
            epoch: 0,
            rng,
        }
    }

    /// The next `batch_size` indices, all distinct and from one epoch.
    ///
    /// A `batch_size` larger than the index list gives the whole (shuffled) list; an empty
    /// list or a `batch_size` of 0 gives an empty batch.
    pub fn next_batch(&mut self, batch_size: usize) -> Vec<usize> {
        let size = batch_size.min(self.order.len());
        if size == 0 {
            return Vec::new();
        }
        if self.pos + size > self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.pos = 0;
            self.epoch += 1;
        }
        let batch = self.order[self.pos..self.pos + size].to_vec();
        self.pos += size;
        batch
    }

    /// The epoch the last batch came from, counting from 0.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Where this order stands, to save beside a run.
    pub fn position(&self) -> OrderPosition {
        OrderPosition {
            epoch: self.epoch,
            pos: self.pos,
        }
    }

    /// The order over `indices` with `seed` as it stood at `position` (a position past the
    /// end of an epoch continues with the next one).
    pub fn at(indices: Vec<usize>, seed: u64, position: OrderPosition) -> Self {
        let mut order = Self::new(indices, seed);
        for _ in 0..position.epoch {
            order.rng.shuffle(&mut order.order);
        }
        order.epoch = position.epoch;
        order.pos = position.pos.min(order.order.len());
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_order_is_deterministic_and_covers_each_epoch() {
        let indices: Vec<usize> = (100..160).collect();
        let mut a = BatchOrder::new(indices.clone(), 7);
        let mut b = BatchOrder::new(indices.clone(), 7);
        let mut c = BatchOrder::new(indices.clone(), 8);
        let (mut seq_a, mut seq_c) = (Vec::new(), Vec::new());
        for epoch in 0..3 {
            let mut seen = Vec::new();
            for _ in 0..6 {
                let batch = a.next_batch(10);
                assert_eq!(batch, b.next_batch(10));
                assert_eq!(a.epoch(), epoch);
                seen.extend_from_slice(&batch);
                seq_a.extend(batch);
                seq_c.extend(c.next_batch(10));
            }
            seen.sort_unstable();
            assert_eq!(seen, indices, "epoch {epoch} covers every index once");
        }
        assert_ne!(seq_a, seq_c, "different seeds give different orders");
        // Epochs are reshuffled, not repeated.
        assert_ne!(seq_a[..60], seq_a[60..120]);
    }

    #[test]
    fn batch_order_never_repeats_within_a_batch() {
        let mut order = BatchOrder::new((0..25).collect(), 1);
        for _ in 0..20 {
            let mut batch = order.next_batch(8);
            assert_eq!(batch.len(), 8);
            batch.sort_unstable();
            batch.dedup();
            assert_eq!(batch.len(), 8);
        }
        // 3 batches of 8 per epoch (1 index left over each time).
        assert_eq!(order.epoch(), 6);

        let mut whole = BatchOrder::new(vec![4, 5, 6], 2);
        let mut all = whole.next_batch(100);
        all.sort_unstable();
        assert_eq!(all, [4, 5, 6]);
        assert!(BatchOrder::new(Vec::new(), 0).next_batch(4).is_empty());
        assert!(whole.next_batch(0).is_empty());
    }

    #[test]
    fn an_order_rebuilt_at_its_position_goes_on_the_same_way() {
        let indices: Vec<usize> = (0..50).collect();
        let mut straight = BatchOrder::new(indices.clone(), 5);
        // Mixed batch sizes across two epoch boundaries, then a rebuild from the position.
        for size in [7, 7, 16, 16, 9, 30, 30, 4] {
            straight.next_batch(size);
        }
        let position = straight.position();
        assert_eq!(position.epoch, straight.epoch());
        assert!(position.epoch >= 2, "crossed epochs: {position:?}");
        let mut rebuilt = BatchOrder::at(indices.clone(), 5, position);
        for size in [12, 12, 12, 12, 40, 3] {
            assert_eq!(rebuilt.next_batch(size), straight.next_batch(size));
        }
        assert_eq!(
            BatchOrder::at(indices.clone(), 5, OrderPosition::default()).next_batch(8),
            BatchOrder::new(indices, 5).next_batch(8)
        );
    }
}
