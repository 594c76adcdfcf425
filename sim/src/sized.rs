//! Fixed-size traffic for throughput runs (`sim --frame-size L|imix`, `bench`): every
//! host/inner frame of a size the mix gives, TCP and UDP over IPv4 alternating, RCO on,
//! outer IPv4 or IPv6, fed back to back. The testbenches of `tx`, `rx` and `loopback`
//! take their cases from [`host_cases`] when [`crate::SimOpts::sized`] is set.

use rco_golden::rng::SplitMix64;
use rco_golden::tx::outer_header_len;
use rco_golden::types::{TxDescriptor, DEFAULT_MAX_FRAME};
use rco_golden::vectors::{gen_sized_frame, sized_descriptor, IMIX, SIZED_MIN_FRAME};

/// The inner frame sizes of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameSizes {
    /// Every frame `L` bytes.
    Fixed(usize),
    /// [`IMIX`], repeated.
    Imix,
}

impl FrameSizes {
    /// `L` (decimal) or `imix`.
    pub fn parse(s: &str) -> anyhow::Result<Self> {
        if s.eq_ignore_ascii_case("imix") {
            return Ok(FrameSizes::Imix);
        }
        s.parse().map(FrameSizes::Fixed).map_err(|_| anyhow::anyhow!("--frame-size {s:?}: a frame length in bytes or imix"))
    }

    /// Size of frame `i` of a run.
    pub fn size(&self, i: usize) -> usize {
        match self {
            FrameSizes::Fixed(l) => *l,
            FrameSizes::Imix => IMIX[i % IMIX.len()],
        }
    }

    /// Every size the mix uses.
    pub fn all(&self) -> Vec<usize> {
        match self {
            FrameSizes::Fixed(l) => vec![*l],
            FrameSizes::Imix => IMIX.to_vec(),
        }
    }

    pub fn label(&self) -> String {
        match self {
            FrameSizes::Fixed(l) => l.to_string(),
            FrameSizes::Imix => "imix".into(),
        }
    }
}

/// What `--frame-size` and `--outer` ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizedTraffic {
    pub sizes: FrameSizes,
    pub outer_v6: bool,
    /// An outer 802.1Q tag on every frame.
    pub vlan: bool,
}

impl SizedTraffic {
    /// Outer header bytes TX puts in front of every inner frame.
    pub fn outer_header_len(&self) -> usize {
        let mut rng = SplitMix64::new(0);
        outer_header_len(&sized_descriptor(&mut rng, (34, 16), self.outer_v6, self.vlan))
    }

    /// Largest inner frame: its outer frame must fit RX's `max_frame` (TX's limit on the
    /// inner frame is the same number, so RX's is the tighter one).
    pub fn max_size(&self) -> usize {
        DEFAULT_MAX_FRAME - self.outer_header_len()
    }

    /// Errors (one line) for a size the frames cannot have.
    pub fn check(&self) -> anyhow::Result<()> {
        let max = self.max_size();
        for l in self.sizes.all() {
            anyhow::ensure!(
                (SIZED_MIN_FRAME..=max).contains(&l),
                "--frame-size {l}: must be {SIZED_MIN_FRAME}..={max} (the Ethernet minimum; the outer frame, L + {} \
                 bytes, must fit max_frame {DEFAULT_MAX_FRAME})",
                self.outer_header_len()
            );
        }
        Ok(())
    }
}

/// `packets` host frames and descriptors: frame `i` has `sizes.size(i)` bytes, TCP for even
/// `i`, UDP for odd.
pub fn host_cases(seed: u64, packets: usize, t: &SizedTraffic) -> anyhow::Result<Vec<(Vec<u8>, TxDescriptor)>> {
    t.check()?;
    let mut rng = SplitMix64::new(seed);
    (0..packets)
        .map(|i| {
            let len = t.sizes.size(i);
            let (f, p) = gen_sized_frame(&mut rng, len, i % 2 == 0)
                .ok_or_else(|| anyhow::anyhow!("--frame-size {len}: no TCP/UDP frame of that size"))?;
            Ok((f, sized_descriptor(&mut rng, p, t.outer_v6, t.vlan)))
        })
        .collect()
}
