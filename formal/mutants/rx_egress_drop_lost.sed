# A dropped frame gives no drop pulse: it leaves the pipeline uncounted.
s/dv\$d = a2_mk\$q \&\& a2_drop\$q;/dv$d = 1'b0;/
