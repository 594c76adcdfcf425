# RX top: the queue-slot credit never runs out (the queue's full flag forgotten): frames keep
# getting slots while every decision waits for the egress
s/no_credit\$d = inflight\$q >= credit_lim;/no_credit$d = 1'b0;/
