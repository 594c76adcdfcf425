# TX top: the frame credit never runs out (every queue's full flag forgotten): frames keep
# taking descriptors while the egress takes none
s/credit_ok\$d = in_flight\$q < credit_max;/credit_ok$d = 1'b1;/
