`timescale 1ns/1ps
// Golden-case testbench for the NIC top in loopback (rco_sim::nic_cosim): its tx_m_axis
// drives its own rx_s_axis, as rco_sim::loopback_tb does. The design module is the define
// DUT. Stimulus as in tx_tb.v: desc.hex one 512-bit descriptor a line (tx_cosim::desc_word),
// beats.hex every host beat {7'b0 last, tkeep, tdata}. The RX configuration is the parameters
// PORT, RCO_RX, NOPARTIAL, UDP6Z; BP/256 is the probability of rx_m_axis.tready low (from
// SEED), BOUND the cycle bound. Output as the two block testbenches write it, so their readers
// serve: out.txt as tx_tb.v's (wire beats, last host beats, TX drop-counter steps),
// events.txt as rx_tb.v's (delivered beats with metadata, drops, RX counters), and
// counters.txt the TX counters at the end.
`include "desc_ports.vh"
`ifndef DUT
`define DUT rco_nic_w64
`endif
// Lint: the clocked blocks are test procedures that read what they assign (BLKSEQ), and
// the file is not named after its module (DECLFILENAME).
/* verilator lint_off BLKSEQ */
/* verilator lint_off DECLFILENAME */
module tb #(
    parameter integer W = 64,
    parameter integer NCASE = 1,
    parameter integer NBEAT = 1,
    parameter integer BP = 64,
    parameter integer SEED = 1,
    parameter integer BOUND = 1000,
    parameter integer PORT = 4789,
    parameter integer RCO_RX = 1,
    parameter integer NOPARTIAL = 1,
    parameter integer UDP6Z = 1
);
/* verilator lint_on DECLFILENAME */
    localparam integer K = W / 8;
    // the configuration registers take two clocks: nothing is offered before
    localparam integer WARM = 2;
    // clocks run on after the last outcome: the counters step after their drop pulses, and
    // anything more coming out would be logged
    localparam integer TAIL = 16;
    reg clk = 1'b0;
    reg [511:0] descm [0:NCASE-1];
    reg [8+K+W-1:0] beatm [0:NBEAT-1];
    /* verilator lint_off UNUSEDSIGNAL */
    reg [511:0] dw = 0; // its padding bits are not fields
    wire m_tuser; // not part of the comparison
    integer seed = SEED; // $random's state, which lint does not count as a read
    /* verilator lint_on UNUSEDSIGNAL */
    reg [8+K+W-1:0] bw = 0;
    reg dvalid = 1'b0, svalid = 1'b0, mready = 1'b0;
    wire desc_ready, s_tready;
    // the loop: TX out is RX in
    wire [W-1:0] l_tdata;
    wire [K-1:0] l_tkeep;
    wire l_tvalid, l_tready, l_tlast, l_tuser;
    wire m_tvalid, m_tlast, m_rco, m_applied, m_ok, drop_valid;
    wire [W-1:0] m_tdata;
    wire [K-1:0] m_tkeep;
    wire [23:0] m_vni;
    wire [15:0] m_start, m_offset, m_complete;
    wire [3:0] drop_reason;
    wire [31:0] cnt0, cnt1, cnt2, cnt3, cnt4, cnt5, cnt6, cnt7, cnt8, cnt9, cnt10, cnt11, cnt12, cnt13;
    wire [31:0] d_trunc, d_long, d_desc, d_bk, f_out;
    reg [31:0] p_trunc = 0, p_long = 0, p_desc = 0, p_bk = 0;
    integer c = 0, di = 0, bi = 0, rx_out = 0, tail = 0, fo, fe, fc;

    `DUT dut(
        .clock(clk),
        .rst(1'b0), // the synchronous reset, not asserted here
        .tx_s_axis$tdata(bw[W-1:0]), .tx_s_axis$tkeep(bw[K+W-1:W]), .tx_s_axis$tvalid(svalid),
        .tx_s_axis$tready(s_tready), .tx_s_axis$tlast(bw[K+W]), .tx_s_axis$tuser(1'b0),
        `DESC_PORTS(tx_desc),
        .tx_m_axis$tdata(l_tdata), .tx_m_axis$tkeep(l_tkeep), .tx_m_axis$tvalid(l_tvalid),
        .tx_m_axis$tready(l_tready), .tx_m_axis$tlast(l_tlast), .tx_m_axis$tuser(l_tuser),
        .rx_s_axis$tdata(l_tdata), .rx_s_axis$tkeep(l_tkeep), .rx_s_axis$tvalid(l_tvalid),
        .rx_s_axis$tready(l_tready), .rx_s_axis$tlast(l_tlast), .rx_s_axis$tuser(l_tuser),
        .rx_m_axis$tdata(m_tdata), .rx_m_axis$tkeep(m_tkeep), .rx_m_axis$tvalid(m_tvalid),
        .rx_m_axis$tready(mready), .rx_m_axis$tlast(m_tlast), .rx_m_axis$tuser(m_tuser),
        .rx_vni(m_vni), .rx_rco(m_rco), .rx_rco_applied(m_applied), .rx_csum_start(m_start),
        .rx_csum_offset(m_offset), .rx_csum_complete(m_complete), .rx_outer_csum_ok(m_ok),
        .rx_drop_valid(drop_valid), .rx_drop_reason(drop_reason),
        // TX honours each descriptor's rco; RX holds TX back when its output is slow
        .cfg_rco_tx(1'b1), .cfg_rco_rx(RCO_RX != 0), .cfg_nopartial(NOPARTIAL != 0),
        .cfg_vxlan_port(PORT[15:0]), .cfg_udp6_zero_csum_rx(UDP6Z != 0), .cfg_rx_backpressure(1'b1),
        .rx_drop_count$0(cnt0), .rx_drop_count$1(cnt1), .rx_drop_count$2(cnt2), .rx_drop_count$3(cnt3),
        .rx_drop_count$4(cnt4), .rx_drop_count$5(cnt5), .rx_drop_count$6(cnt6), .rx_drop_count$7(cnt7),
        .rx_drop_count$8(cnt8), .rx_drop_count$9(cnt9), .rx_drop_count$10(cnt10), .rx_drop_count$11(cnt11),
        .rx_drop_count$12(cnt12), .rx_drop_count$13(cnt13),
        .tx_drop_truncated(d_trunc), .tx_drop_too_long(d_long), .tx_drop_bad_desc(d_desc),
        .tx_drop_bad_keep(d_bk), .tx_frames_out(f_out));

    initial begin
        $readmemh("desc.hex", descm);
        $readmemh("beats.hex", beatm);
        fo = $fopen("out.txt", "w");
        fe = $fopen("events.txt", "w");
    end

    always #5 clk = ~clk;

    task finish;
        begin
            $fdisplay(fe, "C 0 %0d", cnt0);
            $fdisplay(fe, "C 1 %0d", cnt1);
            $fdisplay(fe, "C 2 %0d", cnt2);
            $fdisplay(fe, "C 3 %0d", cnt3);
            $fdisplay(fe, "C 4 %0d", cnt4);
            $fdisplay(fe, "C 5 %0d", cnt5);
            $fdisplay(fe, "C 6 %0d", cnt6);
            $fdisplay(fe, "C 7 %0d", cnt7);
            $fdisplay(fe, "C 8 %0d", cnt8);
            $fdisplay(fe, "C 9 %0d", cnt9);
            $fdisplay(fe, "C 10 %0d", cnt10);
            $fdisplay(fe, "C 11 %0d", cnt11);
            $fdisplay(fe, "C 12 %0d", cnt12);
            $fdisplay(fe, "C 13 %0d", cnt13);
            fc = $fopen("counters.txt", "w");
            $fdisplay(fc, "%0d %0d %0d %0d %0d", d_trunc, d_long, d_desc, d_bk, f_out);
            $fclose(fc);
            $fclose(fo);
            $fclose(fe);
            $display("COSIM cycles=%0d pulses=%0d expected=%0d errors=%0d", c, rx_out + d_trunc + d_long + d_desc + d_bk, NCASE,
                     c >= BOUND);
            $finish;
        end
    endtask

    // Inputs change on the falling edge; after #1 the design's outputs for this cycle have
    // settled, so the handshakes that the next rising edge completes are known here.
    always @(negedge clk) begin
        if (d_trunc != p_trunc) $fwrite(fo, "D truncated %0d\n", c);
        if (d_long != p_long) $fwrite(fo, "D too_long %0d\n", c);
        if (d_desc != p_desc) $fwrite(fo, "D bad_descriptor %0d\n", c);
        if (d_bk != p_bk) $fwrite(fo, "D bad_keep %0d\n", c);
        p_trunc = d_trunc; p_long = d_long; p_desc = d_desc; p_bk = d_bk;
        if (bi >= NBEAT && di >= NCASE && rx_out + d_trunc + d_long + d_desc + d_bk >= NCASE) tail = tail + 1;
        if (tail > TAIL || c >= BOUND) finish;
        dvalid = c >= WARM && di < NCASE;
        if (di < NCASE) dw = descm[di];
        svalid = c >= WARM && bi < NBEAT;
        if (bi < NBEAT) bw = beatm[bi];
        mready = ($unsigned($random(seed)) % 256) >= BP;
        #1;
        if (dvalid && desc_ready) di = di + 1;
        if (svalid && s_tready && bw[K+W]) $fwrite(fo, "L %0d\n", c);
        if (svalid && s_tready) bi = bi + 1;
        if (l_tvalid && l_tready) $fwrite(fo, "B %0d %h %h\n", l_tlast, l_tkeep, l_tdata);
        if (m_tvalid && mready) begin
            $fdisplay(fe, "B %h %h %h %h %h %h %h %h %h %h", m_tkeep, m_tlast, m_tdata, m_vni, m_rco, m_applied,
                      m_start, m_offset, m_complete, m_ok);
            if (m_tlast) rx_out = rx_out + 1;
        end
        if (drop_valid) begin
            $fdisplay(fe, "D %0d", drop_reason);
            rx_out = rx_out + 1;
        end
        c = c + 1;
    end
endmodule
