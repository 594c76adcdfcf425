// NIC top (rco_nic_w64 = hdl/src/nic_top.rs, NicTop64: TX and RX side by side, the
// configuration registered once): every input free each clock, the configuration included.
// Checks the source rules of both output streams (axis_check) and that in MAC mode
// (cfg_rx_backpressure low on the clock before) rx_s_axis.tready is high.
// The RX egress is cut out (its outputs free; formal/nic.sby), constrained by what
// rx_egress_prove proved of it, assumed on its own tvalid/tready (probes): the RX top's rules
// then follow as in rx_top_prove. TX is whole; its tkeep is not checked here (the TX egress's
// jobs check it, under the plan contract).
`ifndef DUT
`define DUT rco_nic_w64
`endif

module nic_props (
    input wire clock,
    // the synchronous reset: free, so every property holds across resets too
    input wire rst,
    input wire [63:0] tx_s_tdata,
    input wire [7:0] tx_s_tkeep,
    input wire tx_s_tvalid,
    input wire tx_s_tlast,
    input wire tx_s_tuser,
    input wire tx_m_tready,
    input wire d_valid,
    input wire d_partial,
    input wire [15:0] d_csum_start,
    input wire [15:0] d_csum_offset,
    input wire [23:0] d_vni,
    input wire [47:0] d_dst_mac,
    input wire [47:0] d_src_mac,
    input wire d_vlan,
    input wire [15:0] d_vlan_tci,
    input wire d_ipv6,
    input wire [127:0] d_src_ip,
    input wire [127:0] d_dst_ip,
    input wire [15:0] d_udp_sport,
    input wire [15:0] d_udp_dport,
    input wire [7:0] d_ttl,
    input wire [15:0] d_ip_id,
    input wire [19:0] d_flow_label,
    input wire d_rco,
    input wire d_udp_csum,
    input wire [63:0] rx_s_tdata,
    input wire [7:0] rx_s_tkeep,
    input wire rx_s_tvalid,
    input wire rx_s_tlast,
    input wire rx_s_tuser,
    input wire rx_m_tready,
    input wire cfg_rco_tx,
    input wire cfg_rco_rx,
    input wire cfg_nopartial,
    input wire [15:0] cfg_vxlan_port,
    input wire cfg_udp6_zero_csum_rx,
    input wire cfg_rx_backpressure
);
    wire tx_s_tready, d_ready, tx_m_tvalid, tx_m_tlast, tx_m_tuser;
    wire [63:0] tx_m_tdata;
    wire [7:0] tx_m_tkeep;
    wire rx_s_tready, rx_m_tvalid, rx_m_tlast, rx_m_tuser;
    wire [63:0] rx_m_tdata;
    wire [7:0] rx_m_tkeep;
    wire [23:0] rx_vni;
    wire rx_rco, rx_rco_applied, rx_outer_csum_ok, rx_drop_valid;
    wire [15:0] rx_csum_start, rx_csum_offset, rx_csum_complete;
    wire [3:0] rx_drop_reason;

    wire i_rst = rst;

    `DUT dut (
        .clock(clock),
        .rst(i_rst),
        .tx_s_axis$tdata(tx_s_tdata), .tx_s_axis$tkeep(tx_s_tkeep), .tx_s_axis$tvalid(tx_s_tvalid),
        .tx_s_axis$tready(tx_s_tready), .tx_s_axis$tlast(tx_s_tlast), .tx_s_axis$tuser(tx_s_tuser),
        .tx_desc$valid(d_valid), .tx_desc$ready(d_ready), .tx_desc$partial(d_partial),
        .tx_desc$csum_start(d_csum_start), .tx_desc$csum_offset(d_csum_offset),
        .tx_desc$vni(d_vni), .tx_desc$dst_mac(d_dst_mac), .tx_desc$src_mac(d_src_mac),
        .tx_desc$vlan(d_vlan), .tx_desc$vlan_tci(d_vlan_tci), .tx_desc$ipv6(d_ipv6),
        .tx_desc$src_ip(d_src_ip), .tx_desc$dst_ip(d_dst_ip), .tx_desc$udp_sport(d_udp_sport),
        .tx_desc$udp_dport(d_udp_dport), .tx_desc$ttl(d_ttl), .tx_desc$ip_id(d_ip_id),
        .tx_desc$flow_label(d_flow_label), .tx_desc$rco(d_rco), .tx_desc$udp_csum(d_udp_csum),
        .tx_m_axis$tdata(tx_m_tdata), .tx_m_axis$tkeep(tx_m_tkeep), .tx_m_axis$tvalid(tx_m_tvalid),
        .tx_m_axis$tready(tx_m_tready), .tx_m_axis$tlast(tx_m_tlast), .tx_m_axis$tuser(tx_m_tuser),
        .rx_s_axis$tdata(rx_s_tdata), .rx_s_axis$tkeep(rx_s_tkeep), .rx_s_axis$tvalid(rx_s_tvalid),
        .rx_s_axis$tready(rx_s_tready), .rx_s_axis$tlast(rx_s_tlast), .rx_s_axis$tuser(rx_s_tuser),
        .rx_m_axis$tdata(rx_m_tdata), .rx_m_axis$tkeep(rx_m_tkeep), .rx_m_axis$tvalid(rx_m_tvalid),
        .rx_m_axis$tready(rx_m_tready), .rx_m_axis$tlast(rx_m_tlast), .rx_m_axis$tuser(rx_m_tuser),
        .rx_vni(rx_vni), .rx_rco(rx_rco), .rx_rco_applied(rx_rco_applied),
        .rx_csum_start(rx_csum_start), .rx_csum_offset(rx_csum_offset),
        .rx_csum_complete(rx_csum_complete), .rx_outer_csum_ok(rx_outer_csum_ok),
        .rx_drop_valid(rx_drop_valid), .rx_drop_reason(rx_drop_reason),
        .cfg_rco_tx(cfg_rco_tx), .cfg_rco_rx(cfg_rco_rx), .cfg_nopartial(cfg_nopartial),
        .cfg_vxlan_port(cfg_vxlan_port), .cfg_udp6_zero_csum_rx(cfg_udp6_zero_csum_rx),
        .cfg_rx_backpressure(cfg_rx_backpressure)
    );

    axis_check #(.K(8), .S(1), .PACKED(0)) tx_out (
        .clock(clock), .rst(i_rst), .tdata(tx_m_tdata), .tkeep(tx_m_tkeep), .tvalid(tx_m_tvalid),
        .tready(tx_m_tready), .tlast(tx_m_tlast), .tuser(tx_m_tuser), .side(1'b0)
    );

    wire [24+3+48-1:0] rx_meta = {rx_vni, rx_rco, rx_rco_applied, rx_outer_csum_ok, rx_csum_start,
                                  rx_csum_offset, rx_csum_complete};
    axis_check #(.K(8), .S(24 + 3 + 48)) rx_out (
        .clock(clock), .rst(i_rst), .tdata(rx_m_tdata), .tkeep(rx_m_tkeep), .tvalid(rx_m_tvalid),
        .tready(rx_m_tready), .tlast(rx_m_tlast), .tuser(rx_m_tuser), .side(rx_meta)
    );

    // the RX egress's proved guarantee
    wire pr_e_tvalid, pr_e_tready;
    axis_check #(.K(8), .S(24 + 3 + 48), .ASSUME(1)) rx_egress_out (
        .clock(clock), .rst(i_rst), .tdata(rx_m_tdata), .tkeep(rx_m_tkeep), .tvalid(pr_e_tvalid),
        .tready(pr_e_tready), .tlast(rx_m_tlast), .tuser(rx_m_tuser), .side(rx_meta)
    );

    // MAC mode as the NIC's own configuration register sees it (a clock late)
    reg mac_mode = 1;
    always @(posedge clock) mac_mode <= !cfg_rx_backpressure;
    always @* if (mac_mode) assert (rx_s_tready);
endmodule
