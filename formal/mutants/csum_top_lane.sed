# The top lane always counted, whatever its tkeep bit (the last lane of a 512-bit beat).
s/kr\$d = s_axis\$tkeep;/kr$d = s_axis$tkeep | 64'h8000000000000000;/
