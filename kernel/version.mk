# SPDX-License-Identifier: GPL-2.0
# MEMX_VERSION for MODULE_VERSION(): dkms.conf's PACKAGE_VERSION, the one
# place the version is set.
MEMX_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(src)/../../dkms.conf)
$(if $(MEMX_VERSION),,$(error no PACKAGE_VERSION="..." in dkms.conf))
ccflags-y += -DMEMX_VERSION='"$(MEMX_VERSION)"'
