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

/// A named group of `(full signal path, format)` traces.
pub struct Group<'a> {
    pub name: &'a str,
    pub traces: Vec<(String, Fmt)>,
}

/// Text of a save file for `vcd` (the path written into `[dumpfile]`).
pub fn save_file(vcd: &str, groups: &[Group]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "[*] rco-nic GTKWave save file");
    let _ = writeln!(s, "[dumpfile] \"{vcd}\"");
    let _ = writeln!(s, "[timestart] 0");
    let _ = writeln!(s, "[sst_expanded] 1");
    for g in groups {
        // 0x800200 opens a collapsible group, 0x1000200 closes it
        let _ = writeln!(s, "@800200\n-{}", g.name);
        for (path, fmt) in &g.traces {
            let _ = writeln!(s, "{}\n{}", fmt.flag(), path);
        }
        let _ = writeln!(s, "@1000200\n-{}", g.name);
    }
    s
}
