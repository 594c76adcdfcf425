// TX block the NIC top uses (rco_tx_encap_w64, hdl/src/tx/): host stream, descriptor and
// m_axis.tready free every clock. Checks the m_axis source rules (axis_check). Covers: a
// frame sent (m_axis tlast taken) and two frames sent back to back. The other jobs on this
// wrapper cut blocks out (Yosys cutpoint in formal/tx.sby: their outputs free) and check one
// link of TX each, with the links it leans on assumed (each proved by its own job):
//   PLAN       the finish stage and the plan queue: the plan contract the egress assumes
//   CREDIT     the frame credit: no queue pushed when full; with CONSERVE: frames taken =
//              egress takes + drops + frames holding a credit, each drop counted once
`ifndef DUT
`define DUT rco_tx_encap_w64
`endif

module tx_props (
    input wire clock,
    // the synchronous reset: free, so every property holds across resets too
    input wire rst,
    input wire [63:0] s_tdata,
    input wire [7:0] s_tkeep,
    input wire s_tvalid,
    input wire s_tlast,
    input wire s_tuser,
    input wire m_tready,
    input wire d_valid,
    input wire d_partial,
    input wire [15:0] d_csum_start,
    input wire [15:0] d_csum_offset,
    input wire [23:0] d_vni,
    input wire [47:0] d_dst_mac,
    input wire [47:0] d_src_mac,
    input wire d_vlan,
    input wire [15:0] d_vlan_tci,
    input wire d_ipv6,
    input wire [127:0] d_src_ip,
    input wire [127:0] d_dst_ip,
    input wire [15:0] d_udp_sport,
    input wire [15:0] d_udp_dport,
    input wire [7:0] d_ttl,
    input wire [15:0] d_ip_id,
    input wire [19:0] d_flow_label,
    input wire d_rco,
    input wire d_udp_csum
);
    wire s_tready, d_ready, m_tvalid, m_tlast, m_tuser;
    wire [63:0] m_tdata;
    wire [7:0] m_tkeep;
    wire [31:0] drop_truncated, drop_too_long, drop_bad_desc, drop_bad_keep;

    wire i_rst = rst;

    `DUT dut (
        .clock(clock),
        .rst(i_rst),
        .s_axis$tdata(s_tdata), .s_axis$tkeep(s_tkeep), .s_axis$tvalid(s_tvalid),
        .s_axis$tready(s_tready), .s_axis$tlast(s_tlast), .s_axis$tuser(s_tuser),
        .desc$valid(d_valid), .desc$ready(d_ready), .desc$partial(d_partial),
        .desc$csum_start(d_csum_start), .desc$csum_offset(d_csum_offset), .desc$vni(d_vni),
        .desc$dst_mac(d_dst_mac), .desc$src_mac(d_src_mac), .desc$vlan(d_vlan),
        .desc$vlan_tci(d_vlan_tci), .desc$ipv6(d_ipv6), .desc$src_ip(d_src_ip),
        .desc$dst_ip(d_dst_ip), .desc$udp_sport(d_udp_sport), .desc$udp_dport(d_udp_dport),
        .desc$ttl(d_ttl), .desc$ip_id(d_ip_id), .desc$flow_label(d_flow_label),
        .desc$rco(d_rco), .desc$udp_csum(d_udp_csum),
        .m_axis$tdata(m_tdata), .m_axis$tkeep(m_tkeep), .m_axis$tvalid(m_tvalid),
        .m_axis$tready(m_tready), .m_axis$tlast(m_tlast), .m_axis$tuser(m_tuser),
        .drop_truncated(drop_truncated), .drop_too_long(drop_too_long),
        .drop_bad_desc(drop_bad_desc), .drop_bad_keep(drop_bad_keep)
    );

    axis_check #(.K(8), .S(1)) out (
        .clock(clock), .rst(i_rst), .tdata(m_tdata), .tkeep(m_tkeep), .tvalid(m_tvalid), .tready(m_tready),
        .tlast(m_tlast), .tuser(m_tuser), .side(1'b0)
    );

