// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: request handling, address checks, protection
 * domains and built-in modules.
 *
 * Everything the host sends is untrusted. Before any handler runs, every
 * buffer argument it touches is checked against the memory the host
 * described for the call (the payload and the PD's init memory) and mapped
 * through struct fastrpc_sim_mem_ops. Handlers touch nothing else.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/xarray.h>

#include <kunit/visibility.h>

#include "../fastrpc_proto.h"
#include "fastrpc_sim.h"

/* The DSP adds the in-page offset of pv to pages[i].addr (4 KiB pages). */
#define FASTRPC_SIM_PV_OFFSET		GENMASK_ULL(11, 0)
/* Device addresses are 32-bit IOVAs. */
#define FASTRPC_SIM_IOVA_LIMIT		BIT_ULL(32)

#define FASTRPC_SIM_MAX_PDS		256
#define FASTRPC_SIM_MAX_HANDLES		256
#define FASTRPC_SIM_HANDLE_BASE		0x1000
#define FASTRPC_SIM_URI_LEN		256

/* Capability attributes 1..6; everything else is 0. */
#define FASTRPC_SIM_NR_CAPS		6

#define FASTRPC_SIM_EBADPARM	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADPARM)
#define FASTRPC_SIM_EBADSTATE	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE)
#define FASTRPC_SIM_EINVHANDLE	FASTRPC_DSP_ERR(FASTRPC_AEE_EINVHANDLE)
#define FASTRPC_SIM_ENOMEMORY	FASTRPC_DSP_ERR(FASTRPC_AEE_ENOMEMORY)
#define FASTRPC_SIM_ENOSUCHMOD	FASTRPC_DSP_ERR(FASTRPC_AEE_ENOSUCHMOD)
#define FASTRPC_SIM_EUNSUPPORTED FASTRPC_DSP_ERR(FASTRPC_AEE_EUNSUPPORTED)

/**
 * struct fastrpc_sim_pd - a protection domain of the DSP
 * @node: entry of fastrpc_sim_dsp.pds
 * @pgid: client id of the host process
 * @type: FASTRPC_PD_ROOT or FASTRPC_PD_USER
 * @mem_iova: start of the init memory given at CREATE
 * @mem_size: size of the init memory, 0 if none
 * @handles: open module handles, value = index in fastrpc_sim_modules[]
 * @nhandles: number of entries of @handles
 */
struct fastrpc_sim_pd {
	struct list_head node;
	u32 pgid;
	u32 type;
	u64 mem_iova;
	u64 mem_size;
	struct xarray handles;
	unsigned int nhandles;
};

/**
 * struct fastrpc_sim_buf - one buffer argument after the address check
 * @va: CPU pointer from fastrpc_sim_mem_ops.map, NULL if not mapped
 * @len: length in bytes
 */
struct fastrpc_sim_buf {
	void *va;
	size_t len;
};

/**
 * struct fastrpc_sim_call - one request being handled
 * @dsp: the DSP
 * @pd: PD of @pid, or NULL
 * @pid: msg.pid
 * @handle: msg.handle
 * @sc: msg.sc
 * @method: method of @sc
 * @nin: in-buffers of @sc
 * @nout: out-buffers of @sc
 * @bufs: the buffer arguments, @nin + @nout entries
 * @delay_ms: delay of the reply requested by the handler
 */
struct fastrpc_sim_call {
	struct fastrpc_sim_dsp *dsp;
	struct fastrpc_sim_pd *pd;
	u32 pid;
	u32 handle;
	u32 sc;
	u32 method;
	u32 nin;
	u32 nout;
	struct fastrpc_sim_buf *bufs;
	unsigned int delay_ms;
};

/**
 * struct fastrpc_sim_module - a built-in DSP module
 * @name: name in the URI, file:///lib<name>_skel.so
 * @invoke: run a method; returns the retval
 */
struct fastrpc_sim_module {
	const char *name;
	u32 (*invoke)(struct fastrpc_sim_call *call);
};

static u32 fastrpc_sim_bad_request(struct fastrpc_sim_call *call,
				   const char *why)
{
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_BAD_REQUESTS, 1);
	pr_debug("%s: handle %#x sc %#x: %s\n", call->dsp->name, call->handle,
		 call->sc, why);
	return FASTRPC_SIM_EBADPARM;
}

