# tkeep ignored: every lane of the last beat counted.
s/kr\$d = s_axis\$tkeep;/kr$d = 8'hff;/
