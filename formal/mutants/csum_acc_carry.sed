# The accumulator drops the end-around carry it keeps in bit 16.
s/ + (acc\$q >> 32'h10);$/;/
