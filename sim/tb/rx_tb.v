`timescale 1ns/1ps
// Frames into the RX design (rco_sim::rx_cosim), every output event logged to events.txt.
// The design module is the define DUT; stim.hex has one line per input beat
// {ctrl[3:0] = drain first last, port[15:0], flags[3:0], max_frame[15:0], tkeep, tdata}.
// BP is the percentage of cycles with m_axis.tready low, MAXC the cycle bound.
`ifndef DUT
`define DUT rco_rx_w64
`endif
// Lint: the clocked blocks are test procedures that read what they assign (BLKSEQ), and
// the file is not named after its module (DECLFILENAME).
/* verilator lint_off BLKSEQ */
/* verilator lint_off DECLFILENAME */
module tb #(
    parameter integer W = 64,
    parameter integer NB = 1,
    parameter integer NFRAMES = 1,
    parameter integer BP = 0,
    parameter integer MAXC = 1000,
    parameter integer DUMP = 0
);
/* verilator lint_on DECLFILENAME */
    localparam integer K = W / 8;
    reg clk = 1'b0;
    reg [4+16+4+16+K+W-1:0] stim [0:NB-1];
    /* verilator lint_off UNUSEDSIGNAL */
    reg [3:0] ctrl = 4'h0; // {1'b0, drain, first, last}: the testbench reads drain from nctrl
    reg [3:0] flags = 4'h0; // {remcsum_rx, nopartial, udp_zero_csum6_rx, 1'b0}
    wire m_tuser; // not part of the comparison
    integer seed = 1; // $random's state, which lint does not count as a read
    /* verilator lint_on UNUSEDSIGNAL */
    reg [15:0] port = 16'd4789, max_frame = 16'd9216;
    reg [W-1:0] tdata = {W{1'b0}};
    reg [K-1:0] tkeep = {K{1'b0}};
    reg tvalid = 1'b0, mready = 1'b0;
    wire tready, m_tvalid, m_tlast, m_rco, m_applied, m_ok, drop_valid;
    wire [W-1:0] m_tdata;
    wire [K-1:0] m_tkeep;
    wire [23:0] m_vni;
    wire [15:0] m_start, m_offset, m_complete;
    wire [3:0] drop_reason;
    wire [31:0] cnt0;
    wire [31:0] cnt1;
    wire [31:0] cnt2;
    wire [31:0] cnt3;
    wire [31:0] cnt4;
    wire [31:0] cnt5;
    wire [31:0] cnt6;
    wire [31:0] cnt7;
    wire [31:0] cnt8;
    wire [31:0] cnt9;
    wire [31:0] cnt10;
    wire [31:0] cnt11;
    wire [31:0] cnt12;
    wire [31:0] cnt13;
    integer c = 0, bi = 0, sent = 0, events = 0, fo;
    reg [3:0] nctrl;
    reg [3:0] nflags;
    reg [15:0] nport, nmax;
    reg [K-1:0] nkeep;
    reg [W-1:0] ndata;

    `DUT dut(
        .clock(clk),
        .rst(1'b0), // the synchronous reset, not asserted here
        .s_axis$tdata(tdata), .s_axis$tkeep(tkeep), .s_axis$tvalid(tvalid),
        .s_axis$tready(tready), .s_axis$tlast(ctrl[0]), .s_axis$tuser(1'b0),
        .m_axis$tdata(m_tdata), .m_axis$tkeep(m_tkeep), .m_axis$tvalid(m_tvalid),
        .m_axis$tready(mready), .m_axis$tlast(m_tlast), .m_axis$tuser(m_tuser),
        .port(port), .remcsum_rx(flags[3]), .nopartial(flags[2]), .udp_zero_csum6_rx(flags[1]),
        .max_frame(max_frame), .backpressure(1'b1),
        .m_vni(m_vni), .m_rco(m_rco), .m_rco_applied(m_applied), .m_csum_start(m_start),
        .m_csum_offset(m_offset), .m_csum_complete(m_complete), .m_outer_csum_ok(m_ok),
        .drop_valid(drop_valid), .drop_reason(drop_reason),
        .drop_count$0(cnt0), .drop_count$1(cnt1), .drop_count$2(cnt2), .drop_count$3(cnt3),
        .drop_count$4(cnt4), .drop_count$5(cnt5), .drop_count$6(cnt6), .drop_count$7(cnt7),
        .drop_count$8(cnt8), .drop_count$9(cnt9), .drop_count$10(cnt10), .drop_count$11(cnt11),
        .drop_count$12(cnt12), .drop_count$13(cnt13));

    initial begin
        $readmemh("stim.hex", stim);
        fo = $fopen("events.txt", "w");
        if (DUMP != 0) begin
            $dumpfile("tb.vcd");
            $dumpvars(0, tb);
        end
    end

    always #5 clk = ~clk;

    // Handshakes are sampled at the rising edge (before the design's registers change).
    always @(posedge clk) begin
        c = c + 1;
        if (tvalid && tready) begin
            bi = bi + 1;
            if (ctrl[0]) sent = sent + 1;
        end
        if (m_tvalid && mready) begin
            $fdisplay(fo, "B %h %h %h %h %h %h %h %h %h %h", m_tkeep, m_tlast, m_tdata, m_vni, m_rco, m_applied,
                      m_start, m_offset, m_complete, m_ok);
            if (m_tlast) events = events + 1;
        end
        if (drop_valid) begin
            $fdisplay(fo, "D %0d", drop_reason);
            events = events + 1;
        end
        if (events >= NFRAMES || c >= MAXC) begin
            $fdisplay(fo, "C 0 %0d", cnt0);
            $fdisplay(fo, "C 1 %0d", cnt1);
            $fdisplay(fo, "C 2 %0d", cnt2);
            $fdisplay(fo, "C 3 %0d", cnt3);
            $fdisplay(fo, "C 4 %0d", cnt4);
            $fdisplay(fo, "C 5 %0d", cnt5);
            $fdisplay(fo, "C 6 %0d", cnt6);
            $fdisplay(fo, "C 7 %0d", cnt7);
            $fdisplay(fo, "C 8 %0d", cnt8);
            $fdisplay(fo, "C 9 %0d", cnt9);
            $fdisplay(fo, "C 10 %0d", cnt10);
            $fdisplay(fo, "C 11 %0d", cnt11);
            $fdisplay(fo, "C 12 %0d", cnt12);
            $fdisplay(fo, "C 13 %0d", cnt13);
            $fclose(fo);
            $display("COSIM cycles=%0d pulses=%0d expected=%0d errors=%0d", c, events, NFRAMES, events != NFRAMES);
            $finish;
        end
    end

    // Inputs for the next cycle change at the falling edge.
    always @(negedge clk) begin
        mready = ($random(seed) % 100 + 100) % 100 >= BP;
        tvalid = 1'b0;
        if (bi < NB) begin
            {nctrl, nport, nflags, nmax, nkeep, ndata} = stim[bi];
            // a configuration change waits until every earlier frame is out
            if (!nctrl[2] || events == sent) begin
                {ctrl, port, flags, max_frame, tkeep, tdata} = {nctrl, nport, nflags, nmax, nkeep, ndata};
                tvalid = 1'b1;
            end
        end
    end
endmodule