`ifdef PLAN
    // The plan contract tx_egress_prove assumes, asserted where the egress takes its plans
    // (task prove_plan: the ingress and the egress cut out): a valid plan's last_keep is
    // packed (non-zero, contiguous from lane 0). The finish stage computes it from the frame's
    // length alone; the plan queue must hand it on unchanged. Assumed: no plan is pushed into
    // a full plan queue (TxEncap's frame credit, proved by prove_credit), and the egress takes a
    // plan only while one is valid (its ready is valid && slot free: tx_egress_prove checks
    // that). Lemmas on the plan queue:
    // its last_keep FIFO moves with the FIFO whose flag is the plan's valid; count, flags and
    // pointers agree; every entry in it (the head register, entry k at address rd + k - 1)
    // is packed.
    function packed_keep(input [7:0] k);
        packed_keep = k[0] && ((k & (k + 1'b1)) == 0);
    endfunction
    wire pr_plan_valid, pr_plan_ready, pr_push, pr_pne, pr_pm, pr_kne, pr_km;
    wire [7:0] pr_plan_keep, pr_pc, pr_kc, pr_krd, pr_kwr, pr_khead;
    wire [16*8-1:0] pr_kmem;
    integer pa;
    always @* if (!i_rst) begin
        if (pr_push) assume (pr_pc < 16);
        if (pr_plan_ready) assume (pr_plan_valid);
        if (pr_plan_valid) assert (packed_keep(pr_plan_keep));
`ifndef NO_LEMMAS
        assert (pr_pc <= 16 && pr_pne == (pr_pc != 0) && pr_pm == (pr_pc > 1));
        assert (pr_kc == pr_pc && pr_kne == pr_pne && pr_km == pr_pm);
        assert (pr_krd < 16 && pr_kwr < 16 && pr_kwr[3:0] == pr_krd[3:0] + pr_kc[3:0]);
        if (pr_kne) assert (packed_keep(pr_khead));
        for (pa = 0; pa < 16; pa = pa + 1)
            if (((pa - pr_krd) & 15) + 2 <= pr_kc) assert (packed_keep(pr_kmem[8 * pa +: 8]));
`endif
    end
`endif

`ifdef CREDIT
    // The TX frame credit (task prove_credit): no descriptor, fields or plan is pushed into a
    // full queue, whatever the traffic. The egress and both checksum engines are cut out: the
    // egress takes a frame whenever it likes (assumed: only while a plan is valid, taking its
    // fields with it, as tx_egress_prove checks), and the all-frame engine's sum_valid is
    // assumed to come exactly ENG_LAT clocks after each last beat it took (what csum_prove
    // proves). A frame holds a credit from its descriptor's take to the egress's take or its
    // drop; the lemmas count where each such frame is: at the port mid-frame, its last beat in
    // stage y, in the engine (hist), its descriptor queued (desc_q, with its input register),
    // in the finish stage's seven stages, its plan queued.
    localparam ENG_LAT = 7;
    wire pr_in_frame, pr_y_valid, pr_y_last, pr_take, pr_pulse;
    wire pr_plan_push, pr_plan_valid, pr_plan_ready, pr_fields_ready, pr_taken;
    wire pr_dq_r, pr_dq_ne, pr_dq_m, pr_fq_r, pr_fq_ne, pr_fq_m, pr_pq_ne, pr_pq_m;
    wire pr_took_r, pr_taken_r, pr_dropped_r;
    wire [6:0] pr_fin_v;   // the finish stage's a..g valid flags
    wire [7:0] pr_dq_cnt, pr_fq_cnt, pr_pq_cnt, pr_in_flight;
    reg [ENG_LAT-1:0] hist = 0;   // last beats the engine took, 1..ENG_LAT clocks ago
    wire eng_last = pr_y_valid && pr_y_last;
    always @(posedge clock) hist <= i_rst ? 0 : {hist[ENG_LAT-2:0], eng_last};
    integer ci;
    reg [7:0] in_engine, in_finish;
    always @* begin
        in_engine = 0;
        for (ci = 0; ci < ENG_LAT; ci = ci + 1) in_engine = in_engine + hist[ci];
        in_finish = 0;
        for (ci = 0; ci < 7; ci = ci + 1) in_finish = in_finish + pr_fin_v[ci];
    end
    // frames with a descriptor whose pulse has not come, and frames holding a credit
    wire [7:0] awaiting = pr_in_frame + eng_last + in_engine;
    wire [7:0] holding = pr_dq_r + pr_dq_cnt + in_finish + pr_pq_cnt;
    always @* if (!i_rst) begin
        assume (pr_pulse == hist[ENG_LAT-1]);
        if (pr_plan_ready) assume (pr_plan_valid);
        assume (pr_fields_ready == pr_plan_ready && pr_taken == pr_plan_ready);
        if (pr_dq_r) assert (pr_dq_cnt < 16);
        if (pr_fq_r) assert (pr_fq_cnt < 16);
        if (pr_plan_push) assert (pr_pq_cnt < 16);
        assert (pr_dq_r + pr_dq_cnt == awaiting);
        assert (pr_fq_r + pr_fq_cnt == pr_pq_cnt + in_finish);
        assert (pr_in_flight + pr_took_r - pr_taken_r - pr_dropped_r == pr_dq_r + pr_dq_cnt + in_finish + pr_pq_cnt);
        assert (pr_dq_cnt <= 16 && pr_dq_ne == (pr_dq_cnt != 0) && pr_dq_m == (pr_dq_cnt > 1));
        assert (pr_fq_cnt <= 16 && pr_fq_ne == (pr_fq_cnt != 0) && pr_fq_m == (pr_fq_cnt > 1));
        assert (pr_pq_cnt <= 16 && pr_pq_ne == (pr_pq_cnt != 0) && pr_pq_m == (pr_pq_cnt > 1));
        assert (holding + pr_take <= `CREDIT_BOUND);
    end
