// RX egress alone (rco_rx_egress_w64, hdl/src/rx/egress.rs): the block that drives the RX
// m_axis. Its inputs are free every clock: the decision (valid and every field), the ring's
// read data and m_axis.tready. The one assumption is the decision contract of egress.rs for a
// delivered frame, on the clock it is taken (dec_valid && dec_ready, when the fields are
// sampled): dec_inner_len >= 1 and dec_inner_off + dec_inner_len <= dec_beats * 8 (so
// dec_beats >= 1). A dropped frame's fields are free; so are the metadata, the remcsum request
// (its Remcsum contract is not assumed) and dec_csum (the ring data is free, so it is tied to
// nothing). Checks the m_axis source rules with the metadata as sideband (axis_check). Covers:
// a frame delivered, a drop event, two frames delivered back to back.
// With LEMMAS (the induction, and the mutant task): the invariants that make the tkeep rule
// inductive, on the flattened egress's registers (probes pr_*, connected in
// formal/rx_egress.sby). With LIVE: conservation and the deadlock bound (see there); the data
// inputs are then constants.
`ifndef DUT
`define DUT rco_rx_egress_w64
`endif
// LIVE and DRAIN (the deadlock bound, bounded and unbounded) run with the sink always ready
`ifdef LIVE
`define SINK_READY
`endif
`ifdef DRAIN
`define SINK_READY
`endif

module rx_egress_props (
    input wire clock,
    // the synchronous reset: free, so every property holds across resets too
    input wire rst,
    input wire dec_valid,
    input wire dec_deliver,
    input wire [3:0] dec_reason,
    input wire [15:0] dec_base,
    input wire [15:0] dec_beats,
    input wire [15:0] dec_inner_off,
    input wire [15:0] dec_inner_len,
    input wire [23:0] dec_vni,
    input wire dec_rco,
    input wire dec_rco_applied,
    input wire [15:0] dec_csum_start,
    input wire [15:0] dec_csum_offset,
    input wire dec_outer_csum_ok,
    input wire dec_apply,
    input wire [15:0] dec_start,
    input wire [15:0] dec_offset,
    input wire [31:0] dec_csum,
    input wire [63:0] ram_rdata,
    input wire m_tready,
    // DRAIN: the decision taken on a clock with pick high (the first such) is the one followed
    input wire pick
);
    wire dec_ready, m_tvalid, m_tlast, m_tuser;
    wire [10:0] ram_raddr;
    wire [63:0] m_tdata;
    wire [7:0] m_tkeep;
    wire [23:0] m_vni;
    wire m_rco, m_rco_applied, m_outer_csum_ok, drop_valid;
    wire [15:0] m_csum_start, m_csum_offset, m_csum_complete, free_ptr;
    wire [3:0] drop_reason;

`ifdef SINK_READY
    // The data held at 0 (ring words, the inner sum, the metadata, the remcsum request) and
    // the sink always ready: no control decision of the egress reads the data, and as
    // constants (not assumptions) they let Yosys remove the datapath before the solver runs.
    wire [63:0] i_ram_rdata = 0;
    wire [31:0] i_dec_csum = 0;
    wire [23:0] i_dec_vni = 0;
    wire [15:0] i_dec_csum_start = 0, i_dec_csum_offset = 0, i_dec_start = 0, i_dec_offset = 0;
    wire i_dec_rco = 0, i_dec_rco_applied = 0, i_dec_outer_csum_ok = 0, i_dec_apply = 0;
    wire i_m_tready = 1;
    // conservation counts decisions from power-up: no reset
    wire i_rst = 0;
