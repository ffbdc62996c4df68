// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: the definitions of the trace events of
 * fastrpc_trace.h.
 */

#define CREATE_TRACE_POINTS
#include "fastrpc_trace.h"
