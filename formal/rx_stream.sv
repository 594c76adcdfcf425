// RX top (rco_rx_w64): every input free each clock except the configuration, which holds
// its first value. Checks the m_axis source rules with the metadata as sideband (axis_check)
// and that in MAC mode (backpressure low) s_axis.tready never falls. Covers: a frame
// delivered (m_axis tlast taken), two frames delivered back to back, a drop event, a drop
// event of each reason. The other jobs on this wrapper cut blocks out of the top (Yosys
// cutpoint in formal/rx.sby: their outputs free) and check one link of RX each, with the
// links it leans on assumed (each proved by its own job):
//   CUT        the top's gate between the egress and m_axis (the egress's rules assumed)
//   RECORD     the ingress's frame records: a length that fits the ring beats
//   DECIDE     the checks' decisions: the contract the egress assumes
//   CREDIT     with LATENCY: record to decision in a fixed time; alone: the queue-slot credit;
//              with CONSERVE: frames in = taken + dropped + overflow + on their way
//   QUEUE      the decision queue hands the contract on
//   HOLD       with CUT: the drop-order gate holds a last beat a bounded time
//   OVERFLOW_COVER, RCO_FRAME_COVER: an overflow count; a good RCO frame delivered
`ifndef DUT
`define DUT rco_rx_w64
`endif

module rx_props (
    input wire clock,
    // the synchronous reset: free, so every property holds across resets too
    input wire rst,
    input wire [63:0] s_tdata,
    input wire [7:0] s_tkeep,
    input wire s_tvalid,
    input wire s_tlast,
    input wire s_tuser,
    input wire m_tready,
    input wire [15:0] port,
    input wire remcsum_rx,
    input wire nopartial,
    input wire udp_zero_csum6_rx,
    input wire [15:0] max_frame,
    input wire backpressure
);
    wire s_tready, m_tvalid, m_tlast, m_tuser;
    wire [63:0] m_tdata;
    wire [7:0] m_tkeep;
    wire [23:0] m_vni;
    wire m_rco, m_rco_applied, m_outer_csum_ok, drop_valid;
    wire [15:0] m_csum_start, m_csum_offset, m_csum_complete;
    wire [3:0] drop_reason;
    wire [14*32-1:0] drop_count;   // drop_count$i at [32*i +: 32]
    wire [31:0] overflow_count = drop_count[32*13 +: 32];

`ifdef RCO_FRAME_COVER
    wire i_rst = 0;
`elsif HOLD
    wire i_rst = 0;
`else
    wire i_rst = rst;
`endif

    `DUT dut (
        .clock(clock),
        .rst(i_rst),
        .s_axis$tdata(s_tdata), .s_axis$tkeep(s_tkeep), .s_axis$tvalid(s_tvalid),
        .s_axis$tready(s_tready), .s_axis$tlast(s_tlast), .s_axis$tuser(s_tuser),
        .m_axis$tdata(m_tdata), .m_axis$tkeep(m_tkeep), .m_axis$tvalid(m_tvalid),
        .m_axis$tready(m_tready), .m_axis$tlast(m_tlast), .m_axis$tuser(m_tuser),
        .port(port), .remcsum_rx(remcsum_rx), .nopartial(nopartial),
        .udp_zero_csum6_rx(udp_zero_csum6_rx), .max_frame(max_frame), .backpressure(backpressure),
        .m_vni(m_vni), .m_rco(m_rco), .m_rco_applied(m_rco_applied),
        .m_csum_start(m_csum_start), .m_csum_offset(m_csum_offset),
        .m_csum_complete(m_csum_complete), .m_outer_csum_ok(m_outer_csum_ok),
        .drop_valid(drop_valid), .drop_reason(drop_reason),
        .drop_count$0(drop_count[32*0 +: 32]), .drop_count$1(drop_count[32*1 +: 32]),
        .drop_count$2(drop_count[32*2 +: 32]), .drop_count$3(drop_count[32*3 +: 32]),
        .drop_count$4(drop_count[32*4 +: 32]), .drop_count$5(drop_count[32*5 +: 32]),
        .drop_count$6(drop_count[32*6 +: 32]), .drop_count$7(drop_count[32*7 +: 32]),
        .drop_count$8(drop_count[32*8 +: 32]), .drop_count$9(drop_count[32*9 +: 32]),
        .drop_count$10(drop_count[32*10 +: 32]), .drop_count$11(drop_count[32*11 +: 32]),
        .drop_count$12(drop_count[32*12 +: 32]),
        // overflow (code 13) is counted without a drop event
        .drop_count$13(drop_count[32*13 +: 32])
    );

    axis_check #(.K(8), .S(24 + 3 + 48)) out (
        .clock(clock), .rst(i_rst), .tdata(m_tdata), .tkeep(m_tkeep), .tvalid(m_tvalid), .tready(m_tready),
        .tlast(m_tlast), .tuser(m_tuser),
        .side({m_vni, m_rco, m_rco_applied, m_outer_csum_ok, m_csum_start, m_csum_offset,
               m_csum_complete})
    );