`else
    wire [63:0] i_ram_rdata = ram_rdata;
    wire [31:0] i_dec_csum = dec_csum;
    wire [23:0] i_dec_vni = dec_vni;
    wire [15:0] i_dec_csum_start = dec_csum_start, i_dec_csum_offset = dec_csum_offset;
    wire [15:0] i_dec_start = dec_start, i_dec_offset = dec_offset;
    wire i_dec_rco = dec_rco, i_dec_rco_applied = dec_rco_applied;
    wire i_dec_outer_csum_ok = dec_outer_csum_ok, i_dec_apply = dec_apply;
    wire i_m_tready = m_tready;
    wire i_rst = rst;
`endif

    `DUT dut (
        .clock(clock),
        .rst(i_rst),
        .dec_valid(dec_valid), .dec_ready(dec_ready), .dec_deliver(dec_deliver),
        .dec_reason(dec_reason), .dec_base(dec_base), .dec_beats(dec_beats),
        .dec_inner_off(dec_inner_off), .dec_inner_len(dec_inner_len), .dec_vni(i_dec_vni),
        .dec_rco(i_dec_rco), .dec_rco_applied(i_dec_rco_applied),
        .dec_csum_start(i_dec_csum_start), .dec_csum_offset(i_dec_csum_offset),
        .dec_outer_csum_ok(i_dec_outer_csum_ok), .dec_apply(i_dec_apply),
        .dec_start(i_dec_start), .dec_offset(i_dec_offset), .dec_csum(i_dec_csum),
        .ram_raddr(ram_raddr), .ram_rdata(i_ram_rdata),
        .m_axis$tdata(m_tdata), .m_axis$tkeep(m_tkeep), .m_axis$tvalid(m_tvalid),
        .m_axis$tready(i_m_tready), .m_axis$tlast(m_tlast), .m_axis$tuser(m_tuser),
        .m_vni(m_vni), .m_rco(m_rco), .m_rco_applied(m_rco_applied),
        .m_csum_start(m_csum_start), .m_csum_offset(m_csum_offset),
        .m_csum_complete(m_csum_complete), .m_outer_csum_ok(m_outer_csum_ok),
        .drop_valid(drop_valid), .drop_reason(drop_reason), .free_ptr(free_ptr)
    );

    // the decision contract (egress.rs), for a delivered frame, when it is taken
    always @* if (dec_valid && dec_ready && dec_deliver) begin
        assume (dec_inner_len != 0);
        assume ({1'b0, dec_inner_off} + {1'b0, dec_inner_len} <= {dec_beats, 3'b000});
    end

    // (DRAIN leaves them to the jobs that prove them)
`ifndef DRAIN
    axis_check #(.K(8), .S(24 + 3 + 48)) out (
        .clock(clock), .rst(i_rst), .tdata(m_tdata), .tkeep(m_tkeep), .tvalid(m_tvalid), .tready(i_m_tready),
        .tlast(m_tlast), .tuser(m_tuser),
        .side({m_vni, m_rco, m_rco_applied, m_outer_csum_ok, m_csum_start, m_csum_offset,
               m_csum_complete})
    );
