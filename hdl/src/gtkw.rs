//! GTKWave save files (`.gtkw`): open a VCD with signals already grouped.

use std::fmt::Write;

/// Display format of one trace.
#[derive(Clone, Copy, Debug)]
pub enum Fmt {
    Bin,
    Hex,
    Dec,
}

impl Fmt {
    fn flag(self) -> &'static str {
        // GTKWave trace flags: 0x28 binary, 0x22 hex, 0x24 decimal (plus "right justify")
        match self {
            Fmt::Bin => "@28",
            Fmt::Hex => "@22",
            Fmt::Dec => "@24",
        }
    }
}

/// Window size in pixels.
const WINDOW: (u32, u32) = (1400, 800);
/// Initial zoom: about 100 clock cycles of rust-hdl's simulation clock across the window.
const ZOOM: f64 = -17.0;

/// A register's output `uut.acc.q[31:0]` would show as a bare `q`: name it `{acc} `.
fn alias(path: &str) -> String {
    let base = path.split('[').next().unwrap_or(path);
    let mut parts = base.rsplit('.');
    match (parts.next(), parts.next()) {
        (Some("q"), Some(reg)) => format!("+{{{reg}}} "),
        _ => String::new(),
    }
}

/// A named group of `(full signal path, format)` traces.
pub struct Group<'a> {
    pub name: &'a str,
    pub traces: Vec<(String, Fmt)>,
}

/// The AXI4-Stream traces (`tvalid`, `tready`, `tlast`, `tkeep`, `tdata`) of a `w`-bit stream
/// named `{bus}{sep}tvalid`, ...: `sep` is `.` in a rust-hdl VCD's scopes, `$` for the flat
/// port names of exported Verilog.
pub fn axis_traces(bus: &str, sep: &str, w: usize) -> Vec<(String, Fmt)> {
    vec![
        (format!("{bus}{sep}tvalid"), Fmt::Bin),
        (format!("{bus}{sep}tready"), Fmt::Bin),
        (format!("{bus}{sep}tlast"), Fmt::Bin),
        (format!("{bus}{sep}tkeep[{}:0]", w / 8 - 1), Fmt::Hex),
        (format!("{bus}{sep}tdata[{}:0]", w - 1), Fmt::Hex),
    ]
}

/// Text of a save file for `vcd` (the path written into `[dumpfile]`).
pub fn save_file(vcd: &str, groups: &[Group]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "[*] rco-nic GTKWave save file");
    let _ = writeln!(s, "[dumpfile] \"{vcd}\"");
    let _ = writeln!(s, "[timestart] 0");
    let _ = writeln!(s, "[size] {} {}", WINDOW.0, WINDOW.1);
    // Zoom is log2 of pixels per time unit; the 26 "-1"s are the unset named markers.
    let _ = writeln!(s, "*{ZOOM:.6} 0{}", " -1".repeat(26));
    let _ = writeln!(s, "[sst_expanded] 1");
    for g in groups {
        // 0x800200 opens a collapsible group, 0x1000200 closes it
        let _ = writeln!(s, "@800200\n-{}", g.name);
        for (path, fmt) in &g.traces {
            let _ = writeln!(s, "{}\n{}{}", fmt.flag(), alias(path), path);
        }
        let _ = writeln!(s, "@1000200\n-{}", g.name);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_get_their_own_name_and_groups_nest() {
        assert_eq!(alias("uut.acc.q[31:0]"), "+{acc} ");
        assert_eq!(alias("uut.s_axis.tdata[63:0]"), "");
        let s = save_file("x.vcd", &[Group { name: "g", traces: vec![("uut.pos.q[15:0]".into(), Fmt::Dec)] }]);
        assert!(s.contains("[dumpfile] \"x.vcd\""));
        assert!(s.contains("@800200\n-g\n@24\n+{pos} uut.pos.q[15:0]\n@1000200\n-g\n"), "{s}");
        let a = axis_traces("uut.m_axis", ".", 128);
        assert_eq!(a[3].0, "uut.m_axis.tkeep[15:0]");
        assert_eq!(a[4].0, "uut.m_axis.tdata[127:0]");
    }
}
