# The output slice (AxisSlice) keeps its beat through a reset (its valid flag not cleared):
# a beat of a frame from before the reset is shown on the first clock after it
s/^\(            \)out_valid\$d = 1'b0;/\1out_valid$d = out_valid$q;/
