//! `rco-nic tap`: a NIC model in a live Linux network. The host side is a TAP device with
//! a virtio-net header (what a driver hands a NIC: the frame plus NEEDS_CSUM with
//! csum_start / csum_offset), the wire side a raw packet socket on an interface.
//!
//! ```text
//!  host stack --TAP (vnet hdr)--> TX descriptor + frame --> [NIC model] --> AF_PACKET --> wire
//!  host stack <--TAP (vnet hdr)-- inner frame + metadata <-- [NIC model] <-- AF_PACKET <-- wire
//! ```
//!
//! Received inner frames go to the TAP with no checksum claim unless `--partial`, so the host
//! kernel verifies every inner checksum itself: it judges RX's `remcsum_adjust` patch.
//! The model is clocked only while a frame is inside it or queued for it; an idle NIC
//! sleeps in `poll`.
//!
//! Sockets and ioctls go through the `libc` crate: the TUN ioctls (`TUNSETIFF`,
//! `TUNSETVNETHDRSZ`, `TUNSETOFFLOAD`) and `AF_PACKET` options are Linux-only calls that
//! the standard library does not wrap.

use crate::{descriptor, EncapOpts, Model};
use anyhow::{bail, Result};
use rco_golden::types::{RxConfig, RxMeta, DEFAULT_MAX_FRAME};
use rco_golden::vxlan::VXLAN_HF_RCO;
use rco_golden::wire::{l4_check_offset, parse_layers, VxlanPacket, IPPROTO_UDP, UDP_HLEN};
use rco_sim::nic_model::{GoldenNic, HwNic64, NicConfig, NicEvent, NicModel};
use std::collections::BTreeMap;
use std::ffi::CString;
use std::fmt;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// `struct virtio_net_hdr` (legacy, no `num_buffers`): the TUN default header size.
pub const VNET_HDR_LEN: usize = 10;
pub const VIRTIO_NET_HDR_F_NEEDS_CSUM: u8 = 1;
pub const VIRTIO_NET_HDR_GSO_NONE: u8 = 0;

/// Frames queued in the model per direction before the bridge stops reading (the rest
/// wait in the kernel's queues, as they would for a busy NIC).
const QUEUE_MAX: usize = 8;
/// Receive buffer of the wire socket (the kernel doubles it for its bookkeeping).
const WIRE_RCVBUF: usize = 32 << 10;
/// Clocks simulated between two looks at the sockets.
const CHUNK_CYCLES: u64 = 128;

/// The virtio-net header fields (native byte order: legacy virtio on the host it runs on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VnetHdr {
    pub flags: u8,
    pub gso_type: u8,
    pub hdr_len: u16,
    pub gso_size: u16,
    pub csum_start: u16,
    pub csum_offset: u16,
}

impl VnetHdr {
    pub fn parse(b: &[u8]) -> Option<Self> {
        let w = |i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
        (b.len() >= VNET_HDR_LEN).then(|| VnetHdr {
            flags: b[0],
            gso_type: b[1],
            hdr_len: w(2),
            gso_size: w(4),
            csum_start: w(6),
            csum_offset: w(8),
        })
    }

    pub fn bytes(&self) -> [u8; VNET_HDR_LEN] {
        let mut b = [0u8; VNET_HDR_LEN];
        b[0] = self.flags;
        b[1] = self.gso_type;
        for (i, v) in [self.hdr_len, self.gso_size, self.csum_start, self.csum_offset].into_iter().enumerate() {
            b[2 + 2 * i..4 + 2 * i].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }

    /// The header RX hands the host with an inner frame: no checksum claim, or in partial
    /// mode CHECKSUM_PARTIAL where RCO left it (as Linux's own partial receive path does).
    pub fn for_rx(meta: &RxMeta, partial: bool) -> Self {
        if partial && meta.rco && !meta.rco_applied {
            VnetHdr {
                flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
                csum_start: meta.csum_start,
                csum_offset: meta.csum_offset,
                ..Default::default()
            }
        } else {
            VnetHdr::default()
        }
    }
}

/// Faults the bridge can inject to show that the checks around it can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Fault {
    /// Corrupt the inner checksum of every frame whose checksum RX patched (RCO applied).
    RxCsum,
}

