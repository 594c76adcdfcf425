# The final fold without its end-around carry: tot + carries truncated to 16 bits.
s/^\( *\)ff = (((fb .*$/\1ff = fb \& 16'hffff;/
