//! Bench of `rco_hdl::tx::header::TxHeader` alone: for random host frames and descriptors
//! (IPv4 and IPv6 outer, tagged or not, RCO or not), the header it builds from the
//! descriptor and the plan's lengths and checksums is, byte for byte, the first bytes of the
//! outer frame golden `tx_encap` builds, with zeros after it. The plan's values are read out
//! of golden's frame at the RFC 791 / 8200 / 768 / 7348 offsets written here, so the bench
//! checks the header table's placement of them as well as every descriptor field.

use rco_golden::rng::SplitMix64;
use rco_golden::tx::tx_encap;
use rco_golden::types::TxDescriptor;
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use rco_golden::wire::IpAddrs;
use rco_hdl::stream::lanes_of;
use rco_hdl::tx::desc::TxDescSink;
use rco_hdl::tx::header::TxHeader;
use rco_sim::tb::desc::set_desc;
use rust_hdl::prelude::*;

/// The header register of the 64- and 128-bit TX.
const HB: usize = 640;

/// Drive `u`'s inputs for descriptor `d` and golden's outer frame `out`.
fn set_inputs(u: &mut TxHeader<HB>, d: &TxDescriptor, out: &[u8]) {
    let mut s = TxDescSink::default();
    set_desc(&mut s, d);
    u.dst_mac.next = s.dst_mac.next;
    u.src_mac.next = s.src_mac.next;
    u.vlan.next = s.vlan.next;
    u.vlan_tci.next = s.vlan_tci.next;
    u.ipv6.next = s.ipv6.next;
    u.src_ip.next = s.src_ip.next;
    u.dst_ip.next = s.dst_ip.next;
    u.udp_sport.next = s.udp_sport.next;
    u.udp_dport.next = s.udp_dport.next;
    u.ttl.next = s.ttl.next;
    u.ip_id.next = s.ip_id.next;
    u.flow_label.next = s.flow_label.next;
    u.vni.next = s.vni.next;
    // the plan's fields, lane order: RFC offsets, not the header table
    let v6 = matches!(d.outer_ip, IpAddrs::Ipv6 { .. });
    let l3 = if d.outer_vlan.is_some() { 18 } else { 14 };
    let udp = l3 + if v6 { 40 } else { 20 };
    let le = |o: usize| (u16::from_le_bytes([out[o], out[o + 1]]) as u64).into();
    u.ip_len.next = if v6 { 0.into() } else { le(l3 + 2) };
    u.ip_csum.next = if v6 { 0.into() } else { le(l3 + 10) };
    u.udp_len.next = le(udp + 4);
    u.udp_csum.next = le(udp + 6);
    u.vxlan_flags.next = le(udp + 8);
    u.vni_low.next = le(udp + 14);
}

fn run(seed: u64, n: usize) -> [usize; 4] {
    let mut rng = SplitMix64::new(seed);
    let mut u = TxHeader::<HB>::default();
    u.connect_all();
    let mut kinds = [0; 4];
    let mut done = 0;
    while done < n {
        let (f, p) = gen_host_frame(&mut rng, 200);
        let d = gen_descriptor(&mut rng, p);
        let Ok(out) = tx_encap(&f, &d, 9216) else { continue };
        let hlen = out.len() - f.len();
        set_inputs(&mut u, &d, &out);
        assert!(simulate(&mut u, 100));
        let got = lanes_of::<HB>(&u.hdr.val());
        assert_eq!(&got[..hlen], &out[..hlen], "header of case {done}: {d:?}");
        assert!(got[hlen..].iter().all(|&b| b == 0), "bytes after the header, case {done}");
        kinds[2 * matches!(d.outer_ip, IpAddrs::Ipv6 { .. }) as usize + d.outer_vlan.is_some() as usize] += 1;
        done += 1;
    }
    kinds
}

#[test]
fn headers_match_golden_frames() {
    let kinds = run(7, 400);
    assert!(kinds.iter().all(|&k| k > 0), "every outer kind (v4, v4 tagged, v6, v6 tagged): {kinds:?}");
}
