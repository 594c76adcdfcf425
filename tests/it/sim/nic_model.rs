//! Tests of `rco_sim::nic_model`: the hardware and golden NIC models in a live loop.

use rco_golden::types::{RxConfig, TxDescriptor};
use rco_sim::loopback_tb::{golden_outcome, loopback_config, traffic, Outcome};
use rco_sim::nic_model::*;

/// Frames pushed one at a time, TX output fed back into RX as a live loop would: every
/// frame comes back as golden's TX -> RX says, in order, on both models.
fn live_loop(nic: &mut dyn NicModel, cases: &[(Vec<u8>, TxDescriptor)], cfg: &RxConfig) {
    let mut got = Vec::new();
    let mut events = Vec::new();
    for (f, d) in cases {
        nic.push_tx(f.clone(), d.clone());
        let mut guard = 0;
        while nic.tx_pending() + nic.rx_pending() > 0 {
            nic.run(50, &mut events).unwrap();
            for e in events.drain(..) {
                match e {
                    NicEvent::TxFrame(w) => nic.push_rx(w),
                    NicEvent::TxDrop(e) => got.push(Outcome::Tx(e)),
                    NicEvent::RxFrame(f, m) => got.push(Outcome::Rx(Ok((f, m)))),
                    NicEvent::RxDrop(r) => got.push(Outcome::Rx(Err(r))),
                }
            }
            guard += 1;
            assert!(guard < 2000, "no result");
        }
    }
    let want: Vec<_> = cases.iter().map(|(f, d)| golden_outcome(f, d, cfg)).collect();
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "case {i}");
    }
}

#[test]
fn hw_and_golden_live_loop_match_golden() {
    let cases = traffic(21, 12);
    let cfg = NicConfig { rco_tx: true, rx: loopback_config() };
    // golden_outcome uses one max_frame for both paths: the host frames here are far
    // below either limit
    live_loop(&mut HwNic64::new(&cfg).unwrap(), &cases, &cfg.rx);
    live_loop(&mut GoldenNic::new(cfg.clone()), &cases, &cfg.rx);
}
