//! A VCD writer that keeps to the outer blocks of a design. rust-hdl's own writer dumps every
//! signal of every sub-block, which for the NIC top is some hundred megabytes for a few
//! hundred packets; this one writes the signals of the blocks down to a given depth (the
//! top is depth 1), bundles such as an AXI4-Stream port included, and nothing deeper.

use rust_hdl::prelude::*;
use std::collections::HashMap;
use std::io::{self, Write};

/// An open VCD: the header is written, then one [`PortVcd::sample`] per time step.
pub struct PortVcd<W: Write> {
    out: W,
    depth: usize,
    /// Signal id -> (VCD id code, last value written).
    vars: HashMap<usize, (String, String)>,
}

/// Bits of a signal's value, most significant first; `None` for what is not a bit vector.
fn bits(v: &VCDValue) -> Option<String> {
    match v {
        VCDValue::Single(b) => Some(b.to_string()),
        VCDValue::Vector(bs) => Some(bs.iter().map(|b| b.to_string()).collect()),
        VCDValue::String(_) | VCDValue::Composite(_) => None,
    }
}

/// Short VCD identifier for the `n`th variable (printable ASCII, base 94).
pub fn code(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push((b'!' + (n % 94) as u8) as char);
        n /= 94;
        if n == 0 {
            return s;
        }
    }
}

/// Walks the design; `level` counts the blocks entered (namespaces do not count).
struct Walk<'a, W: Write> {
    vcd: &'a mut PortVcd<W>,
    level: usize,
    /// Writing the header (else the values that changed).
    header: bool,
    err: Option<io::Error>,
}

impl<W: Write> Walk<'_, W> {
    fn keep(&self) -> bool {
        self.level <= self.vcd.depth
    }

    fn put(&mut self, s: &str) {
        if self.err.is_none() {
            if let Err(e) = self.vcd.out.write_all(s.as_bytes()) {
                self.err = Some(e);
            }
        }
    }
}

impl<W: Write> Probe for Walk<'_, W> {
    fn visit_start_scope(&mut self, name: &str, _node: &dyn Block) {
        self.level += 1;
        if self.header && self.keep() {
            self.put(&format!("$scope module {name} $end\n"));
        }
    }

    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        if self.header && self.keep() {
            self.put(&format!("$scope module {name} $end\n"));
        }
    }

    fn visit_atom(&mut self, name: &str, signal: &dyn Atom) {
        if !self.keep() {
            return;
        }
        let Some(value) = bits(&signal.vcd()) else { return };
        if self.header {
            let id = code(self.vcd.vars.len());
            self.put(&format!("$var wire {} {id} {name} $end\n", value.len()));
            self.vcd.vars.insert(signal.id(), (id, String::new()));
            return;
        }
        let Some((id, last)) = self.vcd.vars.get_mut(&signal.id()) else { return };
        if *last != value {
            let line = if value.len() == 1 { format!("{value}{id}\n") } else { format!("b{value} {id}\n") };
            *last = value;
            self.put(&line);
        }
    }

    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        if self.header && self.keep() {
            self.put("$upscope $end\n");
        }
    }

    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        if self.header && self.keep() {
            self.put("$upscope $end\n");
        }
        self.level -= 1;
    }
}

impl<W: Write> PortVcd<W> {
    /// Write the header for `uut` (named `uut`, as rust-hdl names it), signals down to
    /// `depth` blocks, timescale 1 ps.
    pub fn new(out: W, uut: &dyn Block, depth: usize) -> io::Result<Self> {
        let mut vcd = PortVcd { out, depth, vars: HashMap::new() };
        vcd.out.write_all(b"$timescale 1 ps $end\n")?;
        vcd.walk(uut, true)?;
        vcd.out.write_all(b"$enddefinitions $end\n")?;
        Ok(vcd)
    }

    fn walk(&mut self, uut: &dyn Block, header: bool) -> io::Result<()> {
        let mut w = Walk { vcd: self, level: 0, header, err: None };
        uut.accept("uut", &mut w);
        w.err.map_or(Ok(()), Err)
    }

    /// The values at time `t` (ps) that changed since the last sample (all of them the
    /// first time).
    pub fn sample(&mut self, t: u64, uut: &dyn Block) -> io::Result<()> {
        writeln!(self.out, "#{t}")?;
        self.walk(uut, false)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
