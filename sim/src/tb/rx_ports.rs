//! The RX side-band of a block with an RX path (`RxTop`, `NicTop`, `RcoNic`): the metadata of
//! the frame on its output and its drop events, read alike for all; and the per-reason drop
//! counters of those that have them as ports (`RcoNic` has them behind AXI-Lite registers).

use rco_golden::types::{DropReason, RxMeta};
use rco_hdl::nic_top::NicTop;
use rco_hdl::rco_nic::RcoNic;
use rco_hdl::rx::{RxTop, DROP_OVERFLOW, NUM_DROP_REASONS};

/// The ports an RX monitor reads.
pub trait RxPorts {
    /// The metadata of the frame on the output (valid with its tlast beat).
    fn rx_meta(&self) -> RxMeta;
    /// The drop event shown this cycle, if any (its code, unchecked).
    fn rx_drop_code(&self) -> Option<usize>;

    /// The drop event shown this cycle. Frames dropped for want of room (`overflow`) are only
    /// counted, so an event with that code, or an unknown one, is an error.
    fn rx_drop(&self) -> anyhow::Result<Option<DropReason>> {
        match self.rx_drop_code() {
            None => Ok(None),
            Some(code) => {
                anyhow::ensure!(code < NUM_DROP_REASONS && code != DROP_OVERFLOW as usize, "RX drop event with code {code}");
                Ok(Some(DropReason::ALL[code]))
            }
        }
    }
}

/// The per-reason drop counters, as ports.
pub trait RxCounters {
    /// The counter of reason `reason` (`DropReason::ALL` order).
    fn rx_counter(&self, reason: usize) -> u64;

    /// Every per-reason drop counter.
    fn rx_counters(&self) -> Vec<u64> {
        (0..NUM_DROP_REASONS).map(|i| self.rx_counter(i)).collect()
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize> RxPorts
    for RxTop<W, K, N, AW, AB, Q>
{
    fn rx_meta(&self) -> RxMeta {
        RxMeta {
            vni: self.m_vni.val().to_u64() as u32,
            rco: self.m_rco.val(),
            rco_applied: self.m_rco_applied.val(),
            csum_start: self.m_csum_start.val().to_u64() as u16,
            csum_offset: self.m_csum_offset.val().to_u64() as u16,
            csum_complete: self.m_csum_complete.val().to_u64() as u16,
            outer_csum_ok: self.m_outer_csum_ok.val(),
        }
    }
    fn rx_drop_code(&self) -> Option<usize> {
        self.drop_valid.val().then(|| self.drop_reason.val().to_u64() as usize)
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize> RxCounters
    for RxTop<W, K, N, AW, AB, Q>
{
    fn rx_counter(&self, reason: usize) -> u64 {
        self.drop_count[reason].val().to_u64()
    }
}

// the IP core has the NIC top's RX ports, under the same names
macro_rules! nic_rx_ports {
    ($block:ident) => {
        impl<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize>
            RxPorts for $block<W, K, N, TA, HB, RA, RB, RQ>
        {
            fn rx_meta(&self) -> RxMeta {
                RxMeta {
                    vni: self.rx_vni.val().to_u64() as u32,
                    rco: self.rx_rco.val(),
                    rco_applied: self.rx_rco_applied.val(),
                    csum_start: self.rx_csum_start.val().to_u64() as u16,
                    csum_offset: self.rx_csum_offset.val().to_u64() as u16,
                    csum_complete: self.rx_csum_complete.val().to_u64() as u16,
                    outer_csum_ok: self.rx_outer_csum_ok.val(),
                }
            }
            fn rx_drop_code(&self) -> Option<usize> {
                self.rx_drop_valid.val().then(|| self.rx_drop_reason.val().to_u64() as usize)
            }
        }
    };
}
nic_rx_ports!(NicTop);
nic_rx_ports!(RcoNic);

impl<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize>
    RxCounters for NicTop<W, K, N, TA, HB, RA, RB, RQ>
{
    fn rx_counter(&self, reason: usize) -> u64 {
        self.rx_drop_count[reason].val().to_u64()
    }
}
