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
        // the synchronous reset held low: the reference does not model a reset (the stream
        // jobs check behaviour across resets)
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
    // Lemmas on the engine's own stages, so that the proof closes by induction instead of at
    // a bounded depth. The engine: N = W/16 words, a binary adder tree with a register at
    // every level (D = log2(N) levels, node m numbered as the engine's `nr`: the N/2
    // first-level nodes, then the next level's, the root last), a root fold, an accumulator.
    // The probes are undriven here; the job's script connects them to the flattened engine's
    // wires (p_wd: word i in bits 16i+15:16i; p_nr: node m in bits 24m+23:24m). Masking: the
    // words entering the tree are the reference's masked words of the beat two clocks
    // earlier. Tree: each level-l node register holds the exact sum of its 2^l words of the
    // beat 2+l clocks earlier; the root fold keeps the end-around sum of the beat R = 3+D
    // clocks earlier. Arithmetic: acc (low half plus carry) is the end-around sum of the
    // packet's beats that have passed the root fold, each beat's words summed exactly and
    // folded. The window's registers and the control delay lines are pinned too, so that the
    // induction closes in two steps.
`ifdef LEMMAS
    localparam N = W / 16;
    localparam LK = $clog2(K);
    localparam D = $clog2(N);
    localparam R = 3 + D;
    wire [W-1:0] p_wd;
    wire [24*(N-1)-1:0] p_nr;
    wire [15:0] p_pos, p_rf;
    wire [16:0] p_acc, p_tot;
    wire p_done_t, p_odd_t;
    wire [R-1:0] p_dn, p_os;
    wire [W-1:0] p_rb;
    wire [K-1:0] p_kr, p_ts, p_te;
    wire p_s_neg, p_s_z, p_e_neg, p_e_z;

    function automatic [15:0] fold32(input [31:0] x);
        reg [31:0] y;
        begin
            y = {16'h0, x[15:0]} + {16'h0, x[31:16]};
            fold32 = y[15:0] + y[31:16];
        end
    endfunction

    // this beat's lanes, 0 outside tkeep, tvalid and [start, end). Lane m's byte index
    // rpos * K + m, as bits (K is a power of two): 16 bits hold it, rpos < BEATS below.
    reg [W-1:0] mw;
    reg [15:0] bidx;
    integer m;
    always @* for (m = 0; m < K; m = m + 1) begin
        bidx = (rpos << LK) | m;
        mw[8*m +: 8] = (tvalid && tkeep[m] && bidx >= csum_start && bidx < csum_end)
            ? tdata[8*m +: 8] : 8'h00;
    end

    // the window's inputs a clock ago: the engine splits each bound into its beat, compared
    // with the beat number, and its lane, decoded per lane
    reg [W-1:0] tdata1 = 0;
    reg [K-1:0] tkeep1 = 0;
    reg tvalid1 = 0;
    reg [15:0] start1 = 0, end1 = 0, rpos1 = 0;
    reg past = 0;              // a clock has gone by (the flags start at 0, not decoded)
    always @(posedge clock) begin
        past <= 1;
        tdata1 <= tdata;
        tkeep1 <= tkeep;
        tvalid1 <= tvalid;
        start1 <= csum_start;
        end1 <= csum_end;
        rpos1 <= rpos;
    end
    integer l;
    always @* if (past) begin
        assert (p_rb == tdata1 && p_kr == tkeep1);
        assert (p_s_neg == (start1 >> LK < rpos1) && p_s_z == (start1 >> LK == rpos1));
        assert (p_e_neg == (end1 >> LK < rpos1 || !tvalid1) && p_e_z == (end1 >> LK == rpos1));
        for (l = 0; l < K; l = l + 1)
            assert (p_ts[l] == (l >= start1[LK-1:0]) && p_te[l] == (l < end1[LK-1:0]));
    end

    // the masked beat a clocks ago is hist[W*(a-1) +: W] (a = 1..R)
    reg [R*W-1:0] hist = 0;
    reg [R+1:0] oddd = 0;      // csum_start[0], 1..R+2 clocks ago
    reg [15:0] rsum = 0;       // beats past the root fold since the packet began, folded
    reg [15:0] rfin = 0;       // the same for the packet that last finished
    reg [15:0] rout = 0;       // rfin a clock later, as the output register sees it

    // A reference tree over the beat a clocks ago for each age the lemmas look at, nodes
    // numbered as the engine's; the adds are exact (24 bits hold 32 words), so node m is the
    // plain sum of its words whatever the order, and the tree shape only spares the solver
    // from re-associating the sums. Its level-(a-2) nodes are the engine's at that age.
    genvar ga, gm;
    generate for (ga = 3; ga <= R; ga = ga + 1) begin : age
        wire [W-1:0] words = hist[W*(ga-1) +: W];
        wire [23:0] node [0:N-2];
        for (gm = 0; gm < N / 2; gm = gm + 1) begin : leaf
            assign node[gm] = words[32*gm +: 16] + words[32*gm+16 +: 16];
        end
        for (gm = N / 2; gm < N - 1; gm = gm + 1) begin : inner
            assign node[gm] = node[2*gm-N] + node[2*gm+1-N];
        end
        if (ga - 2 <= D) begin : level
            // level ga-2 is nodes N - 2N/2^(ga-2) .. N - N/2^(ga-2) - 1
            integer n;
            always @* for (n = N - (2*N >> (ga-2)); n < N - (N >> (ga-2)); n = n + 1)
                assert (p_nr[24*n +: 24] == node[n]);
        end
    end endgenerate
    wire [31:0] root = {8'h0, age[R].node[N-2]};  // the beat reaching the accumulator
    // exp_v[k]: tvalid && tlast, k+1 clocks ago
    wire done_root = exp_v[R-1];
    always @(posedge clock) begin
        hist <= {hist[(R-1)*W-1:0], mw};
        oddd <= {oddd[R:0], csum_start[0]};
        rout <= rfin;
        rsum <= done_root ? 16'h0 : fold32(rsum + fold32(root));
        if (done_root) rfin <= fold32(rsum + fold32(root));
    end

    // packets shorter than 65535 bytes: beat numbers below 2^16 / K
    localparam [15:0] BEATS = 16'hFFFF >> LK;
    always @* begin
        assume (!(tvalid && !tlast && rpos == BEATS - 1));
        assert (rpos < BEATS && p_pos == rpos && in_pkt == (rpos != 0));
        assert (p_wd == hist[W +: W]);
        assert (p_rf == fold32(root));
        assert (p_acc[15:0] + p_acc[16] == rsum);
        assert (p_dn == exp_v[R-1:0] && p_os == oddd[R-1:0]);
        assert (p_done_t == exp_v[R]);
        if (p_done_t) assert (p_odd_t == oddd[R]);
        if (p_done_t) assert (p_tot[15:0] + p_tot[16] == rfin);
        if (sum_valid) assert (sum == (oddd[R+1] ? rout : {rout[7:0], rout[15:8]}));
    end
`endif
endmodule
