# The output register takes the next beat while the sink stalls (the stalled beat is lost).
s/o_move = ~o_valid\$q || m_axis\$tready;/o_move = ~o_valid$q || m_axis$tready || fire;/
