# TX finish stage: a dropped frame's record is not kept (only the drop flag's FIFO skips it), so
# the records and the engine's pulses drift apart (verilog-ethernet #186, #206)
s/rec_drop\$push = dec_valid;/rec_drop$push = dec_valid \&\& ~dec_drop;/
