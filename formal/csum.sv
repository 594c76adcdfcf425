// Checksum engine against a reference adder. Every input is free each clock (data, tkeep,
// tvalid, tlast, csum_start, csum_end, tuser); the assumptions are the engine's contract:
// csum_start is the same on every beat of a packet (its odd-start flag is taken on the last
// beat) and, for the lemmas, packets are under 65535 bytes. csum_end may change on any beat,
// as a parser setting it late does.
//
// Reference: the kernel's csum_partial over [csum_start, csum_end) of the packet, summed in
// 32 bits with no fold on the way, then folded twice at the end as the golden model's
// fold(). The engine must pulse sum_valid exactly L clocks after each last beat, nowhere
// else, with that sum.
`ifndef DUT
`define DUT rco_csum_engine_w64
`endif

module csum_props #(
    parameter W = 64,
    parameter L = 5
) (
    input wire clock,
    input wire [W-1:0] tdata,
    input wire [W/8-1:0] tkeep,
    input wire tvalid,
    input wire tlast,
    input wire tuser,
    input wire [15:0] csum_start,
    input wire [15:0] csum_end
);
    localparam K = W / 8;

    wire tready, sum_valid;
    wire [15:0] sum, csum;

    `DUT dut (
        .clock(clock),
        // the synchronous reset held low: reset-aware properties (behaviour after `rst`) are
        // future work
        .rst(1'b0),
        .s_axis$tdata(tdata), .s_axis$tkeep(tkeep), .s_axis$tvalid(tvalid),
        .s_axis$tready(tready), .s_axis$tlast(tlast), .s_axis$tuser(tuser),
        .csum_start(csum_start), .csum_end(csum_end),
        .sum_valid(sum_valid), .sum(sum), .csum(csum)
    );

    // Reference state: beat number in the packet, start of the packet, running 32-bit sum.
    reg [15:0] rpos = 0;
    reg in_pkt = 0;
    reg [15:0] rstart = 0;
    reg [31:0] racc = 0;
    reg [L-1:0] exp_v = 0;
    reg [15:0] exp_sum [0:L-1];
    reg [31:0] exp_raw [0:L-1];
    integer j;
    initial for (j = 0; j < L; j = j + 1) begin
        exp_sum[j] = 0;
        exp_raw[j] = 0;
    end

    // This beat's contribution: the kept lanes inside [start, end) as little-endian 16-bit
    // words (lane 2i low), added in 32 bits. The kernel pairs bytes from pkt[start] as
    // big-endian words; the little-endian sum is that sum byte-swapped when start is even
    // (RFC 1071 byte-order independence, taken as given), so the fold below is swapped
    // unless start is odd.
    reg [31:0] beat_sum;
    reg [31:0] idx;
    reg [7:0] lane;
    integer i;
    always @* begin
        beat_sum = 0;
        for (i = 0; i < K; i = i + 1) begin
            idx = rpos * K + i;
            lane = (tkeep[i] && idx >= csum_start && idx < csum_end) ? tdata[8*i +: 8] : 8'h00;
            beat_sum = beat_sum + ((i & 1) ? {16'h0, lane, 8'h00} : {24'h0, lane});
        end
    end

    wire [31:0] total = racc + beat_sum;
    wire [31:0] f1 = {16'h0, total[15:0]} + {16'h0, total[31:16]};
    wire [15:0] f2 = f1[15:0] + f1[31:16];
    wire [15:0] folded = csum_start[0] ? f2 : {f2[7:0], f2[15:8]};

    always @(posedge clock) begin
        exp_v <= {exp_v[L-2:0], tvalid && tlast};
        exp_sum[0] <= folded;
        exp_raw[0] <= total;
        for (j = 1; j < L; j = j + 1) begin
            exp_sum[j] <= exp_sum[j-1];
            exp_raw[j] <= exp_raw[j-1];
        end
        if (tvalid) begin
            if (tlast) begin
                rpos <= 0;
                in_pkt <= 0;
                racc <= 0;
            end else begin
                rpos <= rpos + 1;
                in_pkt <= 1;
                rstart <= csum_start;
                racc <= total;
            end
        end
    end

    always @* begin
        if (in_pkt) assume (csum_start == rstart);
        assert (tready);
        assert (sum_valid == exp_v[L-1]);
        if (sum_valid) begin
`ifdef E2E
            assert (sum == exp_sum[L-1]);
`endif
            assert (csum == ~sum);
        end
    end

    // Reached: a sum whose 32-bit total needed the second end-around fold (a carry out of
    // the first), and the last beat of a packet of three beats or more.
    wire [31:0] raw = exp_raw[L-1];
    wire [16:0] raw_f1 = {1'b0, raw[15:0]} + {1'b0, raw[31:16]};
    always @* begin
        cover (sum_valid && raw_f1[16]);
        cover (tvalid && tlast && rpos >= 2);
    end
    // Lemmas on the engine's own stages (W=64: four words, a two-level registered tree, a
    // root fold), so that the proof closes by induction instead of at a bounded depth. The
    // probes are undriven here; the job's script connects them to the flattened engine's
    // wires. Masking: the words entering the tree are the reference's masked words of the
    // beat two clocks earlier. Tree: each node register holds its words' exact sum; the root
    // fold keeps the end-around sum of the beat five clocks earlier. Arithmetic: acc, folded,
    // is the packet's words that have passed the root fold, added with an end-around fold.
`ifdef LEMMAS
    wire [15:0] p_wd0, p_wd1, p_wd2, p_wd3, p_pos, p_rf;
    wire [23:0] p_nr0, p_nr1, p_nr2;
    wire [16:0] p_acc, p_tot;
    wire p_done_t, p_odd_t;

    function automatic [15:0] fold32(input [31:0] x);
        reg [31:0] y;
        begin
            y = {16'h0, x[15:0]} + {16'h0, x[31:16]};
            fold32 = y[15:0] + y[31:16];
        end
    endfunction

    reg [15:0] mw [0:3];
    integer m;
    always @* for (m = 0; m < 4; m = m + 1)
        mw[m] = {(tvalid && tkeep[2*m+1] && rpos * K + 2*m+1 >= csum_start && rpos * K + 2*m+1 < csum_end)
                    ? tdata[16*m+8 +: 8] : 8'h00,
                 (tvalid && tkeep[2*m] && rpos * K + 2*m >= csum_start && rpos * K + 2*m < csum_end)
                    ? tdata[16*m +: 8] : 8'h00};

    // mwd[a][m]: word m of the beat a clocks ago (a = 1..5)
    reg [15:0] mwd [1:5][0:3];
    reg [5:0] lastd = 0;       // tvalid && tlast, 1..6 clocks ago
    reg [6:0] oddd = 0;        // csum_start[0], 1..7 clocks ago
    reg [15:0] rsum = 0;       // words past the root fold since the packet began, folded
    reg [15:0] rfin = 0;       // the same for the packet that last finished
    reg [15:0] rout = 0;       // rfin a clock later, as the output register sees it
    integer a;
    initial for (a = 1; a <= 5; a = a + 1) for (m = 0; m < 4; m = m + 1) mwd[a][m] = 0;
    function automatic [31:0] wsum(input integer age);
        wsum = mwd[age][0] + mwd[age][1] + mwd[age][2] + mwd[age][3];
    endfunction
    wire [31:0] w5 = wsum(5);
    wire done_root = lastd[4];
    always @(posedge clock) begin
        for (m = 0; m < 4; m = m + 1) begin
            mwd[1][m] <= mw[m];
            for (a = 2; a <= 5; a = a + 1) mwd[a][m] <= mwd[a-1][m];
        end
        lastd <= {lastd[4:0], tvalid && tlast};
        oddd <= {oddd[5:0], csum_start[0]};
        rout <= rfin;
        rsum <= done_root ? 16'h0 : fold32({16'h0, rsum} + w5);
        if (done_root) rfin <= fold32({16'h0, rsum} + w5);
    end

    always @* begin
        // the engine's contract: packets shorter than 65535 bytes (13-bit beat number)
        assume (!(tvalid && !tlast && rpos == 16'h1FFE));
        assert (rpos < 16'h1FFF && p_pos == rpos && in_pkt == (rpos != 0));
        assert (p_wd0 == mwd[2][0] && p_wd1 == mwd[2][1] && p_wd2 == mwd[2][2] && p_wd3 == mwd[2][3]);
        assert (p_nr0 == mwd[3][0] + mwd[3][1] && p_nr1 == mwd[3][2] + mwd[3][3]);
        assert (p_nr2 == wsum(4));
        assert (fold32({16'h0, p_rf}) == fold32(w5));
        assert (fold32(p_acc[15:0] + p_acc[16]) == rsum);
        assert (p_done_t == lastd[5]);
        if (p_done_t) assert (p_odd_t == oddd[5]);
        if (p_done_t) assert (fold32(p_tot[15:0] + p_tot[16]) == rfin);
        if (sum_valid) assert (sum == (oddd[6] ? rout : {rout[7:0], rout[15:8]}));
    end
`endif
endmodule
