# The output slice's register takes the offered beat while the sink stalls (the stalled beat
# is lost) instead of parking it in the skid register.
s/if (m_axis\$tready || ~out_valid\$q) begin/if (1'b1) begin/
