//! Tests of the IP core through `rco_sim::ip_core_tb`: configured and counted over AXI-Lite.

use rco_golden::rng::SplitMix64;
use rco_golden::types::{DropReason, RxConfig, TxDescriptor};
use rco_golden::vectors::{gen_sized_frame, sized_descriptor};
use rco_hdl::axil_regs::{Kind, REGS, RESP_OKAY, RESP_SLVERR};
use rco_hdl::nic_top::MAX_FRAME_STD;
use rco_sim::ip_core_tb::*;
use rco_sim::loopback_tb::{against_host, RxOut};

/// Golden host frames of the given lengths (TCP and UDP in turn, CHECKSUM_PARTIAL) with
/// RCO descriptors, outer IPv4 and IPv6, tagged and not.
fn cases(seed: u64, lens: &[usize]) -> Vec<(Vec<u8>, TxDescriptor)> {
    let mut rng = SplitMix64::new(seed);
    lens.iter()
        .enumerate()
        .map(|(i, &len)| {
            let (f, partial) = gen_sized_frame(&mut rng, len, i % 2 == 0).expect("a sized frame");
            let d = sized_descriptor(&mut rng, partial, i % 3 == 1, i % 4 == 2);
            (f, d)
        })
        .collect()
}

/// The `id` register's value in the register map.
fn id_value() -> u32 {
    match reg("id").kind {
        Kind::Const(v) => v,
        k => panic!("id is {k:?}"),
    }
}

/// RX as Linux's defaults with `udp6zerocsumrx`, for the core's frame size.
fn rx_config() -> RxConfig {
    RxConfig { udp_zero_csum6_rx: true, max_frame: MAX_FRAME_STD, ..RxConfig::default() }
}

/// The frames that crossed the wire and the RX results since the last check are golden's.
fn check_traffic(b: &mut IpBench, wires: &[Vec<u8>], rx: &[RxOut]) {
    assert_eq!(b.wire.len(), wires.len(), "frames on the wire");
    for (i, (got, want)) in b.wire.iter().zip(wires).enumerate() {
        assert!(got == want, "wire frame {i} ({} bytes) is not golden's ({} bytes)", got.len(), want.len());
    }
    assert_eq!(b.rx.len(), rx.len(), "RX results");
    for (i, (got, want)) in b.rx.iter().zip(rx).enumerate() {
        assert!(got == want, "RX result {i} is not golden's: {:?}", got.as_ref().map(|(f, m)| (f.len(), m)));
    }
    b.wire.clear();
    b.rx.clear();
}

