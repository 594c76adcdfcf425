//! TX drops: the TX path counts a dropped frame (one counter per error) and sends nothing
//! for it. A counter steps exactly `DROP_LATENCY` clocks after the dropped frame's last beat
//! went in, which is how [`TxDrops`] finds the frame.

use rco_golden::types::TxError;
use rco_hdl::nic_top::NicTop;
use rco_hdl::tx::ingress::DROP_LATENCY;
use rco_hdl::tx::TxEncap;
use std::collections::HashMap;

/// The TX drop counters' errors, in the order [`TxPorts::tx_drop_counts`] gives them.
pub const TX_ERRORS: [TxError; 4] = [TxError::Truncated, TxError::TooLong, TxError::BadDescriptor, TxError::BadKeep];

/// How many of `errors` there are of each, in [`TX_ERRORS`] order.
pub fn tx_histogram<'a>(errors: impl IntoIterator<Item = &'a TxError>) -> [u64; TX_ERRORS.len()] {
    let mut counts = [0; TX_ERRORS.len()];
    for e in errors {
        counts[TX_ERRORS.iter().position(|x| x == e).expect("TX_ERRORS lists every error")] += 1;
    }
    counts
}

/// A block with the TX drop counters.
pub trait TxPorts {
    /// The drop counters, in [`TX_ERRORS`] order.
    fn tx_drop_counts(&self) -> [u64; TX_ERRORS.len()];
}

impl<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize> TxPorts for TxEncap<W, K, N, A, HB> {
    fn tx_drop_counts(&self) -> [u64; TX_ERRORS.len()] {
        [
            self.drop_truncated.val().to_u64(),
            self.drop_too_long.val().to_u64(),
            self.drop_bad_desc.val().to_u64(),
            self.drop_bad_keep.val().to_u64(),
        ]
    }
}

impl<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize>
    TxPorts for NicTop<W, K, N, TA, HB, RA, RB, RQ>
{
    fn tx_drop_counts(&self) -> [u64; TX_ERRORS.len()] {
        [
            self.tx_drop_truncated.val().to_u64(),
            self.tx_drop_too_long.val().to_u64(),
            self.tx_drop_bad_desc.val().to_u64(),
            self.tx_drop_bad_keep.val().to_u64(),
        ]
    }
}

/// Attributes each TX drop counter step to its frame.
#[derive(Clone, Debug, Default)]
pub struct TxDrops {
    last: [u64; TX_ERRORS.len()],
    /// cycle of each frame's last input beat -> the frame
    last_beat_at: HashMap<u64, usize>,
}

impl TxDrops {
    /// `ends[f]`: the cycle frame `f`'s last beat went in (a recorded run).
    pub fn from_ends(ends: &[u64]) -> Self {
        TxDrops { last_beat_at: ends.iter().enumerate().map(|(f, c)| (*c, f)).collect(), ..Default::default() }
    }

    /// Frame `frame`'s last beat went in at cycle `cycle`.
    pub fn frame_in(&mut self, cycle: u64, frame: usize) {
        self.last_beat_at.insert(cycle, frame);
    }

    /// The counters `counts` after the edge of cycle `cycle`: the frames dropped at it, with
    /// their errors. A counter may step by one only, and only for a frame that ended in time.
    pub fn step(&mut self, cycle: u64, counts: [u64; TX_ERRORS.len()]) -> anyhow::Result<Vec<(usize, TxError)>> {
        let mut dropped = Vec::new();
        for (i, err) in TX_ERRORS.into_iter().enumerate() {
            if counts[i] != self.last[i] {
                anyhow::ensure!(counts[i] == self.last[i] + 1, "TX drop counter jumped");
                dropped.push((self.frame_of(cycle)?, err));
            }
        }
        self.last = counts;
        Ok(dropped)
    }

    /// The frame a drop counter step seen after the edge of cycle `cycle` belongs to.
    pub fn frame_of(&self, cycle: u64) -> anyhow::Result<usize> {
        let at = cycle.checked_sub(DROP_LATENCY as u64).and_then(|t| self.last_beat_at.get(&t).copied());
        at.ok_or_else(|| anyhow::anyhow!("a TX drop in cycle {cycle} with no frame ending {DROP_LATENCY} clocks before"))
    }

    /// The counters as last stepped.
    pub fn counts(&self) -> [u64; TX_ERRORS.len()] {
        self.last
    }
}