/// `rco-nic tap` settings.
#[derive(Clone, Debug)]
pub struct TapOpts {
    pub model: Model,
    pub tap: String,
    pub wire: String,
    /// VNI, outer family and addresses, RCO and outer UDP checksum on TX.
    pub encap: EncapOpts,
    /// Hand RCO frames to the host as CHECKSUM_PARTIAL instead of patching the checksum.
    pub partial: bool,
    pub status_every: Duration,
    pub fault: Option<Fault>,
}

/// Counters of a bridge run; `Display` is the status line.
#[derive(Clone, Debug, Default)]
pub struct TapStats {
    pub model: String,
    pub seconds: f64,
    /// Host frames sent on the wire (by the NIC's TX), their bytes, those with the RCO flag.
    pub tx_frames: u64,
    pub tx_bytes: u64,
    pub tx_rco: u64,
    /// Inner frames handed to the host, their bytes, those with the RCO flag, those whose
    /// checksum RX patched.
    pub rx_frames: u64,
    pub rx_bytes: u64,
    pub rx_rco: u64,
    pub rx_rco_applied: u64,
    /// Drops by reason: RX reasons as named by the hardware, `tx_<error>` for TX,
    /// `host_gso` (a GSO frame from the host, which this NIC does not segment),
    /// `other_vni`, `wire_send` / `tap_write` (the kernel refused a frame).
    pub drops: BTreeMap<String, u64>,
    pub faults_injected: u64,
    /// Wire frames the kernel dropped before the NIC read them (socket buffer full).
    pub wire_rx_dropped: u64,
    pub cycles: u64,
    /// Wall time and CPU time (this thread's) spent inside the model: on a loaded machine
    /// cycles per CPU second is what the model does on a core of its own.
    pub sim_seconds: f64,
    pub sim_cpu_seconds: f64,
}

impl TapStats {
    fn drop(&mut self, why: impl Into<String>) {
        *self.drops.entry(why.into()).or_default() += 1;
    }
}

impl fmt::Display for TapStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let drops: u64 = self.drops.values().sum();
        let rate = |secs: f64| if secs > 0.0 { self.cycles as f64 / secs } else { 0.0 };
        let (cps, cpu_cps) = (rate(self.sim_seconds), rate(self.sim_cpu_seconds));
        write!(
            f,
            "tap model={} t={:.1}s tx_frames={} tx_bytes={} tx_rco={} rx_frames={} rx_bytes={} rx_rco={} \
             rx_rco_applied={} drops={drops}",
            self.model,
            self.seconds,
            self.tx_frames,
            self.tx_bytes,
            self.tx_rco,
            self.rx_frames,
            self.rx_bytes,
            self.rx_rco,
            self.rx_rco_applied
        )?;
        for (why, n) in &self.drops {
            write!(f, " drop_{why}={n}")?;
        }
        if self.faults_injected > 0 {
            write!(f, " faults_injected={}", self.faults_injected)?;
        }
        write!(
            f,
            " wire_rx_dropped={} cycles={} cycles_per_s={cps:.0} cycles_per_cpu_s={cpu_cps:.0}",
            self.wire_rx_dropped, self.cycles
        )
    }
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// SIGINT and SIGTERM end the loop (without SA_RESTART, so `poll` returns at once).
fn install_signal_handlers() -> Result<()> {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with a handler that only stores to an atomic
        let rc = unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut())
        };
        if rc != 0 {
            bail!("sigaction: {}", std::io::Error::last_os_error());
        }
    }
    Ok(())
}

fn os_err(what: impl fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{what}: {}", std::io::Error::last_os_error())
}

fn ifname(flag: &str, name: &str) -> Result<CString> {
    if name.is_empty() || name.len() >= libc::IFNAMSIZ || name.contains(['/', ' ', '\0']) {
        bail!("{flag} {name:?}: not an interface name (1 to 15 bytes, no '/' or space)");
    }
    Ok(CString::new(name)?)
}

