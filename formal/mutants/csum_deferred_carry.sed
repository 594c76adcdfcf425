# A packet's last deferred tree carry never reaches the fold.
s/xa\$d = ca\$q;/xa$d = 1'b0;/
