//! rco-synth: Verilog export and FPGA synthesis flow.
