# The drop-order gate's "a drop may be due" flag, once set, stays set: the first drop holds
# every later delivered frame's last beat for ever (a deadlock).
s/drop_was_due\$d = drop_release || drops\$push;/drop_was_due$d = drop_was_due$q || drop_release || drops$push;/