/// `struct ifreq` as TUNSETIFF reads it: the name and the flags of its union.
#[repr(C)]
struct IfReqFlags {
    name: [u8; libc::IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

/// Open (or create) TAP `name` with a virtio-net header and checksum offload, no TSO.
fn open_tap(name: &str) -> Result<OwnedFd> {
    let cname = ifname("--tap", name)?;
    // SAFETY: plain syscalls on a path literal and on the fd we own
    let fd = unsafe { libc::open(c"/dev/net/tun".as_ptr(), libc::O_RDWR | libc::O_NONBLOCK | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(os_err("cannot open /dev/net/tun"));
    }
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut ifr = IfReqFlags { name: [0; libc::IFNAMSIZ], flags: 0, _pad: [0; 22] };
    ifr.name[..name.len()].copy_from_slice(cname.as_bytes());
    ifr.flags = (libc::IFF_TAP | libc::IFF_NO_PI | libc::IFF_VNET_HDR) as libc::c_short;
    // SAFETY: TUNSETIFF reads and writes a struct ifreq, which IfReqFlags lays out
    if unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNSETIFF, &mut ifr) } < 0 {
        return Err(os_err(format!("--tap {name}: TUNSETIFF")));
    }
    let hdr_len = VNET_HDR_LEN as libc::c_int;
    // SAFETY: TUNSETVNETHDRSZ reads an int
    if unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNSETVNETHDRSZ, &hdr_len) } < 0 {
        return Err(os_err(format!("--tap {name}: TUNSETVNETHDRSZ")));
    }
    // checksum offload only: without TUN_F_TSO* the kernel segments before the TAP
    // SAFETY: TUNSETOFFLOAD takes its argument by value
    if unsafe { libc::ioctl(fd.as_raw_fd(), libc::TUNSETOFFLOAD, libc::TUN_F_CSUM as libc::c_ulong) } < 0 {
        return Err(os_err(format!("--tap {name}: TUNSETOFFLOAD")));
    }
    Ok(fd)
}

/// A raw packet socket bound to interface `name`: every frame it receives (promiscuous),
/// none it sends.
fn open_wire(name: &str) -> Result<OwnedFd> {
    let cname = ifname("--wire", name)?;
    // SAFETY: if_nametoindex reads a C string
    let index = unsafe { libc::if_nametoindex(cname.as_ptr()) };
    if index == 0 {
        bail!("--wire {name}: no such interface");
    }
    // protocol 0: receive nothing until bound to the interface
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(os_err("--wire: AF_PACKET socket"));
    }
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: sockaddr_ll is plain data; sizes passed match the structs
    unsafe {
        let mut sll: libc::sockaddr_ll = std::mem::zeroed();
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        sll.sll_ifindex = index as i32;
        if libc::bind(fd.as_raw_fd(), &sll as *const _ as *const libc::sockaddr, std::mem::size_of_val(&sll) as u32) < 0 {
            return Err(os_err(format!("--wire {name}: bind")));
        }
        let one: libc::c_int = 1;
        if libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_PACKET,
            libc::PACKET_IGNORE_OUTGOING,
            &one as *const _ as *const libc::c_void,
            4,
        ) < 0
        {
            return Err(os_err(format!("--wire {name}: PACKET_IGNORE_OUTGOING")));
        }
        // a short queue in front of a model far slower than the wire: frames waiting longer
        // than TCP's retransmission timer would stall the peer; a full buffer drops
        // (counted as wire_rx_dropped), and TCP recovers from drops fast
        let rcvbuf = WIRE_RCVBUF as libc::c_int;
        if libc::setsockopt(fd.as_raw_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF, &rcvbuf as *const _ as *const libc::c_void, 4) < 0 {
            return Err(os_err(format!("--wire {name}: SO_RCVBUF")));
        }
        let mut mreq: libc::packet_mreq = std::mem::zeroed();
        mreq.mr_ifindex = index as i32;
        mreq.mr_type = libc::PACKET_MR_PROMISC as u16;
        if libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_PACKET,
            libc::PACKET_ADD_MEMBERSHIP,
            &mreq as *const _ as *const libc::c_void,
            std::mem::size_of_val(&mreq) as u32,
        ) < 0
        {
            return Err(os_err(format!("--wire {name}: promiscuous mode")));
        }
    }
    Ok(fd)
}

/// One non-blocking read; `None` when nothing is waiting.
fn read_some(fd: &OwnedFd, buf: &mut [u8], what: &str) -> Result<Option<usize>> {
    // SAFETY: buf is valid for buf.len() bytes
    let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
    if n >= 0 {
        return Ok(Some(n as usize));
    }
    let e = std::io::Error::last_os_error();
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted => Ok(None),
        _ => bail!("{what}: read: {e}"),
    }
}

