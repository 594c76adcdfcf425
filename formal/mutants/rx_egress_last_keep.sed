# The realigner's last beat gets its top lane set: not contiguous from lane 0.
s/q_keep\$din = h_lk\$q;/q_keep$din = h_lk$q | 8'h80;/