`ifdef CUT
    wire pr_e_tvalid, pr_e_tready;
    axis_check #(.K(8), .S(24 + 3 + 48), .ASSUME(1)) egress_out (
        .clock(clock), .rst(i_rst), .tdata(m_tdata), .tkeep(m_tkeep), .tvalid(pr_e_tvalid),
        .tready(pr_e_tready), .tlast(m_tlast), .tuser(m_tuser),
        .side({m_vni, m_rco, m_rco_applied, m_outer_csum_ok, m_csum_start, m_csum_offset,
               m_csum_complete})
    );
`endif

`ifdef HOLD
    // The drop-order stage's delay (tasks prove_hold, bmc_hold: the front end and the egress
    // cut out as for prove_top, m_axis always ready, no reset): a delivered frame's last beat,
    // shown by the egress, is held back (hold_last) fewer than HOLD_MAX clocks in a row.
    // Assumed of the egress, from rx_egress_drain's conservation: while it shows a last beat, a
    // delivered decision it was given is still owed (delivered_taken != delivered_out), and the
    // deliveries taken and not out are at most OWED_MAX (the egress owes at most 19, the
    // decision slice holds 2). Why it ends: while a last beat is held no frame leaves, so no
    // queued drop becomes due and a drop queued now (its tag is delivered_taken) is not due;
    // the due drops are released one a clock, and the queue offers drops only while the drop
    // FIFO has room. Each held clock after the first follows a push or a release, which spends
    // the potential 3 * (drops due) + (pushes the room still allows).
    localparam OWED_MAX = 32;
    localparam HOLD_MAX = 32;
    wire pr_hold, pr_dwd, pr_dleft, pr_ostall, pr_droom, pr_dne, pr_dm, pr_push, pr_release;
    wire [15:0] pr_taken, pr_out;
    wire [7:0] pr_dcnt, pr_drd, pr_dwr;
    wire [19:0] pr_dhead;
    wire [159:0] pr_dmem;
    always @* begin
        assume (m_tready);
        if (pr_e_tvalid && m_tlast) assume (pr_taken != pr_out);
        assume (pr_taken - pr_out <= OWED_MAX);
    end
    // the drop FIFO's entries and their tags (the deliveries before them): the head (position
    // 0) in a register, position k > 0 at memory address rd + k - 1
    wire [15:0] head_tag = pr_dhead[19:4];
    reg [15:0] mtag [0:7];
    reg [7:0] mpos [0:7];
    reg mvalid [0:7];
    reg [7:0] due_n;     // entries whose deliveries have all left (the release test's sign bit)
    reg [15:0] ahead;    // out - tag
    integer hp;
    always @* begin
        ahead = pr_out - head_tag;
        due_n = pr_dne && !ahead[15];
        for (hp = 0; hp < 8; hp = hp + 1) begin
            mtag[hp] = pr_dmem[20 * hp + 4 +: 16];
            mpos[hp] = ((hp - pr_drd) & 7) + 1;
            mvalid[hp] = mpos[hp] + 1 <= pr_dcnt;
            ahead = pr_out - mtag[hp];
            if (mvalid[hp] && !ahead[15]) due_n = due_n + 1'b1;
        end
    end
    // pushes the room still allows with no release (drop_room is the count < 6 of a clock
    // ago); a release can add two
    wire [7:0] room_left = pr_dcnt < 6 ? 7 - pr_dcnt : pr_droom ? 1 : 0;
    // a shown last beat held back (hold_last also masks a beat not shown, to no effect)
    wire held_now = pr_hold && pr_e_tvalid;
    reg [7:0] held = 0;   // clocks it has been held before this one
    reg moved = 0;        // a drop was pushed or released the clock before
    always @(posedge clock) begin
        held <= held_now ? held + 1'b1 : 0;
        moved <= pr_push || pr_release;
    end
    always @* begin
        // the property
        if (held_now) assert (held < HOLD_MAX);
        // lemmas: the FIFO's count, flags and pointers; nothing stalls the output
        assert (!pr_ostall);
        assert (pr_dcnt <= 7 && pr_dne == (pr_dcnt != 0) && pr_dm == (pr_dcnt > 1));
        if (pr_droom) assert (pr_dcnt <= 6);
        assert (pr_drd < 8 && pr_dwr < 8 && pr_dwr[2:0] == pr_drd[2:0] + pr_dcnt[2:0]);
        // the potential: a held clock after the first follows a push or a release
        if (held_now) assert (held + 3 * due_n + room_left <= HOLD_MAX - 1);
        if (held_now && held != 0) assert (moved && pr_dwd && !pr_dleft);
    end
`endif

