# The slot is taken while the egress is still in the middle of a frame: that frame's tail is
# lost and its tlast never sent.
s/take_r\$d = s_full\$d \&\& ~e_mid\$d \&\&/take_r$d = s_full$d \&\&/
