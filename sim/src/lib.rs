//! rco-sim: testbenches that drive rco-hdl blocks from golden vectors.