static u32 fastrpc_sim_fault(struct fastrpc_sim_call *call, u64 addr, u64 len)
{
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_FAULTS, 1);
	pr_warn_ratelimited("%s: handle %#x sc %#x: fault at %#llx+%#llx, outside the memory described for the call\n",
			    call->dsp->name, call->handle, call->sc, addr, len);
	return FASTRPC_SIM_EBADPARM;
}

/* [addr, addr + len) lies within [base, base + size) */
static bool fastrpc_sim_within(u64 addr, u64 len, u64 base, u64 size)
{
	return addr >= base && len <= size && addr - base <= size - len;
}

/*
 * fastrpc_sim_phys_map() - the translation of device addresses.
 *
 * There is no simulated IOMMU yet: on x86 the CB devices use dma-direct, so
 * once the stream id is stripped the IOVA is the physical address. Only
 * system RAM is accepted, so that memremap() takes its linear-map path.
 */
static void *fastrpc_sim_phys_map(void *priv, u32 sid, u64 iova, size_t len)
{
	if (region_intersects(iova, len, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_INTERSECTS)
		return NULL;

	return memremap(iova, len, MEMREMAP_WB);
}

static void fastrpc_sim_phys_unmap(void *priv, void *va)
{
	memunmap(va);
}

const struct fastrpc_sim_mem_ops fastrpc_sim_phys_mem_ops = {
	.map = fastrpc_sim_phys_map,
	.unmap = fastrpc_sim_phys_unmap,
};

static void *fastrpc_sim_map(struct fastrpc_sim_dsp *dsp, u32 sid, u64 iova,
			     size_t len)
{
	return dsp->mem_ops->map(dsp->mem_priv, sid, iova, len);
}

static void fastrpc_sim_unmap(struct fastrpc_sim_dsp *dsp, void *va)
{
	dsp->mem_ops->unmap(dsp->mem_priv, va);
}

/* An argument the method never touches, and which is therefore not checked */
static bool fastrpc_sim_arg_untouched(const struct fastrpc_sim_call *call,
				      u32 i)
{
	/* The shell image of CREATE (in2) may live in a dma-buf. */
	return call->handle == FASTRPC_HANDLE_INIT &&
	       (call->method == FASTRPC_RMID_INIT_CREATE ||
		call->method == FASTRPC_RMID_INIT_CREATE_ATTR) && i == 2;
}

static u32 fastrpc_sim_map_arg(struct fastrpc_sim_call *call, u32 i,
			       u64 payload, u64 payload_size,
			       const union fastrpc_remote_arg *rpra,
			       const struct fastrpc_phy_page *page)
{
	struct fastrpc_sim_pd *pd = call->pd;
	u64 len = le64_to_cpu(rpra->buf.len);
	u64 off = le64_to_cpu(rpra->buf.pv) & FASTRPC_SIM_PV_OFFSET;
	u64 pg_addr = le64_to_cpu(page->addr);
	u64 pg_iova = pg_addr & FASTRPC_ADDR_IOVA;
	u64 pg_size = le64_to_cpu(page->size);
	u32 sid = FIELD_GET(FASTRPC_ADDR_SID, pg_addr);
	void *va;

	if (!len)
		return 0;

	/* The argument lies within its own page range... */
	if (!fastrpc_sim_within(off, len, 0, pg_size))
		return fastrpc_sim_fault(call, pg_addr + off, len);

	/* ...which lies within the payload or the PD's init memory. */
	if (!fastrpc_sim_within(pg_iova, pg_size, payload, payload_size) &&
	    !(pd && fastrpc_sim_within(pg_iova, pg_size, pd->mem_iova,
				       pd->mem_size)))
		return fastrpc_sim_fault(call, pg_addr + off, len);

	va = fastrpc_sim_map(call->dsp, sid, pg_iova + off, len);
	if (!va)
		return fastrpc_sim_fault(call, pg_addr + off, len);

	call->bufs[i].va = va;
	call->bufs[i].len = len;
	return 0;
}

static void fastrpc_sim_unmap_args(struct fastrpc_sim_call *call)
{
	u32 i;

	if (!call->bufs)
		return;

	for (i = 0; i < call->nin + call->nout; i++)
		if (call->bufs[i].va)
			fastrpc_sim_unmap(call->dsp, call->bufs[i].va);
	kfree(call->bufs);
	call->bufs = NULL;
}

/*
 * Check the payload and every buffer argument the method touches, and map
 * them. On failure nothing is mapped and nothing has been read or written
 * apart from the metadata.
 */
static u32 fastrpc_sim_map_args(struct fastrpc_sim_call *call, u64 addr,
				u64 size)
{
	u32 nargs = fastrpc_sc_nargs(call->sc);
	u32 nbufs = call->nin + call->nout;
	u64 iova = addr & FASTRPC_ADDR_IOVA;
	u32 sid = FIELD_GET(FASTRPC_ADDR_SID, addr);
	size_t meta = fastrpc_meta_len(nargs);
	const union fastrpc_remote_arg *rpra;
	const struct fastrpc_phy_page *pages;
	void *va;
	u32 i, ret = 0;

	if (!fastrpc_sim_within(iova, size, 0, FASTRPC_SIM_IOVA_LIMIT) ||
	    size < meta)
		return fastrpc_sim_bad_request(call, "payload too small");

	va = fastrpc_sim_map(call->dsp, sid, iova, meta);
	if (!va)
		return fastrpc_sim_fault(call, addr, meta);

	if (nbufs) {
		call->bufs = kcalloc(nbufs, sizeof(*call->bufs), GFP_KERNEL);
		if (!call->bufs) {
			ret = FASTRPC_SIM_ENOMEMORY;
			goto out_unmap_meta;
		}
	}

	rpra = va;
	pages = va + nargs * (sizeof(*rpra) + sizeof(struct fastrpc_invoke_buf));
	for (i = 0; i < nbufs; i++) {
		union fastrpc_remote_arg arg;
		struct fastrpc_phy_page page;

		if (fastrpc_sim_arg_untouched(call, i))
			continue;

		/* The host may change the payload under us: copy first. */
		memcpy(&arg, &rpra[i], sizeof(arg));
		memcpy(&page, &pages[i], sizeof(page));
		ret = fastrpc_sim_map_arg(call, i, iova, size, &arg, &page);
		if (ret)
			break;
	}

out_unmap_meta:
	fastrpc_sim_unmap(call->dsp, va);
	if (ret)
		fastrpc_sim_unmap_args(call);
	return ret;
}

static bool fastrpc_sim_sc_is(const struct fastrpc_sim_call *call, u32 nin,
			      u32 nout)
{
	return call->nin == nin && call->nout == nout &&
	       !fastrpc_sc_inhandles(call->sc) &&
	       !fastrpc_sc_outhandles(call->sc);
}

static bool fastrpc_sim_get_u32(struct fastrpc_sim_call *call, u32 i, u32 *val)
{
	if (call->bufs[i].len < sizeof(*val))
		return false;

	*val = get_unaligned_le32(call->bufs[i].va);
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_INLINE_BYTES,
			  sizeof(*val));
	return true;
}

