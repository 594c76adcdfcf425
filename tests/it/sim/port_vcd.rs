//! Tests of `rco_sim::port_vcd`: its VCD identifiers.

use rco_sim::port_vcd::*;

#[test]
fn codes_are_distinct_and_printable() {
    let c: std::collections::BTreeSet<String> = (0..20_000).map(code).collect();
    assert_eq!(c.len(), 20_000);
    assert!(c.iter().all(|s| s.bytes().all(|b| (b'!'..=b'~').contains(&b))));
}