/// One write of a whole frame; on failure the drop reason: `what` + `_down` for EIO (a
/// TAP that is not up refuses frames so) or `what` for any other error.
fn write_frame(fd: &OwnedFd, data: &[u8], what: &str) -> std::result::Result<(), String> {
    // SAFETY: data is valid for data.len() bytes
    let n = unsafe { libc::write(fd.as_raw_fd(), data.as_ptr() as *const libc::c_void, data.len()) };
    if n == data.len() as isize {
        return Ok(());
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EIO) => Err(format!("{what}_down")),
        _ => Err(what.to_string()),
    }
}

/// Frames the kernel dropped on the wire socket since the last call (its receive buffer
/// was full: the NIC model was too slow for the wire).
fn wire_drops(fd: &OwnedFd) -> u64 {
    let mut st = libc::tpacket_stats { tp_packets: 0, tp_drops: 0 };
    let mut len = std::mem::size_of_val(&st) as libc::socklen_t;
    // SAFETY: PACKET_STATISTICS writes a struct tpacket_stats of `len` bytes
    let rc = unsafe {
        libc::getsockopt(fd.as_raw_fd(), libc::SOL_PACKET, libc::PACKET_STATISTICS, &mut st as *mut _ as *mut libc::c_void, &mut len)
    };
    if rc == 0 {
        st.tp_drops as u64
    } else {
        0
    }
}

/// CPU time of the calling thread.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Is the VXLAN RCO flag set in this outer frame?
fn outer_rco_flag(outer: &[u8]) -> bool {
    let Ok(l) = parse_layers(outer) else { return false };
    if l.protocol != IPPROTO_UDP {
        return false;
    }
    let at = l.l4_offset + UDP_HLEN;
    VxlanPacket::new_checked(outer.get(at..).unwrap_or(&[])).is_ok_and(|v| v.flags() & VXLAN_HF_RCO != 0)
}

/// Fault injection: flip bits of the inner TCP/UDP checksum field (a wrong value for
/// either protocol: XOR with a non-zero constant never gives the same ones'-complement
/// value). Returns whether a field was found.
fn corrupt_inner_csum(frame: &mut [u8]) -> bool {
    let Ok(l) = parse_layers(frame) else { return false };
    let Some(off) = l4_check_offset(l.protocol) else { return false };
    let at = l.l4_offset + off as usize;
    if at + 2 > frame.len() {
        return false;
    }
    frame[at] ^= 0x5A;
    frame[at + 1] ^= 0x5A;
    true
}

/// The model `opts.model` names, configured as the receiver this bridge is.
fn make_model(opts: &TapOpts) -> Result<Box<dyn NicModel>> {
    let cfg = NicConfig {
        rco_tx: opts.encap.rco,
        rx: RxConfig { nopartial: !opts.partial, max_frame: DEFAULT_MAX_FRAME, ..RxConfig::default() },
    };
    Ok(match opts.model {
        Model::Golden => Box::new(GoldenNic::new(cfg)),
        Model::Hw => Box::new(HwNic64::new(&cfg)?),
        // a model added to `Model` (e.g. a Verilated NicTop) joins here as a NicModel
        #[allow(unreachable_patterns)]
        other => bail!("tap --model {other}: this model has no live-loop driver yet"),
    })
}

