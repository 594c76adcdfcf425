# The root adder of the 512-bit tree keeps 20 bits: the carry out of the top level is lost
# (its 32 words need 21).
s/nd\$30 = nv\$28 + nv\$29;/nd$30 = (nv$28 + nv$29) \& 24'hfffff;/
