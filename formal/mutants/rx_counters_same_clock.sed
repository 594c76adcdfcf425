# RX drop counters: an overflow released from the drop FIFO and one counted for want of a queue
# slot in the same clock add one to the overflow count, not two (a drop counted zero times)
s/ctr\$13\$d = ctr\$13\$q + 32'h2;/ctr$13$d = ctr$13$q + 32'h1;/