`ifdef CONSERVE
    // Conservation (task prove_conserve, the cuts of prove_credit), with counters modulo 256:
    // every frame that took a descriptor is, exactly once, taken by the egress, dropped by the
    // finish stage, or holding its credit; and each drop is counted once, under its reason.
    // A frame's last beat passes stage z (where a drop is counted), w, r (its record) one
    // clock apart, 2, 3 and 4 clocks after the port took it, and its record waits in the finish
    // stage's record FIFO for the engine's pulse (hist[ENG_LAT-1]); records and pulses stay
    // matched (the bug class of verilog-ethernet #186 and #206, FIFOs drifting apart).
    wire pr_ev, pr_ev_valid, pr_fin_dropped, pr_w_drop, pr_r_valid, pr_r_drop, pr_rec_ne, pr_rec_m;
    wire pr_rec_head, pr_z_last, pr_w_last;
    wire [3:0] pr_ev_reason, pr_ev_q_reason;
    wire [7:0] pr_rec_cnt, pr_rec_rd, pr_rec_wr;
    wire [15:0] pr_rec_mem;
    wire [4*32-1:0] drop_counts = {drop_bad_keep, drop_bad_desc, drop_too_long, drop_truncated};
    reg [7:0] n_take = 0, n_taken = 0, n_dropped = 0, n_ev = 0;
    reg [7:0] n_reason [0:3];
    integer cr;
    initial for (cr = 0; cr < 4; cr = cr + 1) n_reason[cr] = 0;
    always @(posedge clock) begin
        n_take <= n_take + pr_take;
        n_taken <= n_taken + pr_taken;
        n_dropped <= n_dropped + pr_fin_dropped;
        n_ev <= n_ev + pr_ev;
        for (cr = 0; cr < 4; cr = cr + 1) n_reason[cr] <= n_reason[cr] + (pr_ev && pr_ev_reason == cr);
        if (i_rst) begin
            {n_take, n_taken, n_dropped, n_ev} <= 0;
            for (cr = 0; cr < 4; cr = cr + 1) n_reason[cr] <= 0;
        end
    end
    // the drops among the records waiting: the head register, entry k at address rd + k - 1
    reg [7:0] rec_drops;
    always @* begin
        rec_drops = pr_rec_ne && pr_rec_head;
        for (cr = 0; cr < 16; cr = cr + 1)
            if (((cr - pr_rec_rd) & 15) + 2 <= pr_rec_cnt) rec_drops = rec_drops + pr_rec_mem[cr];
    end
    always @* if (!i_rst) begin
        assert (n_take == n_taken + n_dropped + holding);
        assert (n_ev == n_dropped + (hist[1] && pr_w_drop) + (pr_r_valid && pr_r_drop) + rec_drops);
        for (cr = 0; cr < 4; cr = cr + 1)
            assert (drop_counts[32*cr +: 8] + (pr_ev_valid && pr_ev_q_reason == cr) == n_reason[cr]);
        // lemmas: the stages and the record FIFO hold the last beats the engine took
        assert (pr_z_last == hist[0] && pr_w_last == hist[1] && pr_r_valid == hist[2]);
        if (pr_ev) assert (pr_z_last);
        assert (pr_rec_cnt == hist[3] + hist[4] + hist[5] + hist[6]);
        assert (pr_rec_ne == (pr_rec_cnt != 0) && pr_rec_m == (pr_rec_cnt > 1) && pr_rec_rd < 16);
        assert (pr_rec_wr < 16 && pr_rec_wr[3:0] == pr_rec_rd[3:0] + pr_rec_cnt[3:0]);
    end
    // The finish stage's fixed latency: each pulse pops the record at the FIFO's head (there
    // is one: hist[6] is counted in it); a dropped frame leaves at its pulse, a good frame's
    // plan is pushed exactly 7 clocks after it, one stage a clock, and nothing else is pushed.
    // With the engine's ENG_LAT (csum_prove) and stage y: a good frame's plan is in the plan
    // queue exactly 1 + ENG_LAT + 7 clocks after its last beat left stage y's input.
    reg [6:0] good = 0;   // good frames' pulses, 1..7 clocks ago
    always @(posedge clock) good <= i_rst ? 0 : {good[5:0], hist[ENG_LAT-1] && !pr_rec_head};
    always @* if (!i_rst) begin
        if (hist[ENG_LAT-1]) assert (pr_rec_ne);
        assert (pr_fin_dropped == (hist[ENG_LAT-1] && pr_rec_head));
        assert (pr_fin_v == good);
        assert (pr_plan_push == good[6]);
    end
`endif
`endif

    reg [1:0] frames = 0;
    reg gap = 0;   // a clock without an output beat since the last frame went out
    always @(posedge clock) begin
        if (m_tvalid && m_tready && m_tlast && frames != 3) frames <= frames + 1;
        if (m_tvalid && m_tready && m_tlast) gap <= 0;
        else if (!(m_tvalid && m_tready)) gap <= 1;
    end
    always @* begin
`ifdef BACK_TO_BACK
        cover (m_tvalid && m_tready && m_tlast && frames == 1 && !gap);
`else
        cover (m_tvalid && m_tready && m_tlast);
`endif
    end
endmodule
