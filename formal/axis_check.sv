// AXI4-Stream source rules for one output stream (plus a sideband that must travel with it):
// once tvalid is high it stays high, with tdata/tkeep/tlast/tuser/side unchanged, until a
// clock with tready; every beat obeys the packed-stream contract (all lanes kept before
// tlast, the last beat's kept lanes non-empty and contiguous from lane 0). With the block's
// synchronous reset: on a clock with rst high the outputs are not defined (nothing is
// checked), a beat stalled before it need not stay, and on the first clock after it the stream
// is empty (tvalid low), as after power-up.
// With ASSUME the same rules are assumptions: the proved guarantee of a block that a job cuts
// out (its outputs free, constrained only by what its own job proved), assume-guarantee style.
module axis_check #(
    parameter K = 8,
    parameter S = 1,
    parameter STABLE = 1,   // check the handshake rules
    parameter PACKED = 1,   // check tkeep
    parameter ASSUME = 0    // assume the rules instead of asserting them
) (
    input wire clock,
    input wire rst,
    input wire [8*K-1:0] tdata,
    input wire [K-1:0] tkeep,
    input wire tvalid,
    input wire tready,
    input wire tlast,
    input wire tuser,
    input wire [S-1:0] side
);
    reg stalled = 0;
    reg after_rst = 0;
    reg [8*K-1:0] p_data = 0;
    reg [K-1:0] p_keep = 0;
    reg p_last = 0, p_user = 0;
    reg [S-1:0] p_side = 0;
    always @(posedge clock) begin
        stalled <= tvalid && !tready && !rst;
        after_rst <= rst;
        p_data <= tdata;
        p_keep <= tkeep;
        p_last <= tlast;
        p_user <= tuser;
        p_side <= side;
    end
    wire held = tvalid && tdata == p_data && tkeep == p_keep && tlast == p_last && tuser == p_user
                && side == p_side;
    wire keep_packed = tlast ? tkeep[0] && ((tkeep & (tkeep + 1'b1)) == 0) : &tkeep;
    generate if (ASSUME) begin : rules_assumed
        always @* if (!rst) begin
            if (STABLE && stalled) assume (held);
            if (STABLE && after_rst) assume (!tvalid);
            if (PACKED && tvalid) assume (keep_packed);
        end
    end else begin : rules_asserted
        always @* if (!rst) begin
            if (STABLE && stalled) assert (held);
            if (STABLE && after_rst) assert (!tvalid);
            if (PACKED && tvalid) assert (keep_packed);
        end
    end endgenerate
endmodule
