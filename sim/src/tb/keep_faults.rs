//! The `tkeep` faults both paths must drop as `bad_keep`: edits of a frame's beats that break
//! the packed-stream contract (hdl/src/stream.rs: `tkeep` all ones before the last beat, the
//! last beat's lanes contiguous from lane 0 and not empty). One list for the RX and TX
//! malformed-input tests; each applies it to frames of its own and adds the faults only its
//! path has (a bad descriptor, a frame whose outer checksum is zero).

use rco_hdl::stream::{lane_mask, packet_beats, Beat};

/// The frame a fault is applied to; each test supplies one of each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// A good frame of at least three beats at the widest lanes the tests run.
    Good,
    /// Its first 10 bytes: short enough for `truncated`.
    Short,
    /// Its first byte: one beat.
    FirstByte,
    /// A frame longer than the path's `max_frame`: `too_long`.
    TooLong,
}

/// A way to break the contract: `edit(beats, lanes per beat)` on the beats of `base`.
pub struct KeepFault {
    pub name: &'static str,
    pub base: Base,
    pub edit: fn(&mut Vec<Beat>, usize),
}

/// What a MAC may leave in the lanes it marks null.
pub const JUNK: u8 = 0xA5;

fn mid(b: &[Beat]) -> usize {
    b.len() / 2
}

fn last(b: &[Beat]) -> usize {
    b.len() - 1
}

/// Every fault, in the order the tests send them. `bad_keep` is checked before every other
/// error, so the faults on a short or too-long frame must still be `bad_keep` drops.
pub const KEEP_FAULTS: &[KeepFault] = &[
    // a hole in a beat before the last, the bytes still there or junk
    KeepFault { name: "hole_mid_data_intact", base: Base::Good, edit: |b, k| {
        let m = mid(b);
        b[m].null_lanes(k / 2, k, None)
    } },
    KeepFault { name: "hole_mid_junk", base: Base::Good, edit: |b, k| {
        let m = mid(b);
        b[m].null_lanes(k / 2, k, Some(JUNK))
    } },
    KeepFault { name: "hole_mid_low_junk", base: Base::Good, edit: |b, k| {
        let m = mid(b);
        b[m].null_lanes(0, k / 2, Some(JUNK))
    } },
    KeepFault { name: "hole_mid_top_lane", base: Base::Good, edit: |b, k| {
        let m = mid(b);
        b[m].null_lanes(k - 1, k, Some(JUNK))
    } },
    KeepFault { name: "mid_keep_zero", base: Base::Good, edit: |b, k| {
        let m = mid(b);
        b[m].null_lanes(0, k, Some(JUNK))
    } },
    KeepFault { name: "header_beat_keep_zero", base: Base::Good, edit: |b, k| b[1].null_lanes(0, k, None) },
    KeepFault { name: "first_beat_hole", base: Base::Good, edit: |b, _| b[0].null_lanes(3, 4, None) },
    // the last beat: a kept lane above a null one, lane 0 null, nothing kept
    KeepFault { name: "last_keep_noncontiguous", base: Base::Good, edit: |b, k| {
        let n = last(b);
        b[n].keep = 1 | 1 << (k - 1)
    } },
    KeepFault { name: "last_keep_no_lane0", base: Base::Good, edit: |b, _| {
        let n = last(b);
        b[n].keep = (b[n].keep & !1) | 2
    } },
    KeepFault { name: "last_keep_zero_in_place", base: Base::Good, edit: |b, _| {
        let n = last(b);
        b[n].keep = 0
    } },
    // the frame's bytes whole, then a null beat that only carries tlast
    KeepFault { name: "last_keep_zero_extra_beat", base: Base::Good, edit: |b, k| {
        let n = last(b);
        b[n].last = false;
        b.push(Beat { data: vec![0x77; k], keep: 0, last: true });
    } },
    // one beat with nothing kept: for TX the empty frame (legal framing), for RX a fault
    KeepFault { name: "lone_null_beat", base: Base::FirstByte, edit: |b, _| b[0].keep = 0 },
    KeepFault { name: "short_and_last_keep_gap", base: Base::Short, edit: |b, _| {
        let n = last(b);
        b[n].keep = 0b101
    } },
    KeepFault { name: "too_long_and_hole", base: Base::TooLong, edit: |b, _| b[2].null_lanes(1, 2, None) },
    KeepFault { name: "too_long_and_last_keep_zero", base: Base::TooLong, edit: |b, _| {
        let n = last(b);
        b[n].keep = 0
    } },
];

/// The beats break the packed-stream contract at `k` lanes.
pub fn breaks_contract(beats: &[Beat], k: usize) -> bool {
    beats.iter().enumerate().any(|(j, x)| {
        if j + 1 < beats.len() {
            x.keep != lane_mask(k)
        } else {
            x.keep == 0 || x.keep & (x.keep + 1) != 0
        }
    })
}

impl KeepFault {
    /// The fault applied to `frame` (of kind `self.base`) at `k` lanes.
    pub fn beats(&self, frame: &[u8], k: usize) -> Vec<Beat> {
        let mut b = packet_beats(frame, k);
        (self.edit)(&mut b, k);
        b
    }
}
