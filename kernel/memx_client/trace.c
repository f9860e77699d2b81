// SPDX-License-Identifier: GPL-2.0
/* memx_client's tracepoints (trace.h), defined once. */
#define CREATE_TRACE_POINTS
#include "trace.h"
