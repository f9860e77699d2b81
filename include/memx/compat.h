/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every shim memx needs to build on more than one kernel version lives
 * here, and nowhere else.
 */
#ifndef _MEMX_COMPAT_H
#define _MEMX_COMPAT_H

#include <linux/export.h>
#include <linux/version.h>

/*
 * <kunit/visibility.h> came with 6.2 (and some 6.1 stable trees): export
 * internals to the KUnit suites only, in their own namespace.
 */
#ifndef EXPORT_SYMBOL_IF_KUNIT
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_KUNIT(sym) EXPORT_SYMBOL_NS(sym, EXPORTED_FOR_KUNIT_TESTING)
#else
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif
#endif

#endif /* _MEMX_COMPAT_H */
