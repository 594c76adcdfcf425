`timescale 1ns/1ps
// Golden-vector testbench for the checksum engine (rco_sim::csum_cosim). The design module is
// the define DUT; stim.hex has one line per cycle {4'b00 valid last, tkeep, start, end, tdata},
// exp.hex one line per pulse {due cycle[31:0], sum, csum}. The stimulus is replayed REPEAT
// times; the last line is `COSIM cycles=.. pulses=.. expected=.. errors=..`.
`ifndef DUT
`define DUT rco_csum_engine_w64
`endif
// Lint: the clocked blocks are test procedures that read what they assign (BLKSEQ), and
// the file is not named after its module (DECLFILENAME).
/* verilator lint_off BLKSEQ */
/* verilator lint_off DECLFILENAME */
module tb #(
    parameter integer W = 64,
    parameter integer NSTIM = 1,
    parameter integer NEXP = 1,
    parameter integer REPEAT = 1,
    parameter integer DUMP = 0
);
/* verilator lint_on DECLFILENAME */
    localparam integer K = W / 8;
    reg clk = 1'b0;
    reg [4+K+32+W-1:0] stim [0:NSTIM-1];
    reg [63:0] expv [0:NEXP-1];
    /* verilator lint_off UNUSEDSIGNAL */
    reg [3:0] ctrl = 4'h0; // {2'b00 padding, valid, last}
    /* verilator lint_on UNUSEDSIGNAL */
    reg [W-1:0] tdata = {W{1'b0}};
    reg [K-1:0] tkeep = {K{1'b0}};
    reg [15:0] cstart = 16'h0, cend = 16'h0;
    /* verilator lint_off UNUSEDSIGNAL */
    wire tready; // the engine is always ready; not checked here
    /* verilator lint_on UNUSEDSIGNAL */
    wire sum_valid;
    wire [15:0] sum, csum;
    reg [63:0] want;
    integer c = 0, j = 0, errors = 0;

    `DUT dut(
        .clock(clk),
        .rst(1'b0), // the synchronous reset, not asserted here
        .s_axis$tdata(tdata), .s_axis$tkeep(tkeep), .s_axis$tvalid(ctrl[1]),
        .s_axis$tready(tready), .s_axis$tlast(ctrl[0]), .s_axis$tuser(1'b0),
        .csum_start(cstart), .csum_end(cend),
        .sum_valid(sum_valid), .sum(sum), .csum(csum));

    initial begin
        $readmemh("stim.hex", stim);
        $readmemh("exp.hex", expv);
        if (DUMP != 0) begin
            $dumpfile("tb.vcd");
            $dumpvars(0, tb);
        end
    end

    always #5 clk = ~clk;

    // Outputs seen at falling edge c belong to cycle c; the inputs driven now are cycle c's.
    always @(negedge clk) begin
        if (sum_valid) begin
            if (j >= NEXP * REPEAT) begin
                errors = errors + 1;
                $display("MISMATCH extra pulse at cycle %0d", c);
            end else begin
                want = expv[j % NEXP];
                want[63:32] = want[63:32] + (j / NEXP) * NSTIM;
                if (want !== {c[31:0], sum, csum}) begin
                    errors = errors + 1;
                    if (errors <= 5)
                        $display("MISMATCH pulse %0d at cycle %0d: sum %h csum %h, expected %h", j, c, sum, csum, want);
                end
            end
            j = j + 1;
        end
        if (c >= NSTIM * REPEAT) begin
            if (j != NEXP * REPEAT) errors = errors + 1;
            $display("COSIM cycles=%0d pulses=%0d expected=%0d errors=%0d", c, j, NEXP * REPEAT, errors);
            $finish;
        end
        {ctrl, tkeep, cstart, cend, tdata} = stim[c % NSTIM];
        c = c + 1;
    end
endmodule
