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
    input wire m_tready
);
    wire dec_ready, m_tvalid, m_tlast, m_tuser;
    wire [10:0] ram_raddr;
    wire [63:0] m_tdata;
    wire [7:0] m_tkeep;
    wire [23:0] m_vni;
    wire m_rco, m_rco_applied, m_outer_csum_ok, drop_valid;
    wire [15:0] m_csum_start, m_csum_offset, m_csum_complete, free_ptr;
    wire [3:0] drop_reason;

`ifdef LIVE
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

    axis_check #(.K(8), .S(24 + 3 + 48)) out (
        .clock(clock), .rst(i_rst), .tdata(m_tdata), .tkeep(m_tkeep), .tvalid(m_tvalid), .tready(i_m_tready),
        .tlast(m_tlast), .tuser(m_tuser),
        .side({m_vni, m_rco, m_rco_applied, m_outer_csum_ok, m_csum_start, m_csum_offset,
               m_csum_complete})
    );

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
