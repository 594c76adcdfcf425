# RX decision queue: the memory is read one entry past the head (an off-by-one read pointer)
/^module rco_rx_w64\$queue(/,/^endmodule/s/ram\$read_address = rd\$q;/ram$read_address = rd$q + 8'd1;/
