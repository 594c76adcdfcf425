# TX finish stage: a frame whose length is a whole number of beats gets last_keep 0 (the
# special case for a full last beat dropped): its last beat would carry no byte
s/^\(            \)c_last_keep\$d = ones;/\1c_last_keep$d = ~(ones << rem);/
