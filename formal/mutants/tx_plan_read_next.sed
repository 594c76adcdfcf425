# TX plan queue: last_keep's FIFO is read one entry past its head when the head is reloaded
/^module rco_tx_encap_w64\$plan_q\$q_last_keep(/,/^endmodule/s/ram\$read_address = rd\$q;/ram$read_address = rd$q + 8'd1;/