`endif

`ifdef LEMMAS
    function packed_keep(input [7:0] k);
        packed_keep = k[0] && ((k & (k + 1'b1)) == 0);
    endfunction
    // a beat's keep as the stream contract wants it: all lanes unless it is a last beat
    function good(input [7:0] k, input l);
        good = l ? packed_keep(k) : &k;
    endfunction

    // probes, connected by the .sby's script to the flattened egress's registers
    // the last beat's keep from the prep stage to the realigner
    wire pr_p2_v, pr_nx_v, pr_cur_v, pr_cur_first, pr_a1_v, pr_a1_first, pr_a2_v, pr_a2_first;
    wire pr_pend, pr_room;
    wire [7:0] pr_p2_lk, pr_nx_lk, pr_cur_lk, pr_a1_lk, pr_a2_lk, pr_h_lk;
    // the beat FIFO: q_data's count (room reads it) and flags, q_keep's and q_last's state
    // and their 8 memory words (entry k of a FIFO sits at address rd + k - 1; the head, entry
    // 0, in a register)
    wire [7:0] pr_dc, pr_kc, pr_lc, pr_krd, pr_kwr, pr_lrd, pr_lwr, pr_khead;
    wire pr_dne, pr_kne, pr_lne, pr_dm, pr_km, pr_lm, pr_lhead;
    wire [63:0] pr_kmem;
    wire [7:0] pr_lmem;
    // Remcsum's delay line, stages 0..10 (stage 10 drives its m_axis)
    wire [10:0] pr_rc_v, pr_rc_lst;
    wire [87:0] pr_rc_kp;
    // the output slice's two registers
    wire pr_o_valid, pr_o_last, pr_k_valid, pr_k_last;
    wire [7:0] pr_o_keep, pr_k_keep;

    integer a, s;
    always @* begin
        // every last_keep is one of keep_of (packed) from the clock it is computed; the
        // realigner's copy (h_lk) is packed whenever a beat of its frame is pushed from it
        if (pr_p2_v) assert (packed_keep(pr_p2_lk));
        if (pr_nx_v) assert (packed_keep(pr_nx_lk));
        if (pr_cur_v) assert (packed_keep(pr_cur_lk));
        if (pr_a1_v) assert (packed_keep(pr_a1_lk));
        if (pr_a2_v) assert (packed_keep(pr_a2_lk));
        if (pr_pend || (pr_a2_v && !pr_a2_first)) assert (packed_keep(pr_h_lk));
        if (pr_a1_v && !pr_a1_first) assert (packed_keep(pr_h_lk) || pr_a2_v);
        if (pr_cur_v && !pr_cur_first) assert (packed_keep(pr_h_lk) || pr_a2_v || pr_a1_v);
        // room and the reads in flight keep the FIFO from overflowing (ROOM = 4)
        if (pr_room) assert (pr_dc <= 4);
        if (pr_a1_v) assert (pr_dc <= 5);
        if (pr_a2_v) assert (pr_dc <= 6);
        if (pr_pend) assert (pr_dc <= 7);
        assert (pr_dc <= 8);
        // the FIFOs move together; count, flags and pointers agree
        assert (pr_kc == pr_dc && pr_lc == pr_dc);
        assert (pr_kne == pr_dne && pr_lne == pr_dne && pr_km == pr_dm && pr_lm == pr_dm);
        assert (pr_krd == pr_lrd && pr_kwr == pr_lwr && pr_krd < 8 && pr_kwr < 8);
        assert (pr_dne == (pr_dc != 0) && pr_dm == (pr_dc >= 2));
        assert (pr_kwr[2:0] == pr_krd[2:0] + pr_dc[2:0]);
        // every entry in the FIFO is a good beat
        if (pr_dne) assert (good(pr_khead, pr_lhead));
        for (a = 0; a < 8; a = a + 1)
            if (((a - pr_krd) & 7) + 2 <= pr_dc) assert (good(pr_kmem[8 * a +: 8], pr_lmem[a]));
        // and so is every beat in Remcsum and in the output slice
        for (s = 0; s < 11; s = s + 1)
            if (pr_rc_v[s]) assert (good(pr_rc_kp[8 * s +: 8], pr_rc_lst[s]));
        if (pr_o_valid) assert (good(pr_o_keep, pr_o_last));
        if (pr_k_valid) assert (good(pr_k_keep, pr_k_last));
    end
`endif

`ifdef LIVE
    // Conservation and the deadlock bound (task live, a bounded run): every decision taken
    // has exactly one outcome, a frame out (its tlast beat) for a delivered one, a drop pulse
    // with the decision's reason for a dropped one, in decision order among the drops; with
    // the sink always ready and frames of at most MAX_BEATS ring beats, BOUND clocks after the
    // last decision taken every outcome is out. BOUND is the smallest that holds: with TIGHT
    // (task live_tight) it is one clock shorter, which must end in a counterexample.
    localparam MAX_BEATS = 4;
`ifdef TIGHT
`define BOUND 29
`else
`define BOUND 30
`endif
    always @* if (dec_valid) assume (dec_beats <= MAX_BEATS);
    reg [5:0] delivers = 0, drops = 0, frames_out = 0, drops_out = 0;
    reg [3:0] reasons [0:7];    // the reasons of the drops taken and not yet out, in order
    reg [5:0] quiet = 0;        // clocks since the last decision was taken
    always @(posedge clock) begin
        if (dec_valid && dec_ready) begin
            quiet <= 0;
            if (dec_deliver) delivers <= delivers + 1;
            else begin
                reasons[drops[2:0]] <= dec_reason;
                drops <= drops + 1;
            end
        end else if (quiet != 63) quiet <= quiet + 1;
        if (m_tvalid && i_m_tready && m_tlast) frames_out <= frames_out + 1;
        if (drop_valid) drops_out <= drops_out + 1;
    end
    always @* begin
        // no outcome without its decision
        if (m_tvalid && m_tlast) assert (frames_out < delivers);
        assert (drops - drops_out <= 8);   // so the reason queue holds every drop in flight
        if (drop_valid) begin
            assert (drops_out < drops);
            assert (drop_reason == reasons[drops_out[2:0]]);
        end
        // nothing left behind
        if (quiet >= `BOUND) assert (frames_out == delivers && drops_out == drops);
    end
`endif

`ifdef DRAIN
    // The deadlock bound for every length (task drain, k-induction): with the sink always
    // ready, a decision taken at clock t has its outcome (its frame's last beat on m_axis, or
    // its drop pulse with its reason) by t + B at the latest, B = the work of that decision and
    // of each decision still ahead of it in the egress (at most 3) + 3 (the prep stages) +
    // LAT_FRAME + 1, where a decision's work is its frame's ring beats (dec_beats) if delivered
    // and 1 if dropped. Which decision is followed is free (pick), so the bound holds for each.
    // Frames are at most RING_BEATS ring beats (a frame longer than the ring cannot be in it).
`ifdef DRAIN_RING
    localparam RING_BEATS = `DRAIN_RING;
`else
    localparam RING_BEATS = 2048;
`endif
    localparam LAT_DROP = 3;     // last clock in the issuer -> drop pulse
    localparam LAT_FRAME = 15;   // last ring read -> last beat out, one more if the tail flushes
    always @* if (dec_valid && dec_deliver) assume (dec_beats <= RING_BEATS);

    // probes, connected by the .sby's script to the flattened egress's registers
    wire pr_room, pr_ready, pr_skid, pr_dne, pr_lne, pr_dm, pr_lm, pr_lhead, pr_o_valid, pr_o_last;
    wire [7:0] pr_dc, pr_lc;
    wire [10:0] pr_rc_v, pr_rc_lst;
    wire pr_p1_v, pr_p1_drop, pr_p2_v, pr_p2_drop, pr_nx_v, pr_nx_drop, pr_nx_one, pr_nx_fl;
    wire pr_cur_v, pr_cur_drop, pr_cur_one, pr_cur_first, pr_cur_fl;
    wire pr_a1_v, pr_a1_last, pr_a1_first, pr_a1_fl, pr_a1_mk, pr_a1_drop;
    wire pr_a2_v, pr_a2_last, pr_a2_first, pr_a2_fl, pr_a2_mk, pr_a2_drop, pr_pend;
    wire [3:0] pr_p1_reason, pr_p2_reason, pr_nx_reason, pr_cur_reason, pr_a1_reason, pr_a2_reason;
    wire [15:0] pr_p1_ioff, pr_p1_ilen, pr_p2_offlen, pr_p2_offlc, pr_nx_left, pr_cur_left;

    reg init = 1;   // clock 0: the output slice's ready and room are still low
    always @(posedge clock) init <= 0;

    // the issuer's last clock on its job, and the next job taken (its own signals, so that a
    // mutant of them is followed)
    wire done, take;

    // a job's work: the clocks the issuer spends on it (its ring reads, 1 for a drop)
    function [16:0] reads(input [15:0] offlen);
        reg [15:0] t;
        begin
            t = offlen - 1'b1;
            reads = {1'b0, t >> 3} + 1'b1;
        end
    endfunction
    wire [15:0] p1_offlen = {13'b0, pr_p1_ioff[2:0]} + pr_p1_ilen;
    wire [16:0] w_p1 = !pr_p1_v ? 0 : pr_p1_drop ? 1 : reads(p1_offlen);
    wire [16:0] w_p2 = !pr_p2_v ? 0 : pr_p2_drop ? 1 : reads(pr_p2_offlen);
    wire [16:0] w_nx = !pr_nx_v ? 0 : pr_nx_drop ? 1 : {1'b0, pr_nx_left} + 1'b1;
    wire [16:0] w_cur = !pr_cur_v ? 0 : pr_cur_drop ? 1 : {1'b0, pr_cur_left} + 1'b1;

    // the work the last 4 decisions taken brought (h0 the newest): a delivered frame's beats
    reg [11:0] h0 = 0, h1 = 0, h2 = 0, h3 = 0;
    wire [11:0] h_new = dec_deliver ? dec_beats[11:0] : 12'd1;
    always @(posedge clock) if (dec_valid && dec_ready) {h0, h1, h2, h3} <= {h_new, h0, h1, h2};

    // the followed decision: where it is (1 p1, 2 p2, 3 nx, 4 cur, 5 read out, 6 outcome seen)
    reg [2:0] pos = 0;
    reg t_drop = 0, t_fl = 0;
    reg [3:0] t_reason = 0;
    reg [4:0] since = 0;   // clocks since its last clock in the issuer
    // the work of the jobs ahead of it when it was taken (b1 the nearest, b3 the farthest; 0
    // for none) and its own, each the h of its decision
    reg [11:0] b_own = 0, b1 = 0, b2 = 0, b3 = 0;
    // clocks left to its deadline, set to the bound when it is taken
    reg [15:0] rem = 0;
    localparam [15:0] SLACK = 3 + LAT_FRAME + 1;
    // the jobs that stay ahead of a decision taken now: those in the prep stages and nx, and
    // the issuer's unless it is done
    wire [2:0] n_stay = pr_p1_v + pr_p2_v + pr_nx_v + (pr_cur_v && !done);
    wire [11:0] e1 = n_stay >= 1 ? h0 : 0, e2 = n_stay >= 2 ? h1 : 0, e3 = n_stay >= 3 ? h2 : 0;
    always @(posedge clock) begin
        if (pos != 0 && pos != 6) rem <= rem - 1'b1;
        // the front job ahead (the issuer's) leaves: its budget with it
        if (pos >= 1 && pos <= 3 && done) begin
            if (n_ahead == 1) b1 <= 0;
            if (n_ahead == 2) b2 <= 0;
            if (n_ahead == 3) b3 <= 0;
        end
        case (pos)
            0: if (dec_valid && dec_ready && pick) begin
                pos <= 1;
                {b_own, b1, b2, b3} <= {h_new, e1, e2, e3};
                rem <= e3 + (e2 + (e1 + (h_new + SLACK)));
                t_drop <= !dec_deliver;
                t_reason <= dec_reason;
            end
            1, 2: if (dec_ready) pos <= pos + 1'b1;
            3: if (take) pos <= 4;
            4: if (done) begin
                pos <= 5;
                since <= 1;
                t_fl <= pr_cur_fl;
            end
            5: begin
                since <= since + 1'b1;
                if (since == (t_drop ? LAT_DROP : LAT_FRAME + t_fl)) pos <= 6;
            end
            default: ;
        endcase
    end

    // the jobs ahead of the followed decision (a1 the nearest), their number, and its own
    reg [16:0] own, a1, a2, a3;
    reg [2:0] n_ahead;
    integer st;
    always @* begin
        own = 0; a1 = 0; a2 = 0; a3 = 0; n_ahead = 0;
        for (st = 1; st <= 4; st = st + 1) begin
            if (st == pos) own = st == 1 ? w_p1 : st == 2 ? w_p2 : st == 3 ? w_nx : w_cur;
            if (st > pos && (st == 2 ? pr_p2_v : st == 3 ? pr_nx_v : st == 4 ? pr_cur_v : 1'b0)) begin
                if (n_ahead == 0) a1 = st == 2 ? w_p2 : st == 3 ? w_nx : w_cur;
                if (n_ahead == 1) a2 = st == 3 ? w_nx : w_cur;
                if (n_ahead == 2) a3 = w_cur;
                n_ahead = n_ahead + 1'b1;
            end
        end
    end
    // what it may still wait: the front job's work left (the issuer's), every other job's
    // budget, and the stages it has still to pass; falls by at least 1 every clock. The sums
    // are nested alike here and in rem, so that the solver compares them term by term.
    wire [16:0] t3 = n_ahead >= 3 ? a3 : 0;
    wire [16:0] t2 = n_ahead >= 2 ? (n_ahead == 2 ? a2 : b2) : 0;
    wire [16:0] t1 = n_ahead >= 1 ? (n_ahead == 1 ? a1 : b1) : 0;
    wire [16:0] t0 = n_ahead == 0 ? own : b_own;
    wire [18:0] phi = t3 + (t2 + (t1 + (t0 + ((3'd4 - pos) + LAT_FRAME + 1))));

    // how long the queue in front waits: dec_ready is low only while the issuer reads a
    // delivered frame (not its last read), so at most the reads the issuer's job had left when
    // it fell (run_w)
    reg [15:0] stalled = 0;   // clocks dec_ready has been low before this one
    reg [16:0] run_w = 0;
    wire [16:0] run_w_now = stalled == 0 ? w_cur : run_w;
    always @(posedge clock) begin
        stalled <= dec_ready ? 0 : stalled + 1'b1;
        run_w <= run_w_now;
    end

    // Conservation for every length: every decision taken has exactly one outcome, a frame out
    // (one tlast beat) if delivered, a drop pulse if dropped (counts modulo 256). The lemma
    // counts where each outcome still owed is: a job in the prep stages, nx or the issuer, or
    // its frame's last beat (its drop) in the reads in flight, the realigner, the beat FIFO,
    // Remcsum's stages or the output slice.
    reg [7:0] n_deliver = 0, n_drop = 0, n_frames_out = 0, n_drops_out = 0;
    always @(posedge clock) begin
        if (dec_valid && dec_ready && dec_deliver) n_deliver <= n_deliver + 1'b1;
        if (dec_valid && dec_ready && !dec_deliver) n_drop <= n_drop + 1'b1;
        if (m_tvalid && m_tlast) n_frames_out <= n_frames_out + 1'b1;
        if (drop_valid) n_drops_out <= n_drops_out + 1'b1;
    end
    reg [7:0] owed_frames, owed_drops;
    integer c;
    always @* begin
        owed_frames = (pr_p1_v && !pr_p1_drop) + (pr_p2_v && !pr_p2_drop) + (pr_nx_v && !pr_nx_drop)
                      + (pr_cur_v && !pr_cur_drop) + (pr_a1_v && pr_a1_last) + (pr_a2_v && pr_a2_last)
                      + pr_pend + (pr_dne && pr_lhead) + (pr_o_valid && pr_o_last);
        for (c = 0; c < 11; c = c + 1) owed_frames = owed_frames + (pr_rc_v[c] && pr_rc_lst[c]);
        owed_drops = (pr_p1_v && pr_p1_drop) + (pr_p2_v && pr_p2_drop) + (pr_nx_v && pr_nx_drop)
                     + (pr_cur_v && pr_cur_drop) + (pr_a1_mk && pr_a1_drop) + (pr_a2_mk && pr_a2_drop) + drop_valid;
    end

    integer s;
    reg [2:0] behind;
    always @* begin
        assert (n_deliver - n_frames_out == owed_frames);
        // a frame's last read is followed by a frame's first read, or none
        if (pr_pend) assert (!(pr_a2_v && !pr_a2_first));
        if (pr_a2_v && pr_a2_last) assert (!(pr_a1_v && !pr_a1_first));
        if (pr_a1_v && pr_a1_last) assert (!(pr_cur_v && !pr_cur_drop && !pr_cur_first));
        assert (n_drop - n_drops_out == owed_drops);
        if (!dec_ready) begin
            assert (pr_cur_v && !pr_cur_drop && !done);
            assert (stalled + w_cur == run_w_now && run_w_now <= RING_BEATS);
        end
        // the outcome, at its latency after the issuer, within the bound of the decision
        if (pos == 5 && since == LAT_DROP && t_drop) begin
            assert (drop_valid && drop_reason == t_reason);
            assert (rem >= 1);
        end
        if (pos == 5 && since == LAT_FRAME + t_fl && !t_drop) begin
            assert (m_tvalid && m_tlast);
            assert (rem >= 1);
        end

        // lemmas: the sink always ready leaves nothing stalled inside (from clock 1)
        assert (pr_dc <= 1 && pr_lc == pr_dc && pr_lne == pr_dne && pr_dne == (pr_dc != 0) && !pr_dm && !pr_lm);
        if (!init) assert (pr_room && pr_ready && !pr_skid);
        if (init) assert (pos == 0 && !pr_p1_v && !pr_p2_v && !pr_nx_v && !pr_cur_v && !pr_a1_v && !pr_a2_v
                          && !pr_a1_mk && !pr_a2_mk && !pr_pend && !pr_dne && pr_rc_v == 0 && !pr_o_valid && !pr_skid);
        // a delivered job's counts agree from stage to stage
        if (pr_p1_v && !pr_p1_drop) assert (pr_p1_ilen != 0 && pr_p1_ilen <= 8 * RING_BEATS);
        if (pr_p2_v && !pr_p2_drop) assert (pr_p2_offlen != 0 && pr_p2_offlen <= 8 * RING_BEATS + 7 && (pr_p2_offlen > 8 || pr_p2_offlc <= 8));
        if (pr_nx_v && !pr_nx_drop) assert (pr_nx_one == (pr_nx_left == 0) && (!pr_nx_one || pr_nx_fl));
        if (pr_cur_v && !pr_cur_drop) assert (pr_cur_one == (pr_cur_left == 0) && (!(pr_cur_one && pr_cur_first) || pr_cur_fl));
        if (pr_a1_v && pr_a1_first && pr_a1_last) assert (pr_a1_fl);
        if (pr_a2_v && pr_a2_first && pr_a2_last) assert (pr_a2_fl);
        // each job's work is at most what its decision brought (the jobs in the egress are the
        // last ones taken, in order: the k-th from p1 is h_k's)
        behind = 0;
        if (pr_p1_v) begin assert (w_p1 <= h0); behind = behind + 1; end
        if (pr_p2_v) begin assert (w_p2 <= (behind == 0 ? h0 : h1)); behind = behind + 1; end
        if (pr_nx_v) begin assert (w_nx <= (behind == 0 ? h0 : behind == 1 ? h1 : h2)); behind = behind + 1; end
        if (pr_cur_v) assert (w_cur <= (behind == 0 ? h0 : behind == 1 ? h1 : behind == 2 ? h2 : h3));
        // the followed decision: its stage, and the work ahead of it within its budget
        assert (h0 <= RING_BEATS && h1 <= RING_BEATS && h2 <= RING_BEATS && h3 <= RING_BEATS);
        if (pos >= 1 && pos <= 4) begin
            assert (phi <= rem);
            // each job ahead, and its own, within its budget; a budget for every job ahead
            assert (own <= b_own && b_own != 0);
            assert (n_ahead < 1 || a1 <= b1);
            assert (n_ahead < 2 || a2 <= b2);
            assert (n_ahead < 3 || a3 <= b3);
            assert ((b1 != 0) == (n_ahead >= 1) && (b2 != 0) == (n_ahead >= 2) && (b3 != 0) == (n_ahead >= 3));
        end
        if (pos == 1) assert (pr_p1_v && pr_p1_drop == t_drop && pr_p1_reason == t_reason);
        if (pos == 2) assert (pr_p2_v && pr_p2_drop == t_drop && pr_p2_reason == t_reason);
        if (pos == 3) assert (pr_nx_v && pr_nx_drop == t_drop && pr_nx_reason == t_reason);
        if (pos == 4) assert (pr_cur_v && pr_cur_drop == t_drop && pr_cur_reason == t_reason);
        if (pos == 5) assert (rem + since >= LAT_FRAME + 2 && since >= 1 && since <= (t_drop ? LAT_DROP : LAT_FRAME + t_fl));
        // and after the issuer, where its drop or its frame's last beat is
        if (pos == 5 && t_drop) begin
            if (since == 1) assert (pr_a1_mk && pr_a1_drop && pr_a1_reason == t_reason);
            if (since == 2) assert (pr_a2_mk && pr_a2_drop && pr_a2_reason == t_reason);
        end
        if (pos == 5 && !t_drop) begin
            if (since == 1) assert (pr_a1_v && pr_a1_last && pr_a1_fl == t_fl);
            if (since == 2) assert (pr_a2_v && pr_a2_last && pr_a2_fl == t_fl);
            if (since == 3 && t_fl) assert (pr_pend);
            if (since == 3 + t_fl) assert (pr_dne && pr_lhead);
            for (s = 0; s < 11; s = s + 1)
                if (since == 4 + t_fl + s) assert (pr_rc_v[s] && pr_rc_lst[s]);
            if (since == LAT_FRAME + t_fl) assert (pr_o_valid && pr_o_last);
        end
    end
    // (task drain_cover) the followed decision's frame out behind another decision: the bound
    // is not met vacuously
    reg had_ahead = 0;
    always @(posedge clock) if (pos >= 1 && pos <= 4 && n_ahead != 0) had_ahead <= 1;
    always @* cover (pos == 5 && !t_drop && since == LAT_FRAME + t_fl && had_ahead);
`endif

    reg [1:0] frames = 0;
    reg gap = 0;   // a clock without an output beat since the last frame went out
    always @(posedge clock) begin
        if (m_tvalid && i_m_tready && m_tlast && frames != 3) frames <= frames + 1;
        if (m_tvalid && i_m_tready && m_tlast) gap <= 0;
        else if (!(m_tvalid && i_m_tready)) gap <= 1;
    end
    always @* begin
        cover (m_tvalid && i_m_tready && m_tlast);
        cover (drop_valid);
        cover (m_tvalid && i_m_tready && m_tlast && frames == 1 && !gap);
    end
endmodule