/// Run the bridge until SIGINT/SIGTERM; prints a status line every `status_every` and
/// returns the final counters.
pub fn run_tap(opts: &TapOpts) -> Result<TapStats> {
    opts.encap.addr.ip(opts.encap.outer)?;
    let wire = open_wire(&opts.wire)?;
    let tap = open_tap(&opts.tap)?;
    install_signal_handlers()?;
    let mut nic = make_model(opts)?;
    let mut st = TapStats { model: opts.model.to_string(), ..Default::default() };
    let start = Instant::now();
    let mut next_status = start + opts.status_every;
    let mut buf = vec![0u8; 65536 + VNET_HDR_LEN];
    let mut events = Vec::new();
    let mut tx_index = 0usize;
    let mut out = std::io::stdout();
    while !STOP.load(Ordering::SeqCst) {
        // intake from both sides, bounded so the host and the wire see back-pressure
        while nic.tx_pending() < QUEUE_MAX {
            let Some(n) = read_some(&tap, &mut buf, "tap")? else { break };
            let Some(h) = VnetHdr::parse(&buf[..n]) else { continue };
            if h.gso_type != VIRTIO_NET_HDR_GSO_NONE {
                st.drop("host_gso");
                continue;
            }
            let frame = buf[VNET_HDR_LEN..n].to_vec();
            let partial = (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM != 0).then_some((h.csum_start, h.csum_offset));
            let desc = descriptor(&frame, partial, tx_index, &opts.encap);
            tx_index += 1;
            nic.push_tx(frame, desc);
        }
        while nic.rx_pending() < QUEUE_MAX {
            let Some(n) = read_some(&wire, &mut buf, "wire")? else { break };
            nic.push_rx(buf[..n].to_vec());
        }
        if nic.tx_pending() + nic.rx_pending() > 0 {
            let (t, cpu) = (Instant::now(), thread_cpu_seconds());
            st.cycles += nic.run(CHUNK_CYCLES, &mut events)?;
            st.sim_seconds += t.elapsed().as_secs_f64();
            st.sim_cpu_seconds += thread_cpu_seconds() - cpu;
        } else {
            let wait = next_status.saturating_duration_since(Instant::now()).min(Duration::from_millis(200));
            let mut fds = [
                libc::pollfd { fd: tap.as_raw_fd(), events: libc::POLLIN, revents: 0 },
                libc::pollfd { fd: wire.as_raw_fd(), events: libc::POLLIN, revents: 0 },
            ];
            // SAFETY: fds is a valid array of two pollfd; EINTR (a signal) just loops
            unsafe { libc::poll(fds.as_mut_ptr(), 2, wait.as_millis() as libc::c_int) };
        }
        for e in events.drain(..) {
            match e {
                NicEvent::TxFrame(f) => {
                    st.tx_rco += outer_rco_flag(&f) as u64;
                    match write_frame(&wire, &f, "wire_send") {
                        Ok(()) => {
                            st.tx_frames += 1;
                            st.tx_bytes += f.len() as u64;
                        }
                        Err(why) => st.drop(why),
                    }
                }
                NicEvent::TxDrop(err) => st.drop(format!("tx_{err}")),
                NicEvent::RxFrame(mut f, meta) => {
                    if meta.vni != opts.encap.vni {
                        st.drop("other_vni");
                        continue;
                    }
                    st.rx_rco += meta.rco as u64;
                    st.rx_rco_applied += meta.rco_applied as u64;
                    if opts.fault == Some(Fault::RxCsum) && meta.rco_applied && corrupt_inner_csum(&mut f) {
                        st.faults_injected += 1;
                    }
                    let mut pkt = VnetHdr::for_rx(&meta, opts.partial).bytes().to_vec();
                    pkt.extend_from_slice(&f);
                    match write_frame(&tap, &pkt, "tap_write") {
                        Ok(()) => {
                            st.rx_frames += 1;
                            st.rx_bytes += f.len() as u64;
                        }
                        Err(why) => st.drop(why),
                    }
                }
                NicEvent::RxDrop(r) => st.drop(r.to_string()),
            }
        }
        if Instant::now() >= next_status {
            st.wire_rx_dropped += wire_drops(&wire);
            st.seconds = start.elapsed().as_secs_f64();
            let _ = writeln!(out, "{st}");
            let _ = out.flush();
            next_status += opts.status_every;
        }
    }
    st.wire_rx_dropped += wire_drops(&wire);
    st.seconds = start.elapsed().as_secs_f64();
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vnet_header_round_trip() {
        let h = VnetHdr { flags: 1, gso_type: 0, hdr_len: 54, gso_size: 0, csum_start: 34, csum_offset: 16 };
        assert_eq!(VnetHdr::parse(&h.bytes()), Some(h));
        assert_eq!(VnetHdr::parse(&[0; 9]), None);
    }

    #[test]
    fn rx_header_claims_nothing_unless_partial() {
        let m = RxMeta { rco: true, rco_applied: false, csum_start: 34, csum_offset: 6, ..Default::default() };
        assert_eq!(VnetHdr::for_rx(&m, false), VnetHdr::default());
        let h = VnetHdr::for_rx(&m, true);
        assert_eq!((h.flags, h.csum_start, h.csum_offset), (VIRTIO_NET_HDR_F_NEEDS_CSUM, 34, 6));
        let patched = RxMeta { rco_applied: true, ..m };
        assert_eq!(VnetHdr::for_rx(&patched, true), VnetHdr::default());
    }

    #[test]
    fn bad_interface_names_are_refused() {
        assert!(ifname("--tap", "").is_err());
        assert!(ifname("--tap", "a-name-that-is-too-long").is_err());
        assert!(ifname("--wire", "a/b").is_err());
        assert!(ifname("--wire", "veth0").is_ok());
    }
}
