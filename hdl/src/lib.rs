//! rco-hdl: the rust-hdl design. Filled by the checksum-engine, RX and TX issues.
