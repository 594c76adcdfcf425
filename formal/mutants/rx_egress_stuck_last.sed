# The beat FIFO pops only while it holds two beats: a frame's last beat waits for the next
# frame's first (a beat stuck in a FIFO behind nothing).
s/pop = ~q_data\$empty \&\& rc\$s_axis\$tready;/pop = (q_data$count >= 8'd2) \&\& rc$s_axis$tready;/