`ifdef RECORD
    // The record contract rx_decide_prove assumes, asserted where the ingress and the header
    // extractor make it (task prove_record: the checks and the egress cut out): a frame's
    // length fits its ring beats unless it is flagged overflow, too long or bad tkeep. Lemmas on
    // the ingress's port stage (byte position pos, mid-frame, its flags) and stage I1 (the beat
    // it writes, the frame's writes so far in beats). A clean frame (no flag so far) has full
    // beats but its last, and I1 writes every beat of it.
    wire pr_h_valid, pr_h_overflow, pr_h_too_long, pr_h_bad_keep;
    wire [15:0] pr_h_len, pr_h_beats;
    wire pr_mid, pr_tl, pr_nocredit, pr_i1_v, pr_i1_last, pr_i1_tl, pr_i1_nc, pr_i1_bk;
    wire pr_sticky_ovf, pr_sticky_bk;
    wire [15:0] pr_pos, pr_rem, pr_i1_len, pr_beats;
    wire [18:0] written = {pr_beats, 3'b000};
    wire [18:0] i1_len = {3'b000, pr_i1_len};
    wire i1_clean = !pr_i1_tl && !pr_i1_nc && !pr_i1_bk && !pr_sticky_ovf && !pr_sticky_bk;
    always @* begin
        if (pr_h_valid && !pr_h_overflow && !pr_h_too_long && !pr_h_bad_keep)
            assert ({3'b000, pr_h_len} <= {pr_h_beats, 3'b000});
        // I1 holds a beat of the frame the port is in (not its last): the port has counted
        // exactly its bytes, with its flags
        if (pr_i1_v && !pr_i1_last)
            assert (pr_mid && pr_pos == pr_i1_len && pr_tl == pr_i1_tl && pr_nocredit == pr_i1_nc);
        // I1 holds a frame's last beat: the port is between frames
        if (pr_i1_v && pr_i1_last) assert (!pr_mid);
        if (!pr_mid) assert (pr_pos == 0);
        // the bytes still allowed (max_frame is held): a frame not too long has not wrapped pos
        if (pr_mid && !pr_tl && !first) assert ({1'b0, pr_pos} + {1'b0, pr_rem} == {1'b0, max_frame});
        if (!pr_mid && !pr_i1_v) assert (pr_beats == 0);
        if (pr_i1_v && i1_clean)
            assert (pr_i1_last ? i1_len > written && i1_len <= written + 8 : i1_len == written + 8);
        if (pr_mid && !pr_i1_v && !pr_tl && !pr_nocredit && !pr_sticky_ovf && !pr_sticky_bk)
            assert ({3'b000, pr_pos} == written);
    end
`endif

