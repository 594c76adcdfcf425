// The TX descriptor port map of the testbenches that drive one (tx_tb.v, nic_tb.v), kept in
// one place: `DESC_PORTS(p) connects the descriptor port `p` (`desc`, `tx_desc`) to the
// testbench's dvalid, desc_ready and the fields of its descriptor word dw, packed as
// rco_sim::tx_cosim::desc_word packs them.
`ifndef DESC_PORTS_VH
`define DESC_PORTS_VH
`define DESC_PORTS(p) \
        .p``$valid(dvalid), .p``$ready(desc_ready), \
        .p``$partial(dw[508]), .p``$rco(dw[507]), .p``$udp_csum(dw[506]), \
        .p``$vlan(dw[505]), .p``$ipv6(dw[504]), \
        .p``$csum_start(dw[503:488]), .p``$csum_offset(dw[487:472]), .p``$vni(dw[471:448]), \
        .p``$dst_mac(dw[447:400]), .p``$src_mac(dw[399:352]), .p``$vlan_tci(dw[351:336]), \
        .p``$src_ip(dw[335:208]), .p``$dst_ip(dw[207:80]), \
        .p``$udp_sport(dw[79:64]), .p``$udp_dport(dw[63:48]), .p``$ttl(dw[47:40]), \
        .p``$ip_id(dw[39:24]), .p``$flow_label(dw[19:0])
`endif
