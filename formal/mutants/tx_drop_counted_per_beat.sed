# TX ingress: a dropped frame is counted on every beat that passes stage z, not once on its last
s/counters\$valid = z_last\$q \&\& drop_now;/counters$valid = z_valid$q \&\& drop_now;/
