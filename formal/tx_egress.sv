// TX egress alone (rco_tx_egress_w64, hdl/src/tx/egress.rs): the block that drives the TX
// m_axis. Its inputs are free every clock: the two queue heads (descriptor fields, plan),
// the ingress's commit pointer, the ring's read data and m_axis.tready. The one assumption
// is the plan's contract on the last beat (a last_keep the finish stage can make: non-zero,
// contiguous from lane 0); the other layout fields (beats, header beats, words, patch
// positions) are free, so every plan the finish stage emits is covered and more.
// Checks the m_axis source rules (axis_check). Covers: a frame sent and two frames sent back
// to back; with LAYOUT (the covers) the plan is laid out as the finish stage does for an
// inner frame of f_len bytes (at least an Ethernet header), so the covered frames are real.
// With LEMMAS (the induction): the invariants that make the tkeep rule inductive, on the
// flattened egress's registers (probes pr_*, connected in formal/tx_egress.sby). With LIVE:
// conservation and the deadlock bound, a bounded run; with DRAIN, the deadlock bound for every
// length (see there).
`ifndef DUT
`define DUT rco_tx_egress_w64
`endif

module tx_egress_props (
    input wire clock,
    // the synchronous reset: free, so every property holds across resets too
    input wire rst,
    input wire f_valid,
    input wire f_partial,
    input wire [15:0] f_csum_start,
    input wire [15:0] f_csum_offset,
    input wire [23:0] f_vni,
    input wire [47:0] f_dst_mac,
    input wire [47:0] f_src_mac,
    input wire f_vlan,
    input wire [15:0] f_vlan_tci,
    input wire f_ipv6,
    input wire [127:0] f_src_ip,
    input wire [127:0] f_dst_ip,
    input wire [15:0] f_udp_sport,
    input wire [15:0] f_udp_dport,
    input wire [7:0] f_ttl,
    input wire [15:0] f_ip_id,
    input wire [19:0] f_flow_label,
    input wire f_rco,
    input wire f_udp_csum,
    input wire p_valid,
    input wire [15:0] p_udp_csum,
    input wire [15:0] p_ip_csum,
    input wire [15:0] p_udp_len,
    input wire [15:0] p_ip_len,
    input wire [15:0] p_beats,
    input wire [15:0] p_hdr_beats,
    input wire [15:0] p_words,
    input wire [7:0] p_last_keep,
    input wire [15:0] p_patch_beat_a,
    input wire [15:0] p_patch_beat_b,
    input wire p_patch_first_a,
    input wire p_patch_first_b,
    input wire [15:0] p_patch_bit_a,
    input wire [15:0] p_patch_bit_b,
    input wire [15:0] p_inner_csum,
    input wire [15:0] p_vxlan_flags,
    input wire [15:0] p_vni_low,
    input wire p_patch,
    input wire [15:0] commit,
    input wire [63:0] rd_data,
    input wire m_tready,
    input wire [15:0] f_len,
    // DRAIN: the frame taken on a clock with pick high (the first such) is the one followed
    input wire pick
);
    wire f_ready, p_ready, taken, m_tvalid, m_tlast, m_tuser;
    wire [15:0] rd_ptr;
    wire [11:0] rd_address;
    wire [63:0] m_tdata;
    wire [7:0] m_tkeep;
    wire [31:0] frames_out;

`ifdef LIVE
`define FROM_POWER_UP
`endif
`ifdef DRAIN
`define FROM_POWER_UP
`endif
`ifdef FROM_POWER_UP
    // conservation and the bound count frames from power-up: no reset
    wire i_rst = 0;
`else
    wire i_rst = rst;
`endif
`ifdef DRAIN
    // no control decision reads the ring's data: a constant lets Yosys remove the datapath
    wire [63:0] i_rd_data = 0;
`else
    wire [63:0] i_rd_data = rd_data;
