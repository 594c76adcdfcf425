# The last beat's tkeep gets its top lane set: not contiguous from lane 0.
s/b_keep = e_lastkeep\$q;/b_keep = e_lastkeep$q | 8'h80;/