`ifdef DECIDE
    // The decision contract rx_egress_prove assumes, asserted where the front end makes it
    // (task prove_decide: the ingress and the header extractor cut out, so the checks see free
    // frame records, assumed only to have a length their ring beats hold unless the ingress
    // flagged them overflow, too long (it rewinds those to no beats) or bad tkeep, as
    // prove_record proves): a delivered frame's inner frame is not empty and ends inside the
    // frame's ring beats; a dropped frame's reason is one with a counter.
    wire pr_h_valid, pr_h_overflow, pr_h_too_long, pr_h_bad_keep, pr_d_valid, pr_d_deliver;
    wire [15:0] pr_h_len, pr_h_beats, pr_d_beats, pr_d_inner_off, pr_d_inner_len;
    wire [3:0] pr_d_reason;
    always @* begin
        if (pr_h_valid && !pr_h_overflow && !pr_h_too_long && !pr_h_bad_keep)
            assume ({3'b000, pr_h_len} <= {pr_h_beats, 3'b000});
        // a dropped frame's reason has a counter (codes 0..13)
        if (pr_d_valid && !pr_d_deliver) assert (pr_d_reason < 14);
        if (pr_d_valid && pr_d_deliver) begin
            assert (pr_d_inner_len != 0);
            assert ({1'b0, pr_d_inner_off} + {1'b0, pr_d_inner_len} <= {pr_d_beats, 3'b000});
        end
    end
`endif

`ifdef CREDIT
    // The queue-slot credit rx_queue_prove assumes: no decision is pushed into a full decision
    // queue, whatever the traffic and the host's back-pressure. A frame's record (f_valid)
    // becomes its decision DEC_LAT clocks later (the extractor's and the checks' fixed
    // latency; hist holds the records on their way): task prove_latency proves that with the
    // ingress and the egress cut out (records free). Task prove_credit assumes it, with the
    // extractor, the checks and the egress cut out (decisions leave the queue whenever they
    // like or never), and proves the credit: a slot is held from the record to the pop
    // (inflight = queue count + records on their way), and a frame starts with a slot only
    // while inflight was under Q - 3 a clock before, so inflight, with the frame the port is
    // taking with a slot, stays within the queue.
    localparam DEC_LAT = 22;
    wire pr_f_valid, pr_d_valid;
    reg [DEC_LAT-1:0] hist = 0;
    always @(posedge clock) hist <= i_rst ? 0 : {hist[DEC_LAT-2:0], pr_f_valid};
`ifdef LATENCY
    always @* if (!i_rst) assert (pr_d_valid == hist[DEC_LAT-1]);
