# A dropped frame's job finishes only with its "last read" flag (computed from a dropped
# decision's free fields), as a delivered one does: a drop can stay in the issuer for ever,
# and every decision behind it with it (a deadlock).
s/done = cur_v\$q \&\& (cur_drop\$q || (room\$q \&\& cur_one\$q));/done = cur_v$q \&\& room$q \&\& cur_one$q;/
