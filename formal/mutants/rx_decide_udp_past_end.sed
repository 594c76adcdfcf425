# RX checks: the UDP datagram's end is not compared with the IP datagram's (an outer UDP
# length past the packet goes unnoticed): a delivered inner frame may run past the frame
s/if (i_uend\$q > ((i_dg_end\$q) \& 32'hffffffff)) begin/if (1'b0) begin/
