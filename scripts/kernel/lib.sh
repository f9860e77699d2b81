# Shared paths for the kernel helper scripts. Source it, do not run it.
MEMX_CACHE=${MEMX_CACHE:-/var/cache/memx}
SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
SRC_VERSION=$(dpkg-query -W -f='${Version}' linux-source-6.1)
SRC_DIR=$MEMX_CACHE/linux-source-$SRC_VERSION

# Extract Debian's kernel source once; checkpatch, kunit.py and the debug
# kernel all come from it.
memx_source() {
	if [ ! -f "$SRC_DIR/.extracted" ]; then
		rm -rf "$SRC_DIR" "$SRC_DIR.tmp"
		mkdir -p "$SRC_DIR.tmp"
		tar -xf "$SRC_TARBALL" -C "$SRC_DIR.tmp" --strip-components=1
		touch "$SRC_DIR.tmp/.extracted"
		mv "$SRC_DIR.tmp" "$SRC_DIR"
	fi
	echo "$SRC_DIR"
}
