# The root fold drops the end-around carry of the tree's sum.
s/ + (rfa >> 32'h10)) & 32'hff)/) \& 32'hff)/