`else
    wire pr_mid, pr_nocredit, pr_q_nonempty, pr_q_many;
    wire [7:0] pr_inflight, pr_q_cnt;
    integer hi;
    reg [7:0] on_way;
    always @* begin
        on_way = 0;
        for (hi = 0; hi < DEC_LAT; hi = hi + 1) on_way = on_way + hist[hi];
    end
    always @* if (!i_rst) begin
        assume (pr_d_valid == hist[DEC_LAT-1]);
        if (pr_d_valid) assert (pr_q_cnt < 16);
`ifndef NO_LEMMAS
        assert (pr_q_cnt <= 16 && pr_q_nonempty == (pr_q_cnt != 0) && pr_q_many == (pr_q_cnt > 1));
        assert (pr_inflight == pr_q_cnt + on_way);
        assert (pr_inflight + (pr_mid && !pr_nocredit) + pr_f_valid <= `CREDIT_BOUND);
`endif
    end
`ifdef CONSERVE
    // Conservation (task prove_conserve, the cuts of prove_credit): every frame that fully
    // entered s_axis is, exactly once, either taken by the egress as a delivery, released as
    // a drop, or counted overflow for want of a queue slot, or still on its way (in stage I1,
    // the decision pipeline, the decision queue or the drop FIFO); and each drop is counted
    // once, under its own reason, with an event (drop_valid, drop_reason) unless it is an
    // overflow. Counters here are modulo 256: an equation between them holds at every clock.
    localparam OVERFLOW = 13;
    wire pr_f_nocredit, pr_i1_v, pr_i1_last, pr_pop, pr_head_deliver, pr_drop_release;
    wire pr_ev_valid, pr_evb_valid, pr_dq_nonempty, pr_dq_many;
    wire [3:0] pr_release_reason, pr_ev_reason;
    wire [7:0] pr_dq_cnt;
    reg [7:0] n_in = 0, n_nc = 0, n_rec = 0, n_dec = 0, n_pop = 0, n_taken = 0, n_dropped = 0;
    reg [7:0] n_released = 0;
    reg [7:0] n_reason [0:13];
    integer ri2;
    initial for (ri2 = 0; ri2 < 14; ri2 = ri2 + 1) n_reason[ri2] = 0;
    always @(posedge clock) begin
        n_in <= n_in + (s_tvalid && s_tready && s_tlast);
        n_nc <= n_nc + pr_f_nocredit;
        n_rec <= n_rec + pr_f_valid;
        n_dec <= n_dec + pr_d_valid;
        n_pop <= n_pop + pr_pop;
        n_taken <= n_taken + (pr_pop && pr_head_deliver);
        n_dropped <= n_dropped + (pr_pop && !pr_head_deliver);
        n_released <= n_released + pr_drop_release;
        for (ri2 = 0; ri2 < 14; ri2 = ri2 + 1)
            n_reason[ri2] <= n_reason[ri2] + (pr_drop_release && pr_release_reason == ri2)
                             + (pr_f_nocredit && ri2 == OVERFLOW);
        if (i_rst) begin
            {n_in, n_nc, n_rec, n_dec, n_pop, n_taken, n_dropped, n_released} <= 0;
            for (ri2 = 0; ri2 < 14; ri2 = ri2 + 1) n_reason[ri2] <= 0;
        end
    end
    wire i1_last = pr_i1_v && pr_i1_last;
    always @* if (!i_rst) begin
        // the whole: in = taken + released + overflow + on the way
        assert (n_in == n_taken + n_released + n_nc + i1_last + on_way + pr_q_cnt + pr_dq_cnt);
        // drop events and counts
        assert (drop_valid == (pr_drop_release && pr_release_reason != OVERFLOW));
        if (drop_valid) assert (drop_reason == pr_release_reason);
        for (ri2 = 0; ri2 < 14; ri2 = ri2 + 1)
            assert (drop_count[32*ri2 +: 8] + (pr_ev_valid && pr_ev_reason == ri2)
                    + (pr_evb_valid && ri2 == OVERFLOW) == n_reason[ri2]);
`ifndef NO_LEMMAS
        // stage by stage: each frame's last beat gives one record or one overflow in I1, a
        // record one decision, a decision one pop, a pop one delivery taken or one drop queued,
        // a queued drop one release
        assert (!(pr_f_valid && pr_f_nocredit) && (pr_f_valid || pr_f_nocredit) == i1_last);
        assert (n_in == n_rec + n_nc + i1_last);
        assert (n_rec == n_dec + on_way);
        assert (n_dec == n_pop + pr_q_cnt);
        assert (n_pop == n_taken + n_dropped);
        assert (n_dropped == n_released + pr_dq_cnt);
        assert (pr_dq_cnt <= 8 && pr_dq_nonempty == (pr_dq_cnt != 0) && pr_dq_many == (pr_dq_cnt > 1));
        // the counters' registered events are this clock's releases and overflows, a clock late
`endif
    end
    reg p_release = 0, p_nocredit = 0;
    reg [3:0] p_reason = 0;
    always @(posedge clock) begin
        p_release <= pr_drop_release && !i_rst;
        p_nocredit <= pr_f_nocredit && !i_rst;
        p_reason <= pr_release_reason;
    end
`ifndef NO_LEMMAS
    always @* if (!i_rst) begin
        assert (pr_ev_valid == p_release && pr_evb_valid == p_nocredit);
        if (pr_ev_valid) assert (pr_ev_reason == p_reason);
    end
`endif
`endif
`endif
`endif

`ifdef QUEUE
    // The decision queue (a memory) and the slice after it hand the decision contract on
    // (task prove_queue: the front end and the egress cut out): assumed of every decision the
    // front end pushes (proved there by prove_decide), asserted of every delivered decision the
    // egress is offered. Also assumed: no decision is pushed into a full queue (RxTop's
    // queue-slot credit, proved by prove_credit). The lemmas: each queue entry between the read
    // pointer and the count keeps the contract, and so does each full register of the slice;
    // the queue's count, flags and pointers agree.
    // a queued decision's low bits, as RxTop packs it: deliver, reason, base, beats, inner
    // offset and length (the rest, metadata and sums, is not read here)
    localparam DEC = 69;
    function contract(input [DEC-1:0] d);
        contract = d[0] ? d[68:53] != 0 && {1'b0, d[52:37]} + {1'b0, d[68:53]} <= {d[36:21], 3'b000}
                        : d[4:1] < 14;
    endfunction
    wire pr_d_valid, pr_d_deliver, pr_dec_valid, pr_dec_deliver;
    wire [15:0] pr_d_beats, pr_d_inner_off, pr_d_inner_len;
    wire [15:0] pr_dec_beats, pr_dec_inner_off, pr_dec_inner_len;
    wire [3:0] pr_d_reason, pr_dec_reason;
    wire [7:0] pr_q_rd, pr_q_wr, pr_q_cnt;
    wire pr_q_nonempty, pr_q_many, pr_s_out_valid, pr_s_skid_valid;
    wire [DEC-1:0] pr_s_out_data, pr_s_skid_data;
    wire [16*DEC-1:0] pr_q_mem;
    integer qi;
    always @* begin
        if (pr_d_valid) assume (pr_q_cnt < 16);
        if (pr_d_valid && pr_d_deliver)
            assume (pr_d_inner_len != 0
                    && {1'b0, pr_d_inner_off} + {1'b0, pr_d_inner_len} <= {pr_d_beats, 3'b000});
        if (pr_d_valid && !pr_d_deliver) assume (pr_d_reason < 14);
        if (pr_dec_valid && pr_dec_deliver) begin
            assert (pr_dec_inner_len != 0);
            assert ({1'b0, pr_dec_inner_off} + {1'b0, pr_dec_inner_len} <= {pr_dec_beats, 3'b000});
        end
        if (pr_dec_valid && !pr_dec_deliver) assert (pr_dec_reason < 14);
        assert (pr_q_cnt <= 16 && pr_q_nonempty == (pr_q_cnt != 0) && pr_q_many == (pr_q_cnt > 1));
        assert (pr_q_rd < 16 && pr_q_wr == ((pr_q_rd + pr_q_cnt) & 15));
        for (qi = 0; qi < 16; qi = qi + 1)
            if (((qi - pr_q_rd) & 15) < pr_q_cnt) assert (contract(pr_q_mem[DEC * qi +: DEC]));
        if (pr_s_out_valid) assert (contract(pr_s_out_data));
        if (pr_s_skid_valid) assert (contract(pr_s_skid_data));
    end
`endif

`ifdef RCO_FRAME_COVER
    // One good RCO frame in, back to back from the first clock, the sink always ready, the
    // configuration of the golden vectors (port 4789, remcsum_rx, nopartial). The frame is
    // golden TX's for a short inner UDP frame, and INNER_LAST the last beat golden RX
    // delivers (tests/it/formal_frames.rs checks both against the golden model): the cover
    // is reached only if that beat carries the UDP checksum remcsum_adjust wrote, with
    // rco_applied.
    localparam OUTER_LEN = 96;
    localparam [8*OUTER_LEN-1:0] OUTER = {
        96'h020000000002020000000001,
        96'h080045000052000000004011,
        96'hf697c0000201c0000202d4bb,
        96'h12b5003e53ce082000000000,
        96'h2a9102000000000b02000000,
        96'h000a08004500002000010000,
        96'h401166ca0a0000010a000002,
        96'h03e807d0000c142072636f21
    };
    // the inner frame's last beat (bytes 40..45): UDP checksum fe96, payload "rco!"
    localparam [47:0] INNER_LAST = 48'h216f637296fe;
    localparam [7:0] INNER_LAST_KEEP = 8'h3f;
    reg [15:0] beat_no = 0;
    always @(posedge clock) if (s_tvalid && s_tready) beat_no <= beat_no + 1;
    integer bi;
    reg [63:0] want_data;
    reg [7:0] want_keep;
    always @* begin
        for (bi = 0; bi < 8; bi = bi + 1) begin
            want_keep[bi] = beat_no * 8 + bi < OUTER_LEN;
            want_data[8*bi +: 8] = want_keep[bi] ? OUTER[8*(OUTER_LEN - 1 - (beat_no * 8 + bi)) +: 8] : 8'h00;
        end
        assume (m_tready && !s_tuser);
        assume (port == 16'd4789 && remcsum_rx && nopartial && !udp_zero_csum6_rx
                && max_frame == 16'd9216 && !backpressure);
        assume (s_tvalid == (beat_no * 8 < OUTER_LEN));
        if (s_tvalid)
            assume (s_tdata == want_data && s_tkeep == want_keep && s_tlast == ((beat_no + 1) * 8 >= OUTER_LEN));
        cover (m_tvalid && m_tready && m_tlast && m_rco_applied && m_tkeep == INNER_LAST_KEEP
               && m_tdata[47:0] == INNER_LAST);
    end
`endif

    // configuration: as the NIC's registers, set before traffic and then held
    reg first = 1;
    reg [15:0] c_port, c_max;
    reg [3:0] c_bits;
    always @(posedge clock) begin
        first <= 0;
        c_port <= port;
        c_max <= max_frame;
        c_bits <= {remcsum_rx, nopartial, udp_zero_csum6_rx, backpressure};
    end
    always @* if (!first)
        assume (port == c_port && max_frame == c_max
                && {remcsum_rx, nopartial, udp_zero_csum6_rx, backpressure} == c_bits);

`ifndef CUT
    always @* if (!backpressure) assert (s_tready);
`endif

    integer ri;
    reg [1:0] frames = 0;
    reg gap = 0;   // a clock without an output beat since the last delivered frame
    always @(posedge clock) begin
        if (m_tvalid && m_tready && m_tlast && frames != 3) frames <= frames + 1;
        if (m_tvalid && m_tready && m_tlast) gap <= 0;
        else if (!(m_tvalid && m_tready)) gap <= 1;
    end
    always @* begin
`ifdef OVERFLOW_COVER
        // a frame that found every decision-queue slot taken (counted, no event)
        cover (overflow_count != 0);
`elsif RCO_FRAME_COVER
        // the one cover is the frame's, above
`else
`ifndef DROP_COVER_ONLY
        cover (m_tvalid && m_tready && m_tlast);
        cover (m_tvalid && m_tready && m_tlast && frames == 1 && !gap);
`endif
        cover (drop_valid);
`ifdef REASONS
        // every reason with a drop event (overflow, code 13, is counted only)
        for (ri = 0; ri < 13; ri = ri + 1) cover (drop_valid && drop_reason == ri);
`endif
`endif
    end
endmodule
