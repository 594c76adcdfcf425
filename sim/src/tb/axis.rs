//! AXI4-Stream: frames as beats, a driver that offers them on a block's input and a monitor
//! that collects the frames leaving its output.

use rco_hdl::stream::{lane_mask, lanes_of, packet_beats, tdata_from_lanes, AxisSink, AxisSource, Beat};
use rust_hdl::prelude::*;

/// Beats of a frame of `k`-byte beats; an empty frame is one beat with no lanes kept (what
/// a host can send by mistake, and TX must drop).
pub fn frame_beats(f: &[u8], k: usize) -> Vec<Beat> {
    if f.is_empty() {
        vec![Beat { data: vec![0; k], keep: 0, last: true }]
    } else {
        packet_beats(f, k)
    }
}

/// The kept lanes of a beat, in wire order.
pub fn kept_bytes<const W: usize>(data: &Bits<W>, keep: u64) -> impl Iterator<Item = u8> {
    let keep = keep & lane_mask(W / 8);
    lanes_of::<W>(data).into_iter().enumerate().filter(move |(i, _)| keep >> i & 1 == 1).map(|(_, b)| b)
}

/// Put `beat` on an input, valid if `valid`; with no beat, zeros and not valid.
pub fn put_beat<const W: usize, const K: usize>(s: &mut AxisSink<W, K>, beat: Option<&Beat>, valid: bool) {
    match beat {
        Some(b) => {
            s.tdata.next = tdata_from_lanes::<W>(&b.data);
            s.tkeep.next = b.keep.into();
            s.tlast.next = b.last;
        }
        None => {
            s.tdata.next = Bits::<W>::default();
            s.tkeep.next = 0.into();
            s.tlast.next = false;
        }
    }
    s.tvalid.next = valid && beat.is_some();
    s.tuser.next = false;
}

/// A beat an [`AxisDriver`] saw taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The frame it belongs to (index in the driver's frames).
    pub frame: usize,
    pub first: bool,
    pub last: bool,
}

/// Offers frames on an AXI4-Stream input in order, beat by beat. A beat stays on the
/// input until the block takes it; the caller decides in which cycles it is offered.
#[derive(Clone, Debug, Default)]
pub struct AxisDriver {
    frames: Vec<Vec<Beat>>,
    frame: usize,
    beat: usize,
    offered: bool,
}

impl AxisDriver {
    pub fn new(frames: Vec<Vec<Beat>>) -> Self {
        AxisDriver { frames, ..Default::default() }
    }

    /// Frames wholly taken.
    pub fn frames_in(&self) -> usize {
        self.frame
    }

    /// Every frame is taken.
    pub fn done(&self) -> bool {
        self.frame == self.frames.len()
    }

    /// The next beat's frame is under way (its first beat taken).
    pub fn mid_frame(&self) -> bool {
        self.beat > 0
    }

    /// Abandon the frame under way and go on with frame `frame` (after a reset, a source
    /// starts again at a frame boundary).
    pub fn restart_at(&mut self, frame: usize) {
        (self.frame, self.beat, self.offered) = (frame, 0, false);
    }

    /// Before the clock edge: the next beat on `s`, valid if `offer`. Returns whether a beat
    /// is offered.
    pub fn drive<const W: usize, const K: usize>(&mut self, s: &mut AxisSink<W, K>, offer: bool) -> bool {
        let beat = self.frames.get(self.frame).map(|f| &f[self.beat]);
        put_beat(s, beat, offer);
        self.offered = offer && beat.is_some();
        self.offered
    }

    /// After the design settled, before the edge: the beat offered, if `s` takes it.
    pub fn take<const W: usize, const K: usize>(&mut self, s: &AxisSink<W, K>) -> Option<Taken> {
        if !(self.offered && s.tready.val()) {
            return None;
        }
        let t = Taken { frame: self.frame, first: self.beat == 0, last: self.beat + 1 == self.frames[self.frame].len() };
        self.beat += 1;
        if t.last {
            self.frame += 1;
            self.beat = 0;
        }
        Some(t)
    }
}

/// What an [`AxisMonitor`] saw in a cycle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// A beat was taken.
    pub fired: bool,
    /// It ended a frame: the frame's bytes.
    pub frame: Option<Vec<u8>>,
}

/// Collects the frames leaving an AXI4-Stream output (the kept lanes of the beats taken,
/// up to `tlast`), and checks that a beat shown and not taken stays, unchanged, until it is
/// taken (AXI4-Stream).
#[derive(Clone, Debug, Default)]
pub struct AxisMonitor {
    buf: Vec<u8>,
    /// (lanes, keep, last) of the beat shown and not taken last cycle
    stalled: Option<(Vec<u8>, u64, bool)>,
    /// Beats taken.
    pub beats: u64,
}

impl AxisMonitor {
    /// After the design settled, before the edge: `m`'s beat with `tready` = `ready`.
    pub fn sample<const W: usize, const K: usize>(&mut self, m: &AxisSource<W, K>, ready: bool) -> anyhow::Result<Seen> {
        let valid = m.tvalid.val();
        let shown = || (lanes_of::<W>(&m.tdata.val()), m.tkeep.val().to_u64(), m.tlast.val());
        if let Some(held) = self.stalled.take() {
            anyhow::ensure!(valid && shown() == held, "AXI4-Stream output: beat withdrawn or changed while stalled");
        }
        if valid && !ready {
            self.stalled = Some(shown());
        }
        let mut seen = Seen::default();
        if valid && ready {
            seen.fired = true;
            self.beats += 1;
            self.buf.extend(kept_bytes::<W>(&m.tdata.val(), m.tkeep.val().to_u64()));
            if m.tlast.val() {
                seen.frame = Some(std::mem::take(&mut self.buf));
            }
        }
        Ok(seen)
    }

    /// A frame is under way (some of its beats taken).
    pub fn mid_frame(&self) -> bool {
        !self.buf.is_empty()
    }
}