/// Configuration only over AXI-Lite; refused accesses answer SLVERR and change nothing;
/// wire frames, delivered frames with their metadata and drops are golden's; every counter
/// register reads golden's count; with `rco_rx` off the RCO frames are counted drops; RX
/// conserves frames (in = out + drops).
#[test]
fn loopback_configured_and_counted_over_axil() {
    let mut b = IpBench::new(0x5EED_0001);
    let (resp, id) = b.read(offset("id"));
    assert_eq!((resp, id), (RESP_OKAY, id_value()));
    assert_eq!(&id.to_be_bytes()[..3], b"RCO");
    let cfg = rx_config();
    b.configure(&cfg, true);
    // a read-only register and an unmapped word refuse, and change nothing
    assert_eq!(b.write(offset("id"), 0), RESP_SLVERR);
    assert_eq!(b.write(offset("tx_drop_truncated"), 5), RESP_SLVERR);
    assert_eq!(b.write(unmapped(), 1), RESP_SLVERR);
    assert_eq!(b.read(unmapped()), (RESP_SLVERR, 0));
    assert_eq!(b.read(offset("id")), (RESP_OKAY, id_value()));
    assert_eq!(b.counter("tx_drop_truncated"), 0);

    // frame lengths from the Ethernet minimum to the core's largest, and a runt TX drops
    let mut sent = cases(1, &[60, 61, 333, 1000, MAX_FRAME_STD, 64, 127, 200]);
    sent.insert(4, (vec![0x5A; 10], sent[0].1.clone()));
    let mut want = Expected::default();
    let (wires, rx) = expect(&sent, &cfg, &mut want);
    assert_eq!(rx.iter().filter(|r| r.is_ok()).count(), sent.len() - 1, "golden delivers all but the runt");
    b.send(&sent);
    b.drain(rx.len());
    // the end-to-end property (RFC 1071, no golden code): delivered = host frame, checksum done
    for ((host, d), r) in sent.iter().filter(|(f, _)| f.len() > 14).zip(&b.rx) {
        let Ok((got, _)) = r else { panic!("{r:?}") };
        assert_eq!(against_host(host, d, got), None);
    }
    check_traffic(&mut b, &wires, &rx);
    assert_eq!(counter_diffs(&mut b, &want), Vec::<String>::new());

    // the receiver opts out of RCO: the same frames become counted drops
    let off = RxConfig { remcsum_rx: false, ..cfg };
    b.configure(&off, true);
    let again = &sent[..3];
    let (wires, rx) = expect(again, &off, &mut want);
    assert!(rx.iter().all(|r| *r == Err(DropReason::RcoNotEnabled)), "golden: {rx:?}");
    b.send(again);
    b.drain(rx.len());
    assert!(b.rx.iter().all(|r| r.is_err()), "a frame came out with rco_rx off");
    check_traffic(&mut b, &wires, &rx);
    assert_eq!(counter_diffs(&mut b, &want), Vec::<String>::new());
    assert_eq!(b.counter(rx_drop_reg(DropReason::RcoNotEnabled)), 3);
    let rx_in = b.counter("rx_frames_in");
    let rx_out = b.counter("rx_frames_out");
    let drops: u64 = DropReason::ALL.iter().map(|r| b.counter(rx_drop_reg(*r))).sum();
    assert_eq!(rx_in, rx_out + drops, "RX frames in != out + drops");
    assert_eq!(rx_in, (sent.len() - 1 + again.len()) as u64);
}

/// `rst` brings every configuration register back to its reset value and every counter to 0.
#[test]
fn rst_clears_registers_and_counters() {
    let mut b = IpBench::new(0x5EED_0002);
    let cfg = rx_config();
    b.configure(&cfg, true);
    let mut sent: Vec<_> = cases(2, &[142]).into_iter().map(|(f, d)| (f, TxDescriptor { rco: false, ..d })).collect();
    sent.push((vec![1; 10], sent[0].1.clone()));
    let mut want = Expected::default();
    let (wires, rx) = expect(&sent, &cfg, &mut want);
    b.send(&sent);
    b.drain(rx.len());
    check_traffic(&mut b, &wires, &rx);
    assert_eq!(counter_diffs(&mut b, &want), Vec::<String>::new());
    // so that rst has something to clear
    let counted = |name: &str| want.counters.iter().any(|(k, v)| *k == name && *v > 0);
    assert!(REGS.iter().filter(|r| r.kind == Kind::Counter64).all(|r| counted(r.name)) && counted("tx_drop_truncated"), "{want:?}");
    // every configuration register away from its reset value
    let config: Vec<(&str, u32, u32)> = REGS
        .iter()
        .filter_map(|r| match r.kind {
            Kind::Config { width, reset } => Some((r.name, width, reset)),
            _ => None,
        })
        .collect();
    for &(name, width, reset) in &config {
        b.set(name, reset ^ ((1u64 << width) - 1) as u32);
    }
    b.u.core.rst.next = true;
    b.idle(2);
    b.u.core.rst.next = false;
    b.idle(2);
    for &(name, _, reset) in &config {
        assert_eq!(b.read(offset(name)), (RESP_OKAY, reset), "{name} after rst");
    }
    for r in REGS.iter().filter(|r| matches!(r.kind, Kind::Counter | Kind::Counter64)) {
        assert_eq!(b.counter(r.name), 0, "{} after rst", r.name);
    }
}
