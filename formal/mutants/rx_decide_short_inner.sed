# RX checks: a UDP length too short for the VXLAN header and an inner Ethernet header is not
# dropped: a delivered inner frame may be empty
s/if (ulen < (vxlan_hlen + eth_hlen)) begin/if (1'b0) begin/
