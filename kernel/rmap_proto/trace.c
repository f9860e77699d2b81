// SPDX-License-Identifier: GPL-2.0
/* rmap_proto's tracepoints (trace.h), defined once. */
#define CREATE_TRACE_POINTS
#include "trace.h"
