# RX top: the gate that holds a last beat back while a drop event may be due ignores that
# the beat is already shown and stalled (it withdraws it: tvalid falls before tready)
s/\(hold_last = (drop_was_due\$q || (delivery_left\$q \&\& ~drops\$empty)) \&\& egress\$m_axis\$tlast\) \&\& ~out_stalled\$q;/\1;/