static void fastrpc_sim_read(struct fastrpc_sim_call *call, u32 i, void *dst,
			     size_t len)
{
	memcpy(dst, call->bufs[i].va, len);
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_INLINE_BYTES, len);
}

static void fastrpc_sim_write(struct fastrpc_sim_call *call, u32 i,
			      const void *src, size_t len)
{
	memcpy(call->bufs[i].va, src, len);
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_INLINE_BYTES, len);
}

/* Out-buffer @i receives at most its length of @text, NUL-terminated. */
static void fastrpc_sim_write_text(struct fastrpc_sim_call *call, u32 i,
				   const char *text)
{
	size_t len = call->bufs[i].len;

	if (!len)
		return;

	len = min(len, strlen(text) + 1);
	fastrpc_sim_write(call, i, text, len);
	((char *)call->bufs[i].va)[len - 1] = '\0';
}

/* ---- protection domains ---- */

static struct fastrpc_sim_pd *
fastrpc_sim_pd_find_locked(struct fastrpc_sim_dsp *dsp, u32 pgid)
{
	struct fastrpc_sim_pd *pd;

	lockdep_assert_held(&dsp->pd_lock);

	list_for_each_entry(pd, &dsp->pds, node)
		if (pd->pgid == pgid)
			return pd;

	return NULL;
}

