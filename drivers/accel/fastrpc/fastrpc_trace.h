/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Documented in Documentation/accel/fastrpc/observability.rst; the events'
 * names and fields are read by tools/accel/fastrpc and the selftests.
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM fastrpc

#if !defined(__FASTRPC_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __FASTRPC_TRACE_H__

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(fastrpc_invoke_start,
	    TP_PROTO(const char *domain, u32 client, bool kernel, u32 handle,
		     u32 sc, u64 ctx),
	    TP_ARGS(domain, client, kernel, handle, sc, ctx),
	    TP_STRUCT__entry(__string(domain, domain)
			     __field(u32, client)
			     __field(bool, kernel)
			     __field(u32, handle)
			     __field(u32, sc)
			     __field(u64, ctx)),
	    TP_fast_assign(__assign_str(domain);
			   __entry->client = client;
			   __entry->kernel = kernel;
			   __entry->handle = handle;
			   __entry->sc = sc;
			   __entry->ctx = ctx;),
	    TP_printk("%s client=%u%s handle=%#x sc=%#010x ctx=%#llx",
		      __get_str(domain), __entry->client,
		      __entry->kernel ? " kernel" : "", __entry->handle,
		      __entry->sc, __entry->ctx)
);

/* Also when the call failed or its caller gave up on it */
TRACE_EVENT(fastrpc_invoke_end,
	    TP_PROTO(const char *domain, u32 client, u32 handle, u32 sc,
		     u64 ctx, int result, u32 dsp_status),
	    TP_ARGS(domain, client, handle, sc, ctx, result, dsp_status),
	    TP_STRUCT__entry(__string(domain, domain)
			     __field(u32, client)
			     __field(u32, handle)
			     __field(u32, sc)
			     __field(u64, ctx)
			     __field(int, result)
			     __field(u32, dsp_status)),
	    TP_fast_assign(__assign_str(domain);
			   __entry->client = client;
			   __entry->handle = handle;
			   __entry->sc = sc;
			   __entry->ctx = ctx;
			   __entry->result = result;
			   __entry->dsp_status = dsp_status;),
	    TP_printk("%s client=%u handle=%#x sc=%#010x ctx=%#llx result=%d dsp_status=%#x",
		      __get_str(domain), __entry->client, __entry->handle,
		      __entry->sc, __entry->ctx, __entry->result,
		      __entry->dsp_status)
);

/* INIT MEM_MAP, or INIT MMAP with @heap; @addr is physical for rheap */
TRACE_EVENT(fastrpc_map,
	    TP_PROTO(const char *domain, u32 client, u32 fd, u32 flags,
		     bool heap, u64 addr, u64 len, u64 dsp_addr, int result),
	    TP_ARGS(domain, client, fd, flags, heap, addr, len, dsp_addr,
		    result),
	    TP_STRUCT__entry(__string(domain, domain)
			     __field(u32, client)
			     __field(u32, fd)
			     __field(u32, flags)
			     __field(bool, heap)
			     __field(u64, addr)
			     __field(u64, len)
			     __field(u64, dsp_addr)
			     __field(int, result)),
	    TP_fast_assign(__assign_str(domain);
			   __entry->client = client;
			   __entry->fd = fd;
			   __entry->flags = flags;
			   __entry->heap = heap;
			   __entry->addr = addr;
			   __entry->len = len;
			   __entry->dsp_addr = dsp_addr;
			   __entry->result = result;),
	    TP_printk("%s client=%u fd=%d flags=%#x%s addr=%#llx len=%#llx dsp_addr=%#llx result=%d",
		      __get_str(domain), __entry->client, (int)__entry->fd,
		      __entry->flags, __entry->heap ? " heap" : "",
		      __entry->addr, __entry->len, __entry->dsp_addr,
		      __entry->result)
);

