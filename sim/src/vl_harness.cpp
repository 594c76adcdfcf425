// Cycle driver for an exported design under Verilator (rco_sim::verilator). It owns the
// clock and mirrors the rust-hdl drivers (rx_model, tx_model, loopback_tb) step for step:
// inputs set with the clock low, settle, handshakes sampled, rising edge, settle.
//
// Every port is reached by its Verilog name through the table in ports.h, which Rust
// generates from the exported module's port list; the roles (input stream, output stream,
// descriptor channel, configuration, result pulse, counters) come from spec.txt. Frames,
// descriptors and configurations stream in from binary files; results stream out.
//
// Usage: vmodel DIR   (reads DIR/spec.txt, cfg.bin, chan.bin, pkts.bin; writes DIR/results.bin)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vdut.h"
#include "verilated.h"

struct Port {
    const char* name;
    bool out;
    int width;
    int kind;  // bytes of the C++ member (1, 2, 4, 8), or 0 for a VlWide word array
    void* p;
};

#include "ports.h"

[[noreturn]] static void fail(const std::string& msg) {
    fprintf(stderr, "%s\n", msg.c_str());
    exit(3);
}

static std::vector<Port> g_ports;

static int find_port(const std::string& name) {
    for (size_t i = 0; i < g_ports.size(); i++)
        if (name == g_ports[i].name) return (int)i;
    fail("no port " + name + " in the design");
}

static inline int nbytes(const Port& p) { return (p.width + 7) / 8; }

// Little-endian bytes (lane 0 first) into a port.
static inline void set_bytes(const Port& p, const uint8_t* b) {
    int n = nbytes(p);
    if (p.kind == 0) {
        uint32_t* w = (uint32_t*)p.p;
        int words = (p.width + 31) / 32;
        memset(w, 0, 4 * words);
        memcpy(w, b, n);
        return;
    }
    uint64_t v = 0;
    memcpy(&v, b, n);
    switch (p.kind) {
        case 1: *(uint8_t*)p.p = (uint8_t)v; break;
        case 2: *(uint16_t*)p.p = (uint16_t)v; break;
        case 4: *(uint32_t*)p.p = (uint32_t)v; break;
        default: *(uint64_t*)p.p = v; break;
    }
}

static inline void get_bytes(const Port& p, uint8_t* b) {
    int n = nbytes(p);
    if (p.kind == 0) {
        memcpy(b, p.p, n);
        return;
    }
    uint64_t v = 0;
    switch (p.kind) {
        case 1: v = *(uint8_t*)p.p; break;
        case 2: v = *(uint16_t*)p.p; break;
        case 4: v = *(uint32_t*)p.p; break;
        default: v = *(uint64_t*)p.p; break;
    }
    memcpy(b, &v, n);
}

static inline uint64_t get_u64(const Port& p) {
    switch (p.kind) {
        case 1: return *(uint8_t*)p.p;
        case 2: return *(uint16_t*)p.p;
        case 4: return *(uint32_t*)p.p;
        case 8: return *(uint64_t*)p.p;
        default: return ((uint32_t*)p.p)[0] | (p.width > 32 ? (uint64_t)((uint32_t*)p.p)[1] << 32 : 0);
    }
}

static inline void set_u64(const Port& p, uint64_t v) {
    uint8_t b[8];
    memcpy(b, &v, 8);
    if (p.kind == 0) {
        uint8_t buf[128] = {0};
        memcpy(buf, b, nbytes(p) < 8 ? nbytes(p) : 8);
        set_bytes(p, buf);
    } else {
        set_bytes(p, b);
    }
}