static struct fastrpc_sim_pd *
fastrpc_sim_pd_get_locked(struct fastrpc_sim_dsp *dsp, u32 pgid, u32 type)
{
	struct fastrpc_sim_pd *pd;

	lockdep_assert_held(&dsp->pd_lock);

	pd = fastrpc_sim_pd_find_locked(dsp, pgid);
	if (pd)
		return pd;

	if (dsp->npds >= FASTRPC_SIM_MAX_PDS)
		return NULL;

	pd = kzalloc(sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return NULL;

	pd->pgid = pgid;
	pd->type = type;
	xa_init_flags(&pd->handles, XA_FLAGS_ALLOC);
	list_add_tail(&pd->node, &dsp->pds);
	dsp->npds++;
	return pd;
}

static void fastrpc_sim_pd_free_locked(struct fastrpc_sim_dsp *dsp,
				       struct fastrpc_sim_pd *pd)
{
	lockdep_assert_held(&dsp->pd_lock);

	list_del(&pd->node);
	dsp->npds--;
	xa_destroy(&pd->handles);
	kfree(pd);
}

/* ---- init handle (1) ---- */

static u32 fastrpc_sim_init_attach(struct fastrpc_sim_call *call)
{
	u32 pgid;

	if (!fastrpc_sim_sc_is(call, 1, 0) ||
	    !fastrpc_sim_get_u32(call, 0, &pgid))
		return fastrpc_sim_bad_request(call, "bad ATTACH");

	if (!fastrpc_sim_pd_get_locked(call->dsp, pgid, FASTRPC_PD_ROOT))
		return FASTRPC_SIM_ENOMEMORY;

	return 0;
}

static u32 fastrpc_sim_init_create(struct fastrpc_sim_call *call)
{
	struct fastrpc_create_req req;
	struct fastrpc_phy_page mem;
	struct fastrpc_sim_pd *pd;
	u64 iova, size;

	if (!fastrpc_sim_sc_is(call, 4, 0) ||
	    call->bufs[0].len < sizeof(req) ||
	    call->bufs[3].len < sizeof(mem))
		return fastrpc_sim_bad_request(call, "bad CREATE");

	fastrpc_sim_read(call, 0, &req, sizeof(req));
	fastrpc_sim_read(call, 3, &mem, sizeof(mem));

	iova = le64_to_cpu(mem.addr) & FASTRPC_ADDR_IOVA;
	size = le64_to_cpu(mem.size);
	if (!size || !fastrpc_sim_within(iova, size, 0, FASTRPC_SIM_IOVA_LIMIT))
		return fastrpc_sim_bad_request(call, "bad init memory");

	pd = fastrpc_sim_pd_get_locked(call->dsp, le32_to_cpu(req.pgid),
				       FASTRPC_PD_USER);
	if (!pd)
		return FASTRPC_SIM_ENOMEMORY;

	pd->type = FASTRPC_PD_USER;
	pd->mem_iova = iova;
	pd->mem_size = size;
	return 0;
}

static u32 fastrpc_sim_init_release(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_pd *pd;
	u32 pgid;

	if (!fastrpc_sim_sc_is(call, 1, 0) ||
	    !fastrpc_sim_get_u32(call, 0, &pgid))
		return fastrpc_sim_bad_request(call, "bad RELEASE");

	pd = fastrpc_sim_pd_find_locked(call->dsp, pgid);
	if (pd) {
		if (pd == call->pd)
			call->pd = NULL;
		fastrpc_sim_pd_free_locked(call->dsp, pd);
	}
	fastrpc_sim_dsp_wake_pd(call->dsp, pgid);
	return 0;
}

static u32 fastrpc_sim_init_invoke(struct fastrpc_sim_call *call)
{
	switch (call->method) {
	case FASTRPC_RMID_INIT_ATTACH:
		return fastrpc_sim_init_attach(call);
	case FASTRPC_RMID_INIT_RELEASE:
		return fastrpc_sim_init_release(call);
	case FASTRPC_RMID_INIT_CREATE:
	case FASTRPC_RMID_INIT_CREATE_ATTR:
		return fastrpc_sim_init_create(call);
	default:
		return FASTRPC_SIM_EUNSUPPORTED;
	}
}

/* ---- DSP utilities (2) ---- */

static const u32 fastrpc_sim_caps[FASTRPC_SIM_NR_CAPS] = {
	1,		/* 1: unsigned PD support */
	0,		/* 2: HVX 64B */
	4,		/* 3: HVX 128B */
	0x40000,	/* 4: VTCM page */
	1,		/* 5: VTCM count */
	0x73,		/* 6: architecture */
};

static u32 fastrpc_sim_utils_invoke(struct fastrpc_sim_call *call)
{
	__le32 *out;
	u32 n, k;

	if (call->method != FASTRPC_DSP_UTILS_CAPS_METHOD)
		return FASTRPC_SIM_EUNSUPPORTED;

	if (!fastrpc_sim_sc_is(call, 1, 1) ||
	    !fastrpc_sim_get_u32(call, 0, &n) ||
	    n > call->bufs[1].len / sizeof(*out))
		return fastrpc_sim_bad_request(call, "bad capability query");

	out = call->bufs[1].va;
	for (k = 0; k < n; k++)
		put_unaligned_le32(k < FASTRPC_SIM_NR_CAPS ?
				   fastrpc_sim_caps[k] : 0, &out[k]);
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_INLINE_BYTES,
			  n * sizeof(*out));
	return 0;
}

