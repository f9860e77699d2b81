# Echo RMAP-EtherType frames forever, from the initramfs (no 9p), so the
# lab can live-migrate this guest while it answers.
rawping echo eth0
