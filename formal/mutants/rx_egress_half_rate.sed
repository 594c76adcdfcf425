# The issuer reads the ring only every other clock (not while a read is one clock old), its
# last read too: a frame costs twice its reads, more than the bound allows.
s/iss = cur_v\$q \&\& ~cur_drop\$q \&\& room\$q;/iss = cur_v$q \&\& ~cur_drop$q \&\& room$q \&\& ~a1_v$q;/
s/done = cur_v\$q \&\& (cur_drop\$q || (room\$q \&\& cur_one\$q));/done = cur_v$q \&\& (cur_drop$q || (room$q \&\& ~a1_v$q \&\& cur_one$q));/
