# The egress sends a beat only every other clock (not in the clock after a beat): a frame
# costs twice its beats, more than the bound allows.
s/fire_r\$d = (e_state\$d == OutState\$Send) \&\& out\$s_tready_next;/fire_r$d = (e_state$d == OutState$Send) \&\& out$s_tready_next \&\& ~fire_r$q;/
