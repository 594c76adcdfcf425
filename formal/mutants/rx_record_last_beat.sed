# RX ingress: a frame's record leaves out the beat written with its last (its beat count one
# short, so the egress would read one ring beat too few)
s/f_beats = beats\$q + 32'h1;/f_beats = beats$q;/
