# MAC mode ignored: the ingress holds tready low while the ring is full in either mode.
s/s_axis\$tready = ~backpressure || ready_r\$q;/s_axis$tready = ready_r$q;/
