# frames_out counts every beat that leaves, not only a frame's last.
s/if (out\$m_axis\$tvalid \&\& m_axis\$tready \&\& out\$m_axis\$tlast) begin/if (out$m_axis$tvalid \&\& m_axis$tready) begin/