// golden/src/rng.rs SplitMix64, bit for bit.
struct SplitMix64 {
    uint64_t s;
    uint64_t next() {
        s += 0x9E3779B97F4A7C15ull;
        uint64_t z = s;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    bool chance(double p) { return (double)(next() >> 11) / 9007199254740992.0 <= p && p > 0.0; }
};

struct Reader {
    FILE* f = nullptr;
    std::vector<char> buf;
    void open(const std::string& path) {
        f = fopen(path.c_str(), "rb");
        if (!f) fail("cannot open " + path);
        buf.resize(1 << 20);
        setvbuf(f, buf.data(), _IOFBF, buf.size());
    }
    void read(void* p, size_t n) {
        if (n && fread(p, 1, n, f) != n) fail("stimulus file ends early");
    }
    uint32_t u32() { uint32_t v; read(&v, 4); return v; }
    uint64_t u64() { uint64_t v; read(&v, 8); return v; }
};

struct Writer {
    FILE* f = nullptr;
    std::vector<char> buf;
    void open(const std::string& path) {
        f = fopen(path.c_str(), "wb");
        if (!f) fail("cannot create " + path);
        buf.resize(1 << 20);
        setvbuf(f, buf.data(), _IOFBF, buf.size());
    }
    void put(const void* p, size_t n) {
        if (n && fwrite(p, 1, n, f) != n) fail("cannot write results");
    }
    void u8(uint8_t v) { put(&v, 1); }
    void u32(uint32_t v) { put(&v, 4); }
    void u64(uint64_t v) { put(&v, 8); }
};

struct Beat {
    uint64_t keep;
    bool last;
    std::vector<uint8_t> data;
};

static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') i++;
        size_t j = i;
        while (j < s.size() && s[j] != ' ') j++;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

int main(int argc, char** argv) {
    if (argc != 2) fail("usage: vmodel DIR");
    std::string dir = argv[1];
    auto ctx = std::make_unique<VerilatedContext>();
    auto top = std::make_unique<Vdut>(ctx.get());
    g_ports = bind_ports(top.get());

    // spec.txt: one role per line, port names as exported
    int clock = -1, in_p[6], out_p[6], chan_valid = -1, chan_ready = -1, pulse_v = -1, pulse_x = -1;
    int wire_v = -1, wire_r = -1, wire_d = -1, wire_k = -1, wire_l = -1;
    bool has_in = false, has_out = false, end_inputs = false, starts = false;
    std::vector<int> meta, watch, cfg, fields, tie_low;
    double bp = 0, idle = 0;
    uint64_t seed = 0, stall = 20000, bound = ~0ull, warmup = 0, settle = 0;
    {
        FILE* f = fopen((dir + "/spec.txt").c_str(), "r");
        if (!f) fail("cannot open " + dir + "/spec.txt");
        char line[65536];
        const char* axis[6] = {"tdata", "tkeep", "tvalid", "tready", "tlast", "tuser"};
        while (fgets(line, sizeof line, f)) {
            std::string s(line);
            while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
            auto t = split(s);
            if (t.empty()) continue;
            auto ports_from = [&](size_t at) {
                std::vector<int> v;
                for (size_t i = at; i < t.size(); i++) v.push_back(find_port(t[i]));
                return v;
            };
            if (t[0] == "clock") clock = find_port(t[1]);
            else if (t[0] == "in") { has_in = true; for (int i = 0; i < 6; i++) in_p[i] = find_port(t[1] + "$" + axis[i]); }
            else if (t[0] == "out") { has_out = true; for (int i = 0; i < 6; i++) out_p[i] = find_port(t[1] + "$" + axis[i]); }
            else if (t[0] == "meta") meta = ports_from(1);
            else if (t[0] == "pulse") { pulse_v = find_port(t[1]); pulse_x = find_port(t[2]); }
            else if (t[0] == "watch") watch = ports_from(1);
            else if (t[0] == "chan") { chan_valid = find_port(t[1]); chan_ready = find_port(t[2]); fields = ports_from(3); }
            else if (t[0] == "cfg") cfg = ports_from(1);
            // inputs held at 0 for the whole run (the core's synchronous reset `rst`)
            else if (t[0] == "tie_low") tie_low = ports_from(1);
            else if (t[0] == "wire") {
                wire_v = find_port(t[1]); wire_r = find_port(t[2]);
                // optional: data, keep, last ports, to capture the frames crossing it
                if (t.size() == 6) { wire_d = find_port(t[3]); wire_k = find_port(t[4]); wire_l = find_port(t[5]); }
            }
            else if (t[0] == "bp") { uint64_t b = strtoull(t[1].c_str(), 0, 16); memcpy(&bp, &b, 8); }
            else if (t[0] == "idle") { uint64_t b = strtoull(t[1].c_str(), 0, 16); memcpy(&idle, &b, 8); }
            else if (t[0] == "seed") seed = strtoull(t[1].c_str(), 0, 10);
            else if (t[0] == "stall") stall = strtoull(t[1].c_str(), 0, 10);
            else if (t[0] == "bound") bound = strtoull(t[1].c_str(), 0, 10);
            else if (t[0] == "end_inputs") end_inputs = t[1] == "1";
            else if (t[0] == "warmup") warmup = strtoull(t[1].c_str(), 0, 10);
            else if (t[0] == "starts") starts = t[1] == "1";
            else if (t[0] == "settle") settle = strtoull(t[1].c_str(), 0, 10);
            else fail("spec.txt: unknown line " + s);
        }
        fclose(f);
    }
    if (clock < 0 || !has_in || !has_out) fail("spec.txt: clock, in and out are required");
    for (int p : tie_low) {
        std::vector<uint8_t> z(nbytes(g_ports[p]), 0);
        set_bytes(g_ports[p], z.data());
    }
    const Port &tdata = g_ports[in_p[0]], &tkeep = g_ports[in_p[1]], &tvalid = g_ports[in_p[2]],
               &tready = g_ports[in_p[3]], &tlast = g_ports[in_p[4]];
    const Port &m_tdata = g_ports[out_p[0]], &m_tkeep = g_ports[out_p[1]], &m_tvalid = g_ports[out_p[2]],
               &m_tready = g_ports[out_p[3]], &m_tlast = g_ports[out_p[4]];
    const Port& clk = g_ports[clock];
    const int K = nbytes(tdata);
    const int MK = nbytes(m_tdata);
    const uint64_t lanes = MK >= 64 ? ~0ull : ((1ull << MK) - 1);

    // configurations (all in memory: few), descriptors and packets streamed
    Reader rc, rch, rp;
    rc.open(dir + "/cfg.bin");
    uint32_t ncfg = rc.u32();
    std::vector<std::vector<uint8_t>> cfgs(ncfg);
    size_t cfg_bytes = 0;
    for (int p : cfg) cfg_bytes += nbytes(g_ports[p]);
    for (auto& c : cfgs) { c.resize(cfg_bytes); rc.read(c.data(), cfg_bytes); }
    rch.open(dir + "/chan.bin");
    uint64_t nitems = rch.u64();
    size_t item_bytes = 0;
    for (int p : fields) item_bytes += nbytes(g_ports[p]);
    std::vector<uint8_t> item(item_bytes);
    rp.open(dir + "/pkts.bin");
    uint64_t npkts = rp.u64();

    // the packet being offered
    uint32_t pkt_cfg = 0;
    std::vector<Beat> beats;
    auto load_pkt = [&]() {
        pkt_cfg = rp.u32();
        if (pkt_cfg >= ncfg) fail("packet configuration out of range");
        uint8_t mode;
        rp.read(&mode, 1);
        beats.clear();
        if (mode == 0) {
            uint32_t len = rp.u32();
            if (len == 0) fail("empty frame");
            std::vector<uint8_t> bytes(len);
            rp.read(bytes.data(), len);
            for (uint32_t at = 0; at < len; at += K) {
                Beat b;
                uint32_t n = len - at < (uint32_t)K ? len - at : K;
                b.keep = n >= 64 ? ~0ull : ((1ull << n) - 1);
                b.last = at + K >= len;
                b.data.assign(K, 0);
                memcpy(b.data.data(), &bytes[at], n);
                beats.push_back(std::move(b));
            }
        } else {
            uint32_t nb = rp.u32();
            if (nb == 0) fail("packet without beats");
            for (uint32_t i = 0; i < nb; i++) {
                Beat b;
                b.keep = rp.u64();
                uint8_t l;
                rp.read(&l, 1);
                b.last = l != 0;
                b.data.resize(K);
                rp.read(b.data.data(), K);
                beats.push_back(std::move(b));
            }
        }
    };
    auto apply_item = [&]() {
        rch.read(item.data(), item_bytes);
        size_t at = 0;
        for (int p : fields) { set_bytes(g_ports[p], &item[at]); at += nbytes(g_ports[p]); }
    };
    auto apply_cfg = [&](uint32_t id) {
        size_t at = 0;
        for (int p : cfg) { set_bytes(g_ports[p], &cfgs[id][at]); at += nbytes(g_ports[p]); }
    };

    Writer w;
    w.open(dir + "/results.bin");
    SplitMix64 rng{seed};
    const int WK = wire_d >= 0 ? nbytes(g_ports[wire_d]) : 0;
    const uint64_t wire_lanes = WK >= 64 ? ~0ull : ((1ull << WK) - 1);
    std::vector<uint8_t> zero(K > 8 ? K : 8, 0), obuf(MK > 8 ? MK : 8), frame, wbuf(WK > 8 ? WK : 8), wframe;
    std::vector<uint8_t> meta_vals;
    std::vector<uint64_t> watch_last(watch.size(), 0);
    uint64_t pkt = 0, beat = 0, di = 0, results = 0, c = 0, last_progress = 0;
    uint64_t offered = 0, accepted = 0, out_beats = 0, wire_beats = 0, ready_total = 0;
    uint64_t ready_before_first = 0, ready_through_last = 0;
    bool first_out = true, idle_now = false;
    int64_t cur_cfg = -1;
    if (npkts) load_pkt();
    if (chan_valid >= 0 && nitems) apply_item();

    while (!(results >= npkts && (!end_inputs || pkt >= npkts))) {
        if (c >= bound)
            fail("cycle bound " + std::to_string(bound) + " reached with " + std::to_string(results) + " of " +
                 std::to_string(npkts) + " results");
        set_u64(clk, 0);
        // nothing is offered before the design's configuration registers hold it
        bool live = c >= warmup;
        if (chan_valid >= 0) set_u64(g_ports[chan_valid], live && di < nitems);
        // a configuration change waits until every earlier packet has its result
        bool offer = false, blocked = false;
        if (pkt < npkts) {
            if (beat > 0 || cur_cfg == (int64_t)pkt_cfg) offer = true;
            else if (results == pkt) { cur_cfg = pkt_cfg; apply_cfg(pkt_cfg); offer = true; }
            else blocked = true;
        }
        bool valid = live && offer && !idle_now;
        set_u64(tvalid, valid);
        if (pkt < npkts && !blocked) {
            const Beat& b = beats[beat];
            set_bytes(tdata, b.data.data());
            set_u64(tkeep, b.keep);
            set_u64(tlast, b.last);
        } else {
            set_bytes(tdata, zero.data());
            set_u64(tkeep, 0);
            set_u64(tlast, 0);
        }
        bool ready = !(bp > 0 && rng.chance(bp));
        set_u64(m_tready, ready);
        top->eval();

        bool chan_fire = live && chan_valid >= 0 && di < nitems && get_u64(g_ports[chan_ready]);
        bool in_fire = valid && get_u64(tready);
        bool wire_fire = wire_v >= 0 && get_u64(g_ports[wire_v]) && get_u64(g_ports[wire_r]);
        bool out_fire = get_u64(m_tvalid) && ready;
        bool frame_done = false, pulse = false;
        uint64_t pulse_val = 0;
        offered += valid;
        accepted += in_fire;
        wire_beats += wire_fire;
        bool wire_done = false;
        if (wire_fire && wire_d >= 0) {
            uint64_t keep = get_u64(g_ports[wire_k]) & wire_lanes;
            get_bytes(g_ports[wire_d], wbuf.data());
            for (int l = 0; l < WK; l++)
                if (keep >> l & 1) wframe.push_back(wbuf[l]);
            wire_done = get_u64(g_ports[wire_l]) != 0;
        }
        if (out_fire) {
            uint64_t keep = get_u64(m_tkeep) & lanes;
            get_bytes(m_tdata, obuf.data());
            for (int l = 0; l < MK; l++)
                if (keep >> l & 1) frame.push_back(obuf[l]);
            out_beats++;
            if (first_out) { ready_before_first = ready_total; first_out = false; }
            ready_through_last = ready_total + 1;
            if (get_u64(m_tlast)) {
                frame_done = true;
                meta_vals.clear();
                for (int p : meta) {
                    size_t at = meta_vals.size();
                    meta_vals.resize(at + nbytes(g_ports[p]));
                    get_bytes(g_ports[p], &meta_vals[at]);
                }
            }
        }
        ready_total += ready;
        if (pulse_v >= 0 && get_u64(g_ports[pulse_v])) { pulse = true; pulse_val = get_u64(g_ports[pulse_x]); }

        if (wire_done) { w.u8('X'); w.u64(c); w.u32(wframe.size()); w.put(wframe.data(), wframe.size()); wframe.clear(); }
        if (starts && in_fire && beat == 0) { w.u8('S'); w.u64(c); }
        if (starts && in_fire && beat + 1 == beats.size()) { w.u8('L'); w.u64(c); }

        set_u64(clk, 1);
        top->eval();
        c++;
        if (chan_fire) { di++; if (di < nitems) apply_item(); }
        if (in_fire && ++beat == beats.size()) { beat = 0; if (++pkt < npkts) load_pkt(); }
        idle_now = idle > 0 && rng.chance(idle);
        bool progress = chan_fire || in_fire || wire_fire || out_fire || pulse;
        // counter increments first (attributed by the caller), then the
        // output frame, then the pulse: the rust-hdl drivers' order
        for (size_t i = 0; i < watch.size(); i++) {
            uint64_t v = get_u64(g_ports[watch[i]]);
            if (v != watch_last[i]) {
                w.u8('W'); w.u64(c - 1); w.u32(i); w.u64(v - watch_last[i]); w.u64(di);
                results += v - watch_last[i];
                watch_last[i] = v;
                progress = true;
            }
        }
        if (frame_done) {
            w.u8('F'); w.u64(c - 1); w.u64(di); w.u32(frame.size()); w.put(frame.data(), frame.size());
            w.put(meta_vals.data(), meta_vals.size());
            frame.clear();
            results++;
        }
        if (pulse) { w.u8('P'); w.u64(c - 1); w.u64(di); w.u64(pulse_val); results++; }
        if (progress) last_progress = c;
        if (c - last_progress >= stall)
            fail("no progress for " + std::to_string(stall) + " cycles at cycle " + std::to_string(c) + " (" +
                 std::to_string(pkt) + " of " + std::to_string(npkts) + " packets in, " + std::to_string(di) +
                 " descriptors, " + std::to_string(results) + " results out): deadlock");
    }
    // a counter may step a few clocks after the event that was the last result
    for (uint64_t i = 0; i < settle; i++) {
        set_u64(clk, 0);
        if (chan_valid >= 0) set_u64(g_ports[chan_valid], 0);
        set_u64(tvalid, 0);
        set_u64(m_tready, 1);
        top->eval();
        set_u64(clk, 1);
        top->eval();
    }
    w.u8('E');
    for (uint64_t v : {c, offered, accepted, out_beats, wire_beats, ready_through_last - ready_before_first}) w.u64(v);
    uint32_t nout = 0;
    for (auto& p : g_ports) nout += p.out;
    w.u32(nout);
    for (auto& p : g_ports) {
        if (!p.out) continue;
        std::vector<uint8_t> v(nbytes(p));
        get_bytes(p, v.data());
        w.u32(strlen(p.name)); w.put(p.name, strlen(p.name));
        w.u32(v.size()); w.put(v.data(), v.size());
    }
    if (fclose(w.f) != 0) fail("cannot write results");
    top->final();
    return 0;
}