/* ---- built-in modules ---- */

static u32 fastrpc_sim_calculator_invoke(struct fastrpc_sim_call *call)
{
	const u8 *vec;
	s64 sum = 0;
	s32 max = S32_MIN;
	u32 n, k;

	if (call->method != 2 && call->method != 3)
		return FASTRPC_SIM_EUNSUPPORTED;

	if (!fastrpc_sim_sc_is(call, 2, 1) ||
	    !fastrpc_sim_get_u32(call, 0, &n) ||
	    n > call->bufs[1].len / sizeof(u32))
		return fastrpc_sim_bad_request(call, "bad calculator call");

	vec = call->bufs[1].va;
	for (k = 0; k < n; k++) {
		s32 v = get_unaligned_le32(vec + k * sizeof(u32));

		sum += v;
		max = max(max, v);
	}
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_INLINE_BYTES,
			  n * sizeof(u32));

	if (call->method == 2) {
		__le64 res = cpu_to_le64(sum);

		if (call->bufs[2].len < sizeof(res))
			return fastrpc_sim_bad_request(call, "short sum");
		fastrpc_sim_write(call, 2, &res, sizeof(res));
	} else {
		__le32 res = cpu_to_le32(max);

		if (call->bufs[2].len < sizeof(res))
			return fastrpc_sim_bad_request(call, "short max");
		fastrpc_sim_write(call, 2, &res, sizeof(res));
	}
	return 0;
}

static u32 fastrpc_sim_simtest_echo(struct fastrpc_sim_call *call)
{
	u32 k;

	if (!fastrpc_sim_sc_is(call, call->nin, call->nin))
		return fastrpc_sim_bad_request(call, "bad echo");

	for (k = 0; k < call->nin; k++)
		if (call->bufs[k].len != call->bufs[call->nin + k].len)
			return fastrpc_sim_bad_request(call, "echo lengths");

	for (k = 0; k < call->nin; k++) {
		size_t len = call->bufs[k].len;

		if (!len)
			continue;
		memmove(call->bufs[call->nin + k].va, call->bufs[k].va, len);
		fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_INLINE_BYTES,
				  2 * len);
	}
	return 0;
}

static u32 fastrpc_sim_simtest_fill(struct fastrpc_sim_call *call)
{
	__le32 pattern;
	size_t len, k;
	u8 *out;
	u32 val;

	if (!fastrpc_sim_sc_is(call, 1, 1) ||
	    !fastrpc_sim_get_u32(call, 0, &val))
		return fastrpc_sim_bad_request(call, "bad fill");

	pattern = cpu_to_le32(val);
	out = call->bufs[1].va;
	len = call->bufs[1].len;
	for (k = 0; k < len; k += sizeof(pattern))
		memcpy(out + k, &pattern, min(len - k, sizeof(pattern)));
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_INLINE_BYTES, len);
	return 0;
}

static u32 fastrpc_sim_simtest_invoke(struct fastrpc_sim_call *call)
{
	u32 val;

	switch (call->method) {
	case 2:
		return fastrpc_sim_simtest_echo(call);
	case 3:
		if (!fastrpc_sim_sc_is(call, 1, 0) ||
		    !fastrpc_sim_get_u32(call, 0, &val))
			return fastrpc_sim_bad_request(call, "bad sleep");
		call->delay_ms = val;
		return 0;
	case 4:
		if (!fastrpc_sim_sc_is(call, 1, 0) ||
		    !fastrpc_sim_get_u32(call, 0, &val))
			return fastrpc_sim_bad_request(call, "bad error");
		return val;
	case 5:
		return fastrpc_sim_simtest_fill(call);
	default:
		return FASTRPC_SIM_EUNSUPPORTED;
	}
}

