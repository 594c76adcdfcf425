`timescale 1ns/1ps
// Golden-case testbench for the TX block (rco_sim::tx_cosim). The design module is the define
// DUT; desc.hex has one 512-bit descriptor a line (tx_cosim::desc_word), beats.hex every input
// beat {7'b0 last, tkeep, tdata}. BP/256 is the probability of m_axis.tready low, BOUND the
// cycle bound. Output beats, last input beats and drop-counter steps go to out.txt.
`include "desc_ports.vh"
`ifndef DUT
`define DUT rco_tx_encap_w64
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
    parameter integer BOUND = 1000
);
/* verilator lint_on DECLFILENAME */
    localparam integer K = W / 8;
    reg clk = 1'b0;
    reg [511:0] descm [0:NCASE-1];
    reg [8+K+W-1:0] beatm [0:NBEAT-1];
    /* verilator lint_off UNUSEDSIGNAL */
    reg [511:0] dw = 0; // its padding bits are not fields
    wire m_tuser; // not part of the comparison
    integer seed = 7; // $random's state, which lint does not count as a read
    /* verilator lint_on UNUSEDSIGNAL */
    reg [8+K+W-1:0] bw = 0;
    reg dvalid = 1'b0, svalid = 1'b0, mready = 1'b0;
    wire desc_ready, s_tready, m_tvalid, m_tlast;
    wire [W-1:0] m_tdata;
    wire [K-1:0] m_tkeep;
    wire [31:0] d_trunc, d_long, d_desc, d_bk, f_out;
    reg [31:0] p_trunc = 0, p_long = 0, p_desc = 0, p_bk = 0;
    integer c = 0, di = 0, bi = 0, errors = 0, fd;

    `DUT dut(
        .clock(clk),
        .rst(1'b0), // the synchronous reset, not asserted here
        .s_axis$tdata(bw[W-1:0]), .s_axis$tkeep(bw[K+W-1:W]), .s_axis$tvalid(svalid),
        .s_axis$tready(s_tready), .s_axis$tlast(bw[K+W]), .s_axis$tuser(1'b0),
        `DESC_PORTS(desc),
        .m_axis$tdata(m_tdata), .m_axis$tkeep(m_tkeep), .m_axis$tvalid(m_tvalid),
        .m_axis$tready(mready), .m_axis$tlast(m_tlast), .m_axis$tuser(m_tuser),
        .drop_truncated(d_trunc), .drop_too_long(d_long), .drop_bad_desc(d_desc),
        .drop_bad_keep(d_bk), .frames_out(f_out));

    initial begin
        $readmemh("desc.hex", descm);
        $readmemh("beats.hex", beatm);
        fd = $fopen("out.txt", "w");
    end

    always #5 clk = ~clk;

    // Inputs change on the falling edge; after #1 the block's outputs for this cycle have
    // settled, so the handshakes that the next rising edge completes are known here.
    always @(negedge clk) begin
        if (d_trunc != p_trunc) $fwrite(fd, "D truncated %0d\n", c);
        if (d_long != p_long) $fwrite(fd, "D too_long %0d\n", c);
        if (d_desc != p_desc) $fwrite(fd, "D bad_descriptor %0d\n", c);
        if (d_bk != p_bk) $fwrite(fd, "D bad_keep %0d\n", c);
        p_trunc = d_trunc; p_long = d_long; p_desc = d_desc; p_bk = d_bk;
        if (bi >= NBEAT && di >= NCASE && f_out + d_trunc + d_long + d_desc + d_bk == NCASE) begin
            $display("COSIM cycles=%0d pulses=%0d expected=%0d errors=%0d", c, f_out + d_trunc + d_long + d_desc + d_bk, NCASE, errors);
            $fclose(fd);
            $finish;
        end
        if (c >= BOUND) begin
            errors = errors + 1;
            $display("COSIM cycles=%0d pulses=%0d expected=%0d errors=%0d", c, f_out + d_trunc + d_long + d_desc + d_bk, NCASE, errors);
            $fclose(fd);
            $finish;
        end
        dvalid = di < NCASE;
        if (di < NCASE) dw = descm[di];
        svalid = bi < NBEAT;
        if (bi < NBEAT) bw = beatm[bi];
        mready = ($unsigned($random(seed)) % 256) >= BP;
        #1;
        if (dvalid && desc_ready) di = di + 1;
        if (svalid && s_tready && bw[K+W]) $fwrite(fd, "L %0d\n", c);
        if (svalid && s_tready) bi = bi + 1;
        if (m_tvalid && mready) $fwrite(fd, "B %0d %h %h\n", m_tlast, m_tkeep, m_tdata);
        c = c + 1;
    end
endmodule
