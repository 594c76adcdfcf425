//! The VCDs the benches write: one clock period, one bound on their length, and rust-hdl's
//! full VCD of a block sampled at both halves of each cycle.

use rust_hdl::core::vcd_probe::VCDProbe;
use rust_hdl::prelude::*;
use std::io::Write;
use std::path::Path;

/// Simulated clock period in the VCDs (ps), that of the MAC clock.
pub const PERIOD_PS: u64 = 6400;
/// Cycles of VCD a run writes at most (the waveform of a full run is gigabytes).
pub const VCD_MAX_CYCLES: u64 = 20_000;

/// The VCD time (ps) of cycle `cycle`: its start, or its middle (after the rising edge) if `high`.
pub fn time_ps(cycle: u64, high: bool) -> u64 {
    cycle * PERIOD_PS + if high { PERIOD_PS / 2 } else { 0 }
}

/// `run` with the VCD file `path` open, if there is one, and flushed after; `gtkw` writes its
/// GTKWave save file first.
pub fn with_vcd_file<T>(
    path: Option<&Path>,
    gtkw: impl FnOnce(&Path) -> anyhow::Result<()>,
    run: impl FnOnce(Option<&mut dyn Write>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let mut file = match path {
        Some(p) => {
            gtkw(p)?;
            Some(std::io::BufWriter::new(std::fs::File::create(p)?))
        }
        None => None,
    };
    let out = run(file.as_mut().map(|w| w as &mut dyn Write))?;
    if let Some(mut w) = file {
        w.flush()?;
    }
    Ok(out)
}

/// rust-hdl's VCD of every signal of a block, for the first [`VCD_MAX_CYCLES`] cycles; a no-op
/// without an output.
pub struct Vcd<'a> {
    probe: Option<VCDProbe<&'a mut dyn Write>>,
}

impl<'a> Vcd<'a> {
    /// Header and initial values of `uut` on `out`.
    pub fn new(out: Option<&'a mut dyn Write>, uut: &dyn Block) -> Self {
        Vcd { probe: out.map(|w| write_vcd_dump(write_vcd_header(w, uut), uut)) }
    }

    /// The values that changed, at cycle `cycle` (its middle if `high`).
    pub fn sample(&mut self, cycle: u64, high: bool, uut: &dyn Block) -> anyhow::Result<()> {
        if cycle < VCD_MAX_CYCLES {
            if let Some(mut v) = self.probe.take() {
                v.timestamp(time_ps(cycle, high))?;
                self.probe = Some(write_vcd_change(v, uut));
            }
        }
        Ok(())
    }
}
