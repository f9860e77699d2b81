# A role that plans two checks and makes one, which passes: the lab must
# see its verdict fail, for the check it did not make (selftest.py).
lab_plan 2
check "the one check of two this role makes" true
