//! Tests of `rco_sim::verilator`: the port list of an emitted module and its C++ binding.

use rco_sim::verilator::*;

#[test]
fn ports_of_an_emitted_module() {
    let v = "module m(clock,a$b,c,d);\n    input wire  clock;\n    input wire  [63:0] a$b;\n    output reg  [3:0] c;\n    output wire  d;\nendmodule\nmodule m$x(q);\n    output reg [9:0] q;\nendmodule\n";
    let p = top_ports(v, "m").unwrap();
    let want = [("clock", false, 1), ("a$b", false, 64), ("c", true, 4), ("d", true, 1)];
    assert_eq!(p.len(), want.len());
    for (p, (n, o, w)) in p.iter().zip(want) {
        assert_eq!((p.name.as_str(), p.output, p.width), (n, o, w));
    }
    let h = ports_header(&p);
    assert!(h.contains("{\"a$b\", false, 64, 8, (void*)&t->a__024b}"), "{h}");
    assert!(top_ports(v, "n").is_err());
}

#[test]
fn wide_ports_use_the_word_array() {
    let p = [PortDecl { name: "desc$src_ip".into(), output: false, width: 128 }];
    assert!(ports_header(&p).contains("(void*)t->desc__024src_ip.data()"));
}