`endif

    `DUT dut (
        .clock(clock),
        .rst(i_rst),
        .fields$valid(f_valid), .fields$ready(f_ready), .fields$partial(f_partial),
        .fields$csum_start(f_csum_start), .fields$csum_offset(f_csum_offset),
        .fields$vni(f_vni), .fields$dst_mac(f_dst_mac), .fields$src_mac(f_src_mac),
        .fields$vlan(f_vlan), .fields$vlan_tci(f_vlan_tci), .fields$ipv6(f_ipv6),
        .fields$src_ip(f_src_ip), .fields$dst_ip(f_dst_ip), .fields$udp_sport(f_udp_sport),
        .fields$udp_dport(f_udp_dport), .fields$ttl(f_ttl), .fields$ip_id(f_ip_id),
        .fields$flow_label(f_flow_label), .fields$rco(f_rco), .fields$udp_csum(f_udp_csum),
        .plan$valid(p_valid), .plan$ready(p_ready), .plan$udp_csum(p_udp_csum),
        .plan$ip_csum(p_ip_csum), .plan$udp_len(p_udp_len), .plan$ip_len(p_ip_len),
        .plan$beats(p_beats), .plan$hdr_beats(p_hdr_beats), .plan$words(p_words),
        .plan$last_keep(p_last_keep), .plan$patch_beat_a(p_patch_beat_a),
        .plan$patch_beat_b(p_patch_beat_b), .plan$patch_first_a(p_patch_first_a),
        .plan$patch_first_b(p_patch_first_b), .plan$patch_bit_a(p_patch_bit_a),
        .plan$patch_bit_b(p_patch_bit_b), .plan$inner_csum(p_inner_csum),
        .plan$vxlan_flags(p_vxlan_flags), .plan$vni_low(p_vni_low), .plan$patch(p_patch),
        .taken(taken), .commit(commit), .rd_ptr(rd_ptr), .rd_address(rd_address),
        .rd_data(i_rd_data),
        .m_axis$tdata(m_tdata), .m_axis$tkeep(m_tkeep), .m_axis$tvalid(m_tvalid),
        .m_axis$tready(m_tready), .m_axis$tlast(m_tlast), .m_axis$tuser(m_tuser),
        .frames_out(frames_out)
    );

    // the finish stage's last_keep: !(ones << rem), or all lanes (the plan's only assumption
    // outside LAYOUT)
    always @* if (p_valid) assume (p_last_keep[0] && ((p_last_keep & (p_last_keep + 1'b1)) == 0));

`ifdef LAYOUT
    // hlen: outer Ethernet [802.1Q] / IPv4 | IPv6 / UDP / VXLAN (headers::outer_header_len)
    wire [15:0] hlen = 16'd50 + (f_vlan ? 16'd4 : 16'd0) + (f_ipv6 ? 16'd20 : 16'd0);
    wire [15:0] total = hlen + f_len;
    always @* if (p_valid) begin
        assume (f_len >= 14 && f_len <= 9216);
        assume (p_hdr_beats == hlen >> 3 && p_words == (f_len + 16'd7) >> 3);
        assume (p_beats == (total + 16'd7) >> 3);
        assume (p_last_keep == (total[2:0] == 0 ? 8'hff : ~(8'hff << total[2:0])));
    end
`endif

    // the queues' consumer contract: a plan (and its fields) is taken only while valid
    always @* if (!i_rst && p_ready) assert (p_valid && f_ready);

    // (DRAIN leaves them to the jobs that prove them)
`ifndef DRAIN
    axis_check #(.K(8), .S(1)) out (
        .clock(clock), .rst(i_rst), .tdata(m_tdata), .tkeep(m_tkeep), .tvalid(m_tvalid), .tready(m_tready),
        .tlast(m_tlast), .tuser(m_tuser), .side(1'b0)
    );
`endif

`ifdef LEMMAS
    // probes, connected by the .sby's script to the flattened egress's registers
    wire pr_s_full, pr_e_send, pr_e_mid, pr_take_r, pr_fire_r, pr_o_ready;
    wire [7:0] pr_s_lastkeep, pr_e_lastkeep;
    wire pr_o_valid, pr_o_last, pr_k_valid, pr_k_last;
    wire [7:0] pr_o_keep, pr_k_keep;
    function packed_keep(input [7:0] k);
        packed_keep = k[0] && ((k & (k + 1'b1)) == 0);
    endfunction
    // a last_keep stays packed from the plan through the slot and the egress into the
    // output slice's two registers (their idle contents are what reset left: zeros)
    always @* begin
        // the registered take and fire are the rules they were computed ahead by
        assert (pr_take_r == (pr_s_full && !pr_e_mid && (!pr_e_send || pr_o_ready)));
        assert (pr_fire_r == (pr_e_send && pr_o_ready));
        if (pr_s_full) assert (packed_keep(pr_s_lastkeep));
        if (pr_e_send) assert (packed_keep(pr_e_lastkeep));
        if (pr_o_valid) assert (pr_o_last ? packed_keep(pr_o_keep) : &pr_o_keep);
        if (pr_k_valid) assert (pr_k_last ? packed_keep(pr_k_keep) : &pr_k_keep);
    end
`endif

`ifdef LIVE
    // Conservation and the deadlock bound (task live, a bounded run, with LAYOUT): every frame
    // taken from the queues leaves as exactly one frame on m_axis (one tlast beat), and
    // frames_out counts them; with the sink always ready, the ring's words always committed
    // (commit far ahead of rd_ptr: an ingress that is never late) and inner frames of at most
    // MAX_LEN bytes, BOUND clocks after the last frame taken every frame is out. BOUND is the
    // smallest that holds: with TIGHT (task live_tight) it is one clock shorter, which must end
    // in a counterexample.
    localparam MAX_LEN = 40;
`ifdef TIGHT
`define BOUND 29
`else
`define BOUND 30
`endif
    always @* begin
        assume (m_tready);
        assume (commit == rd_ptr + 16'h4000);
        // the two queues move together (TxEncap pushes a frame's descriptor and plan at once)
        assume (f_valid == p_valid);
        if (p_valid) assume (f_len <= MAX_LEN);
    end
    reg [5:0] frames_in = 0, frames_sent = 0;
    reg [5:0] quiet = 0;        // clocks since the last frame was taken
    always @(posedge clock) begin
        if (taken) begin
            quiet <= 0;
            frames_in <= frames_in + 1;
        end else if (quiet != 63) quiet <= quiet + 1;
        if (m_tvalid && m_tready && m_tlast) frames_sent <= frames_sent + 1;
    end
    always @* begin
        assert (frames_out[5:0] == frames_sent && frames_out[31:6] == 0);
        // no frame out that was not taken
        if (m_tvalid && m_tlast) assert (frames_sent < frames_in);
        // nothing left behind
        if (quiet >= `BOUND) assert (frames_sent == frames_in);
    end
`endif

`ifdef DRAIN
    // The deadlock bound for every length (task drain, k-induction): with the sink always
    // ready, a frame taken from the queues at clock t has its last beat on m_axis by t + B at
    // the latest, B = its beats + the beats of the frame still being sent ahead of it (at most
    // one) + 2. Which frame is followed is free (pick), so the bound holds for each. Plans are
    // laid out as the finish stage does (LAYOUT, inner frames of up to 9216 bytes); the ring's
    // commit pointer is free (the egress never waits for it).
    always @* assume (m_tready);
    // above every plan's beats under LAYOUT: (74-byte outer header + 9216 + 7) / 8 = 1162
    localparam MAX_BEATS = 1200;

    // probes, connected by the .sby's script to the flattened egress's registers
    wire pr_s_full, pr_s_last0, pr_s_pen0, pr_e_send, pr_e_mid, pr_e_last, pr_e_pen;
    wire pr_take_r, pr_fire_r, pr_o_ready, pr_o_valid, pr_o_last, pr_k_valid;
    wire [15:0] pr_s_nbeats, pr_e_bleft;
    // the egress's take (the slot into the egress) and fire (a beat into the output slice)
    wire take = pr_take_r, fire = pr_fire_r;

    reg init = 1;   // clock 0: the output slice's ready is still low
    always @(posedge clock) init <= 0;

    // the beats of the last two frames taken (h0 the newest)
    reg [15:0] h0 = 0, h1 = 0;
    always @(posedge clock) if (taken) {h0, h1} <= {p_beats, h0};

    // the followed frame: 1 in the slot, 2 in the egress, 3 its last beat in the slice, 4 out
    reg [1:0] pos = 0;   // (0: none yet)
    reg t_out = 0;
    reg [15:0] b_own = 0, b1 = 0;   // its beats, and those of the frame ahead (0: none)
    reg [15:0] rem = 0;             // clocks left to its deadline
    // the frame ahead stays if the egress is sending and this is not its last beat
    wire ahead_stays = pr_e_send && !(fire && pr_e_last);
    always @(posedge clock) begin
        if (pos != 0 && !t_out) rem <= rem - 1'b1;
        if (pos == 1 && fire && pr_e_last) b1 <= 0;
        case (pos)
            0: if (taken && pick) begin
                pos <= 1;
                b_own <= p_beats;
                b1 <= ahead_stays ? h0 : 0;
                rem <= (ahead_stays ? h0 : 16'd0) + (p_beats + 16'd2);
            end
            1: if (take) pos <= 2;
            2: if (fire && pr_e_last) pos <= 3;
            3: t_out <= 1;
        endcase
    end
    // what it may still wait: the beats left of the frame ahead (the front), its own budget
    // (or, once it is the front, its beats left), the slot; nested alike with rem
    wire [15:0] t1 = pos == 1 && pr_e_send ? pr_e_bleft : 16'd0;
    wire [15:0] t0 = pos == 1 ? b_own : pr_e_bleft;
    wire [17:0] phi = t1 + (t0 + ((pos == 1 ? 16'd1 : 16'd0) + 16'd1));

    // how long the plan queue's head waits: the slot is full only until the egress takes it,
    // at the last beat of the frame it sends, so a plan waits at most that frame's beats left
    // when the wait began (run_w; 1 with the egress idle)
    reg [15:0] stalled = 0;   // clocks the queues' head has not been taken before this one
    reg [15:0] run_w = 0;
    wire [15:0] left_now = pr_e_send ? pr_e_bleft : 16'd1;
    wire [15:0] run_w_now = stalled == 0 ? left_now : run_w;
    always @(posedge clock) begin
        stalled <= p_ready || !pr_s_full ? 0 : stalled + 1'b1;
        run_w <= run_w_now;
    end

    // Conservation for every length: every frame taken leaves as exactly one frame (one tlast
    // beat), and frames_out counts them; a frame still owed is in the slot, in the egress, or
    // its last beat in the output slice (counts modulo 256)
    reg [7:0] n_taken = 0, n_sent = 0;
    always @(posedge clock) begin
        if (taken) n_taken <= n_taken + 1'b1;
        if (m_tvalid && m_tlast) n_sent <= n_sent + 1'b1;
    end

    always @* begin
        assert (n_taken - n_sent == pr_s_full + pr_e_send + (pr_o_valid && pr_o_last));
        assert (frames_out[7:0] == n_sent);
        // the outcome: its last beat on m_axis, within its bound
        if (pos == 3 && !t_out) assert (m_tvalid && m_tlast && rem >= 1);
        // the queues' head is taken whenever the slot is empty; a full slot waits at most the
        // egress's frame
        assert (p_ready == (p_valid && !pr_s_full));
        if (pr_s_full) assert (stalled + left_now == run_w_now && run_w_now <= MAX_BEATS);

        // lemmas: the sink always ready leaves nothing stalled (from clock 1)
        if (!init) assert (pr_o_ready && !pr_k_valid && fire == pr_e_send);
        if (init) assert (pos == 0 && !pr_s_full && !pr_e_send && !pr_o_valid && !pr_k_valid && !fire && !take);
        assert (take == (pr_s_full && !pr_e_mid && (!pr_e_send || pr_o_ready)));
        // the beat counters and flags agree; the slot holds the last frame taken, the egress
        // the one before it if the slot is full
        if (pr_e_send) assert (pr_e_bleft != 0 && pr_e_last == (pr_e_bleft == 1) && pr_e_pen == (pr_e_bleft == 2)
                               && pr_e_mid == (pr_e_bleft >= 2) && pr_e_bleft <= (pr_s_full ? h1 : h0));
        else assert (!pr_e_mid);
        if (pr_s_full) assert (pr_s_nbeats == h0 && pr_s_nbeats != 0 && pr_s_last0 == (h0 == 1) && pr_s_pen0 == (h0 == 2));
        assert (h0 <= MAX_BEATS && h1 <= MAX_BEATS);
        // the followed frame: where it is, and the work ahead of it within its clocks left
        if (pos == 1) assert (pr_s_full && pr_s_nbeats == b_own && (b1 != 0) == pr_e_send && (!pr_e_send || pr_e_bleft <= b1));
        if (pos == 2) assert (pr_e_send);
        if (pos == 1 || pos == 2) assert (phi <= rem && b_own <= MAX_BEATS && b1 <= MAX_BEATS);
        if (pos == 3 && !t_out) assert (pr_o_valid && pr_o_last);
    end
    // (task drain_cover) the followed frame out behind a frame that was being sent when it was
    // taken: the bound is not met vacuously
    reg had_ahead = 0;
    always @(posedge clock) if (pos == 1 && b1 != 0) had_ahead <= 1;
    always @* cover (pos == 3 && !t_out && had_ahead);
`endif

    reg [1:0] frames = 0;
    reg gap = 0;   // a clock without an output beat since the last frame went out
    always @(posedge clock) begin
        if (m_tvalid && m_tready && m_tlast && frames != 3) frames <= frames + 1;
        if (m_tvalid && m_tready && m_tlast) gap <= 0;
        else if (!(m_tvalid && m_tready)) gap <= 1;
    end
    always @* begin
        cover (m_tvalid && m_tready && m_tlast);
        cover (m_tvalid && m_tready && m_tlast && frames == 1 && !gap);
    end
endmodule
