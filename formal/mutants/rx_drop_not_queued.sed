# RX top: a dropped frame taken from the decision queue is not queued for its drop event (its
# event and its count lost)
s/drops\$push = pop \&\& ~queue_head\[32'h0\];/drops$push = 1'b0;/