static const struct fastrpc_sim_module fastrpc_sim_modules[] = {
	{ .name = "calculator", .invoke = fastrpc_sim_calculator_invoke },
	{ .name = "simtest", .invoke = fastrpc_sim_simtest_invoke },
};

/* Module of "file:///lib<name>_skel.so?...", or -1 */
static int fastrpc_sim_module_find(char *uri)
{
	static const char suffix[] = "_skel.so";
	char *base, *query;
	size_t len;
	int i;

	query = strchr(uri, '?');
	if (query)
		*query = '\0';
	base = strrchr(uri, '/');
	base = base ? base + 1 : uri;
	if (!str_has_prefix(base, "lib"))
		return -1;
	base += strlen("lib");

	len = strlen(base);
	if (len < strlen(suffix) ||
	    strcmp(base + len - strlen(suffix), suffix))
		return -1;
	len -= strlen(suffix);

	for (i = 0; i < ARRAY_SIZE(fastrpc_sim_modules); i++)
		if (strlen(fastrpc_sim_modules[i].name) == len &&
		    !strncmp(fastrpc_sim_modules[i].name, base, len))
			return i;

	return -1;
}

/* ---- remotectl (0) and remotectl1 (8) ---- */

static u32 fastrpc_sim_remotectl_open(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_dsp *dsp = call->dsp;
	struct fastrpc_sim_pd *pd = call->pd;
	char uri[FASTRPC_SIM_URI_LEN];
	char text[64] = "";
	__le32 hdr[2], out[2];
	u32 handle = 0;
	s32 dlerr = 0;
	size_t len;
	int mod;

	if (!fastrpc_sim_sc_is(call, 2, 2) ||
	    call->bufs[0].len < sizeof(hdr) ||
	    call->bufs[2].len < sizeof(out))
		return fastrpc_sim_bad_request(call, "bad open");

	fastrpc_sim_read(call, 0, hdr, sizeof(hdr));
	len = le32_to_cpu(hdr[0]);
	if (len > call->bufs[1].len)
		return fastrpc_sim_bad_request(call, "bad URI length");

	len = min(len, sizeof(uri) - 1);
	fastrpc_sim_read(call, 1, uri, len);
	uri[len] = '\0';

	mod = fastrpc_sim_module_find(uri);
	if (mod < 0) {
		dlerr = FASTRPC_SIM_ENOSUCHMOD;
		strscpy(text, "no such module");
	} else if (pd->nhandles >= FASTRPC_SIM_MAX_HANDLES ||
		   xa_alloc_cyclic(&pd->handles, &handle, xa_mk_value(mod),
				   XA_LIMIT(FASTRPC_SIM_HANDLE_BASE, S32_MAX),
				   &dsp->next_handle, GFP_KERNEL) < 0) {
		dlerr = FASTRPC_SIM_ENOMEMORY;
		strscpy(text, "out of handles");
	} else {
		pd->nhandles++;
	}

	out[0] = cpu_to_le32(handle);
	out[1] = cpu_to_le32(dlerr);
	fastrpc_sim_write(call, 2, out, sizeof(out));
	fastrpc_sim_write_text(call, 3, text);
	return 0;
}

static u32 fastrpc_sim_remotectl_close(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_pd *pd = call->pd;
	__le32 dlerr = 0;
	u32 handle;

	if (!fastrpc_sim_sc_is(call, 1, 2) ||
	    !fastrpc_sim_get_u32(call, 0, &handle) ||
	    call->bufs[1].len < sizeof(dlerr))
		return fastrpc_sim_bad_request(call, "bad close");

	if (!xa_erase(&pd->handles, handle))
		return FASTRPC_SIM_EINVHANDLE;
	pd->nhandles--;

	fastrpc_sim_write(call, 1, &dlerr, sizeof(dlerr));
	fastrpc_sim_write_text(call, 2, "");
	return 0;
}