TRACE_EVENT(fastrpc_unmap,
	    TP_PROTO(const char *domain, u32 client, u32 fd, bool heap,
		     u64 dsp_addr, u64 len, int result),
	    TP_ARGS(domain, client, fd, heap, dsp_addr, len, result),
	    TP_STRUCT__entry(__string(domain, domain)
			     __field(u32, client)
			     __field(u32, fd)
			     __field(bool, heap)
			     __field(u64, dsp_addr)
			     __field(u64, len)
			     __field(int, result)),
	    TP_fast_assign(__assign_str(domain);
			   __entry->client = client;
			   __entry->fd = fd;
			   __entry->heap = heap;
			   __entry->dsp_addr = dsp_addr;
			   __entry->len = len;
			   __entry->result = result;),
	    TP_printk("%s client=%u fd=%d%s dsp_addr=%#llx len=%#llx result=%d",
		      __get_str(domain), __entry->client, (int)__entry->fd,
		      __entry->heap ? " heap" : "", __entry->dsp_addr,
		      __entry->len, __entry->result)
);

TRACE_EVENT(fastrpc_pd_create,
	    TP_PROTO(const char *domain, u32 client, const char *kind,
		     u32 attrs, int result, u32 dsp_status),
	    TP_ARGS(domain, client, kind, attrs, result, dsp_status),
	    TP_STRUCT__entry(__string(domain, domain)
			     __field(u32, client)
			     __string(kind, kind)
			     __field(u32, attrs)
			     __field(int, result)
			     __field(u32, dsp_status)),
	    TP_fast_assign(__assign_str(domain);
			   __entry->client = client;
			   __assign_str(kind);
			   __entry->attrs = attrs;
			   __entry->result = result;
			   __entry->dsp_status = dsp_status;),
	    TP_printk("%s client=%u kind=%s attrs=%#x result=%d dsp_status=%#x",
		      __get_str(domain), __entry->client, __get_str(kind),
		      __entry->attrs, __entry->result, __entry->dsp_status)
);

/* !@sent: the DSP lost the process already */
TRACE_EVENT(fastrpc_pd_release,
	    TP_PROTO(const char *domain, u32 client, bool sent, int result,
		     u32 dsp_status),
	    TP_ARGS(domain, client, sent, result, dsp_status),
	    TP_STRUCT__entry(__string(domain, domain)
			     __field(u32, client)
			     __field(bool, sent)
			     __field(int, result)
			     __field(u32, dsp_status)),
	    TP_fast_assign(__assign_str(domain);
			   __entry->client = client;
			   __entry->sent = sent;
			   __entry->result = result;
			   __entry->dsp_status = dsp_status;),
	    TP_printk("%s client=%u%s result=%d dsp_status=%#x",
		      __get_str(domain), __entry->client,
		      __entry->sent ? "" : " lost", __entry->result,
		      __entry->dsp_status)
);

TRACE_EVENT(fastrpc_channel_up,
	    TP_PROTO(const char *domain, const char *dev, bool secure),
	    TP_ARGS(domain, dev, secure),
	    TP_STRUCT__entry(__string(domain, domain)
			     __string(dev, dev)
			     __field(bool, secure)),
	    TP_fast_assign(__assign_str(domain);
			   __assign_str(dev);
			   __entry->secure = secure;),
	    TP_printk("%s dev=%s%s", __get_str(domain), __get_str(dev),
		      __entry->secure ? " secure" : "")
);

/* @failed: calls still waiting for their reply */
TRACE_EVENT(fastrpc_channel_down,
	    TP_PROTO(const char *domain, const char *dev, unsigned int failed),
	    TP_ARGS(domain, dev, failed),
	    TP_STRUCT__entry(__string(domain, domain)
			     __string(dev, dev)
			     __field(unsigned int, failed)),
	    TP_fast_assign(__assign_str(domain);
			   __assign_str(dev);
			   __entry->failed = failed;),
	    TP_printk("%s dev=%s failed=%u", __get_str(domain), __get_str(dev),
		      __entry->failed)
);

#endif /* __FASTRPC_TRACE_H__ */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE fastrpc_trace
#include <trace/define_trace.h>