static u32 fastrpc_sim_remotectl_invoke(struct fastrpc_sim_call *call,
					u32 open, u32 close)
{
	if (call->method == open)
		return fastrpc_sim_remotectl_open(call);
	if (call->method == close)
		return fastrpc_sim_remotectl_close(call);
	return FASTRPC_SIM_EUNSUPPORTED;
}

static u32 fastrpc_sim_dispatch_locked(struct fastrpc_sim_call *call)
{
	void *entry;

	lockdep_assert_held(&call->dsp->pd_lock);

	switch (call->handle) {
	case FASTRPC_HANDLE_INIT:
		return fastrpc_sim_init_invoke(call);
	case FASTRPC_HANDLE_DSP_UTILS:
		return fastrpc_sim_utils_invoke(call);
	case FASTRPC_HANDLE_REMOTECTL:
	case FASTRPC_HANDLE_REMOTECTL1:
	case FASTRPC_HANDLE_CURRENT_PROCESS:
		break;
	default:
		if (call->handle < FASTRPC_SIM_HANDLE_BASE)
			return FASTRPC_SIM_EINVHANDLE;
		break;
	}

	if (!call->pd)
		return FASTRPC_SIM_EBADSTATE;

	switch (call->handle) {
	case FASTRPC_HANDLE_REMOTECTL:
		return fastrpc_sim_remotectl_invoke(call, 0, 1);
	case FASTRPC_HANDLE_REMOTECTL1:
		return fastrpc_sim_remotectl_invoke(call, 2, 3);
	case FASTRPC_HANDLE_CURRENT_PROCESS:
		/* exit; notifications and the rest are not supported */
		return call->method == 2 ? 0 : FASTRPC_SIM_EUNSUPPORTED;
	}

	entry = xa_load(&call->pd->handles, call->handle);
	if (!entry)
		return FASTRPC_SIM_EINVHANDLE;

	return fastrpc_sim_modules[xa_to_value(entry)].invoke(call);
}

/**
 * fastrpc_sim_dsp_handle() - handle one request
 * @dsp: the DSP
 * @data: the message, as received
 * @len: length of @data
 * @delay_ms: set to the time the reply is to be delayed by
 *
 * Checks the message and the memory it describes, runs the method and
 * writes its results. Sends nothing.
 *
 * Return: the retval of the reply: 0 or a FASTRPC_DSP_ERR() code, or what
 * the method chose to return.
 */
u32 fastrpc_sim_dsp_handle(struct fastrpc_sim_dsp *dsp, const void *data,
			   size_t len, unsigned int *delay_ms)
{
	struct fastrpc_sim_call call = { .dsp = dsp };
	const struct fastrpc_msg *msg = data;
	u32 ret;

	*delay_ms = 0;
	if (len != sizeof(*msg)) {
		fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_BAD_REQUESTS, 1);
		pr_debug("%s: message of %zu bytes\n", dsp->name, len);
		return FASTRPC_SIM_EBADPARM;
	}

	call.pid = le32_to_cpu(msg->pid);
	call.handle = le32_to_cpu(msg->handle);
	call.sc = le32_to_cpu(msg->sc);
	call.method = fastrpc_sc_method(call.sc);
	call.nin = fastrpc_sc_inbufs(call.sc);
	call.nout = fastrpc_sc_outbufs(call.sc);

	mutex_lock(&dsp->pd_lock);
	call.pd = fastrpc_sim_pd_find_locked(dsp, call.pid);
	ret = fastrpc_sim_map_args(&call, le64_to_cpu(msg->addr),
				   le64_to_cpu(msg->size));
	if (!ret)
		ret = fastrpc_sim_dispatch_locked(&call);
	mutex_unlock(&dsp->pd_lock);

	fastrpc_sim_unmap_args(&call);
	*delay_ms = call.delay_ms;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_handle);

/**
 * fastrpc_sim_dsp_forget_pds() - drop every PD, as a DSP restart does
 * @dsp: the DSP
 */
void fastrpc_sim_dsp_forget_pds(struct fastrpc_sim_dsp *dsp)
{
	struct fastrpc_sim_pd *pd, *tmp;

	mutex_lock(&dsp->pd_lock);
	list_for_each_entry_safe(pd, tmp, &dsp->pds, node)
		fastrpc_sim_pd_free_locked(dsp, pd);
	mutex_unlock(&dsp->pd_lock);
}
