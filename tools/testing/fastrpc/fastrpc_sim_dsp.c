// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: request handling, address checks, protection
 * domains, DSP mappings, and the init, utilities and remotectl handles.
 *
 * Everything the host sends is untrusted. Every address the DSP touches is
 * translated by the context bank of the caller (the stream id of the
 * payload), through struct fastrpc_sim_mem_ops, page by page: an address
 * that bank does not map is an SMMU fault. Before a handler writes
 * anything, every range it will touch has been checked: the whole of every
 * buffer and handle argument, or for lazy methods what the method touches.
 * The fdlist and crclist of a payload are never written.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include <kunit/visibility.h>

#include "fastrpc_proto.h"
#include "fastrpc_sim.h"

/* The DSP adds the in-page offset of pv to pages[i].addr (4 KiB pages). */
#define FASTRPC_SIM_PV_OFFSET		GENMASK_ULL(11, 0)
/* Device addresses are 32-bit IOVAs. */
#define FASTRPC_SIM_IOVA_LIMIT		BIT_ULL(32)

/* DSP mappings: per PD, at DSP addresses [BASE, END) */
#define FASTRPC_SIM_MAX_MAPS		1024
#define FASTRPC_SIM_DSP_VA_BASE		0x40000000ULL
#define FASTRPC_SIM_DSP_VA_END		0x100000000ULL
#define FASTRPC_SIM_PAGE_SIZE		4096ULL

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
 * struct fastrpc_sim_map - a mapping of host memory into a PD
 * @node: entry of fastrpc_sim_pd.maps, sorted by @dsp_addr
 * @dsp_addr: DSP virtual address
 * @sid: context bank of the host memory
 * @iova: device address of the host memory
 * @len: length in bytes, page aligned
 * @heap: made by MMAP (pages given to the PD's heap, undone by MUNMAP), not
 *	by MEM_MAP (undone by MEM_UNMAP)
 * @region: physical pages of the reserved region (MMAP with REMOTE_HEAP):
 *	@sid is 0 and @iova the physical address
 */
struct fastrpc_sim_map {
	struct list_head node;
	u64 dsp_addr;
	u32 sid;
	u64 iova;
	u64 len;
	bool heap;
	bool region;
};

/* Is @call an MMAP or MUNMAP request (heap pages), not MEM_MAP/MEM_UNMAP? */
static bool fastrpc_sim_call_is_heap(const struct fastrpc_sim_call *call)
{
	return call->method == FASTRPC_RMID_INIT_MMAP ||
	       call->method == FASTRPC_RMID_INIT_MUNMAP;
}

/**
 * struct fastrpc_sim_pd - a protection domain of the DSP
 * @node: entry of fastrpc_sim_dsp.pds
 * @pgid: client id of the host process
 * @type: FASTRPC_PD_ROOT or FASTRPC_PD_USER
 * @mem_iova: start of the init memory given at CREATE
 * @mem_size: size of the init memory, 0 if none
 * @handles: open module handles, value = index in fastrpc_sim_modules[]
 * @nhandles: number of entries of @handles
 * @maps: DSP mappings (struct fastrpc_sim_map)
 * @nmaps: number of entries of @maps
 * @rev: what the PD asks of its host, or NULL (fastrpc_sim_reverse.c)
 * @static_pd: the PD is a client of the audio PD (CREATE_STATIC)
 */
struct fastrpc_sim_pd {
	struct list_head node;
	u32 pgid;
	u32 type;
	u64 mem_iova;
	u64 mem_size;
	struct xarray handles;
	unsigned int nhandles;
	struct list_head maps;
	unsigned int nmaps;
	struct fastrpc_sim_rev *rev;
	bool static_pd;
};

/**
 * fastrpc_sim_bad_request() - count and log a malformed request
 * @call: the request
 * @why: what is wrong with it
 *
 * Return: AEE_EBADPARM, the retval of the reply.
 */
u32 fastrpc_sim_bad_request(struct fastrpc_sim_call *call, const char *why)
{
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_BAD_REQUESTS, 1);
	pr_debug("%s: handle %#x sc %#x: %s\n", call->dsp->name, call->handle,
		 call->sc, why);
	return FASTRPC_SIM_EBADPARM;
}

/**
 * fastrpc_sim_fault() - count and log an address check failure
 * @call: the request
 * @addr: the address, as the host sent it
 * @len: length of the access
 * @why: what is wrong with it
 *
 * Return: AEE_EBADPARM, the retval of the reply.
 */
u32 fastrpc_sim_fault(struct fastrpc_sim_call *call, u64 addr, u64 len,
		      const char *why)
{
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_FAULTS, 1);
	pr_warn_ratelimited("%s: handle %#x sc %#x: fault at %#llx+%#llx, %s\n",
			    call->dsp->name, call->handle, call->sc, addr, len,
			    why);
	return FASTRPC_SIM_EBADPARM;
}

static u32 fastrpc_sim_smmu_fault(struct fastrpc_sim_call *call, u32 sid,
				  u64 iova, u64 len)
{
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_FAULTS, 1);
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_SMMU_FAULTS, 1);
	pr_warn_ratelimited("%s: handle %#x sc %#x: SMMU fault at iova %#llx+%#llx, sid %u\n",
			    call->dsp->name, call->handle, call->sc, iova, len,
			    sid);
	return FASTRPC_SIM_EBADPARM;
}

/* [addr, addr + len) lies within [base, base + size) */
static bool fastrpc_sim_within(u64 addr, u64 len, u64 base, u64 size)
{
	return addr >= base && len <= size && addr - base <= size - len;
}

static int fastrpc_sim_mem_access(struct fastrpc_sim_dsp *dsp, u32 sid,
				  u64 iova, void *data, size_t len,
				  enum fastrpc_sim_access op)
{
	return dsp->mem_ops->access(dsp->mem_priv, sid, iova, data, len, op);
}

/**
 * fastrpc_sim_access() - check, read or write a range of host memory
 * @call: the request
 * @buf: the memory
 * @off: offset of the range in @buf
 * @data: where to read to or write from; unused for FASTRPC_SIM_CHECK
 * @len: length of the range
 * @op: what to do
 *
 * The range is translated page by page by the context bank of @buf. Bytes
 * read or written are counted as inline or buffer bytes.
 *
 * Return: 0, or AEE_EBADPARM if the range lies outside @buf or is not
 * mapped (an SMMU fault, counted and logged).
 */
u32 fastrpc_sim_access(struct fastrpc_sim_call *call,
		       const struct fastrpc_sim_buf *buf, u64 off, void *data,
		       u64 len, enum fastrpc_sim_access op)
{
	struct fastrpc_sim_dsp *dsp = call->dsp;

	if (!len)
		return 0;

	if (!fastrpc_sim_within(off, len, 0, buf->len))
		return fastrpc_sim_bad_request(call, "access past a buffer");

	if (fastrpc_sim_mem_access(dsp, buf->sid, buf->iova + off, data, len,
				   op))
		return fastrpc_sim_smmu_fault(call, buf->sid, buf->iova + off,
					      len);

	if (op != FASTRPC_SIM_CHECK)
		fastrpc_sim_count(dsp, buf->inline_arg ?
				  FASTRPC_SIM_STAT_INLINE_BYTES :
				  FASTRPC_SIM_STAT_BUFFER_BYTES, len);
	return 0;
}

/**
 * fastrpc_sim_copy() - copy between two ranges of host memory
 * @call: the request
 * @dst: the destination, at least @len bytes
 * @src: the source, at least @len bytes
 * @len: bytes to copy
 *
 * Copies from the start forwards, a page at a time, through the DSP's
 * bounce page. Both ranges should have been checked.
 *
 * Return: 0 or AEE_EBADPARM.
 */
u32 fastrpc_sim_copy(struct fastrpc_sim_call *call,
		     const struct fastrpc_sim_buf *dst,
		     const struct fastrpc_sim_buf *src, u64 len)
{
	void *bounce = call->dsp->bounce;
	u64 off, n;
	u32 ret;

	lockdep_assert_held(&call->dsp->pd_lock);

	for (off = 0; off < len; off += n) {
		n = min(len - off, PAGE_SIZE);
		ret = fastrpc_sim_access(call, src, off, bounce, n,
					 FASTRPC_SIM_READ);
		if (!ret)
			ret = fastrpc_sim_access(call, dst, off, bounce, n,
						 FASTRPC_SIM_WRITE);
		if (ret)
			return ret;
	}

	return 0;
}

/**
 * fastrpc_sim_fill() - fill a range of host memory with a 32-bit pattern
 * @call: the request
 * @dst: the range, which should have been checked
 * @pattern: the pattern, stored little-endian from the start of @dst
 *
 * Return: 0 or AEE_EBADPARM.
 */
u32 fastrpc_sim_fill(struct fastrpc_sim_call *call,
		     const struct fastrpc_sim_buf *dst, u32 pattern)
{
	__le32 *bounce = call->dsp->bounce;
	u64 off, n;
	size_t k;
	u32 ret;

	lockdep_assert_held(&call->dsp->pd_lock);

	for (k = 0; k < PAGE_SIZE / sizeof(*bounce); k++)
		bounce[k] = cpu_to_le32(pattern);

	/* Each chunk starts at a multiple of 4: the pattern stays aligned. */
	for (off = 0; off < dst->len; off += n) {
		n = min(dst->len - off, PAGE_SIZE);
		ret = fastrpc_sim_access(call, dst, off, bounce, n,
					 FASTRPC_SIM_WRITE);
		if (ret)
			return ret;
	}

	return 0;
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

/*
 * Where argument @i is: the in-page offset of pv into its pages[i] range,
 * which must hold it and be in the caller's context bank. Its translation
 * is checked later, by fastrpc_sim_check_args() or by a lazy method.
 */
static u32 fastrpc_sim_get_arg(struct fastrpc_sim_call *call, u32 i,
			       const struct fastrpc_sim_buf *payload,
			       const union fastrpc_remote_arg *rpra,
			       const struct fastrpc_phy_page *page)
{
	u64 len = le64_to_cpu(rpra->buf.len);
	u64 off = le64_to_cpu(rpra->buf.pv) & FASTRPC_SIM_PV_OFFSET;
	u64 pg_addr = le64_to_cpu(page->addr);
	u64 pg_iova = pg_addr & FASTRPC_ADDR_IOVA;
	u64 pg_size = le64_to_cpu(page->size);
	u32 sid = FIELD_GET(FASTRPC_ADDR_SID, pg_addr);
	struct fastrpc_sim_buf *buf = &call->bufs[i];

	if (!len)
		return 0;

	if (!fastrpc_sim_within(off, len, 0, pg_size) ||
	    !fastrpc_sim_within(pg_iova, pg_size, 0, FASTRPC_SIM_IOVA_LIMIT))
		return fastrpc_sim_fault(call, pg_addr + off, len,
					 "outside its page range");

	if (sid != payload->sid)
		return fastrpc_sim_fault(call, pg_addr + off, len,
					 "in another context bank than the caller's");

	buf->sid = sid;
	buf->iova = pg_iova + off;
	buf->len = len;
	buf->inline_arg = fastrpc_sim_within(buf->iova, len, payload->iova,
					     payload->len);
	return 0;
}

/*
 * Handle argument @i: {fd, offset, len} of rpra[i] and, when list[i] names
 * a page range, that range, which must hold [offset, offset + len) and be
 * in the caller's context bank: the host gives the whole mapping of the
 * buffer and the DSP adds the offset. Its translation is checked later, by
 * fastrpc_sim_check_args().
 */
static u32 fastrpc_sim_get_handle(struct fastrpc_sim_call *call, u32 i,
				  u32 nargs,
				  const struct fastrpc_sim_buf *payload,
				  const union fastrpc_remote_arg *rpra,
				  const struct fastrpc_invoke_buf *list,
				  const struct fastrpc_phy_page *pages)
{
	struct fastrpc_sim_handle *h =
		&call->handles[i - call->nin - call->nout];
	u32 num = le32_to_cpu(list[i].num);
	u32 pgidx = le32_to_cpu(list[i].pgidx);
	u64 pg_addr, pg_iova, pg_size;
	u32 sid;

	h->fd = (s32)le32_to_cpu(rpra[i].dma.fd);
	h->offset = le32_to_cpu(rpra[i].dma.offset);
	h->len = le32_to_cpu(rpra[i].dma.len);
	if (!num || !h->len)
		return 0;
	if (num != 1 || pgidx >= nargs)
		return fastrpc_sim_bad_request(call, "bad page list of a handle");

	pg_addr = le64_to_cpu(pages[pgidx].addr);
	pg_iova = pg_addr & FASTRPC_ADDR_IOVA;
	pg_size = le64_to_cpu(pages[pgidx].size);
	sid = FIELD_GET(FASTRPC_ADDR_SID, pg_addr);
	/* A length and no buffer, as the old driver sends for fd -1 */
	if (!pg_size)
		return fastrpc_sim_bad_request(call, "handle without memory");

	if (!fastrpc_sim_within(h->offset, h->len, 0, pg_size) ||
	    !fastrpc_sim_within(pg_iova, pg_size, 0, FASTRPC_SIM_IOVA_LIMIT))
		return fastrpc_sim_fault(call, pg_addr + h->offset, h->len,
					 "handle outside its page range");

	if (sid != payload->sid)
		return fastrpc_sim_fault(call, pg_addr + h->offset, h->len,
					 "handle in another context bank than the caller's");

	h->mapped = true;
	h->buf.sid = sid;
	h->buf.iova = pg_iova + h->offset;
	h->buf.len = h->len;
	h->buf.inline_arg = fastrpc_sim_within(h->buf.iova, h->len,
					       payload->iova, payload->len);
	return 0;
}

/*
 * Read the metadata from the payload and find every buffer and handle
 * argument. On failure nothing has been read or written apart from the
 * metadata.
 */
static u32 fastrpc_sim_get_args(struct fastrpc_sim_call *call, u64 addr,
				u64 size)
{
	u32 nargs = fastrpc_sc_nargs(call->sc);
	u32 nbufs = call->nin + call->nout;
	struct fastrpc_sim_buf payload = {
		.sid = FIELD_GET(FASTRPC_ADDR_SID, addr),
		.iova = addr & FASTRPC_ADDR_IOVA,
		.len = size,
		.inline_arg = true,
	};
	size_t meta = fastrpc_meta_len(nargs);
	const union fastrpc_remote_arg *rpra;
	const struct fastrpc_invoke_buf *list;
	const struct fastrpc_phy_page *pages;
	void *va;
	u32 i, ret = 0;

	call->sid = payload.sid;
	if (!fastrpc_sim_within(payload.iova, size, 0,
				FASTRPC_SIM_IOVA_LIMIT) || size < meta)
		return fastrpc_sim_bad_request(call, "payload too small");

	/* A copy: the host may change the payload under us. */
	va = kmalloc(meta, GFP_KERNEL);
	if (!va)
		return FASTRPC_SIM_ENOMEMORY;

	if (fastrpc_sim_mem_access(call->dsp, payload.sid, payload.iova, va,
				   meta, FASTRPC_SIM_READ)) {
		ret = fastrpc_sim_smmu_fault(call, payload.sid, payload.iova,
					     meta);
		goto out_free_meta;
	}

	if (nbufs) {
		call->bufs = kcalloc(nbufs, sizeof(*call->bufs), GFP_KERNEL);
		if (!call->bufs) {
			ret = FASTRPC_SIM_ENOMEMORY;
			goto out_free_meta;
		}
	}
	if (nargs > nbufs) {
		call->handles = kcalloc(nargs - nbufs, sizeof(*call->handles),
					GFP_KERNEL);
		if (!call->handles) {
			ret = FASTRPC_SIM_ENOMEMORY;
			goto out_free_meta;
		}
	}

	rpra = va;
	list = va + nargs * sizeof(*rpra);
	pages = va + nargs * (sizeof(*rpra) + sizeof(*list));
	for (i = 0; i < nbufs; i++) {
		if (fastrpc_sim_arg_untouched(call, i))
			continue;

		ret = fastrpc_sim_get_arg(call, i, &payload, &rpra[i],
					  &pages[i]);
		if (ret)
			goto out_free_meta;
	}
	for (i = nbufs; i < nargs; i++) {
		ret = fastrpc_sim_get_handle(call, i, nargs, &payload, rpra,
					     list, pages);
		if (ret)
			break;
	}

out_free_meta:
	kfree(va);
	return ret;
}

/* Check that the whole of every buffer and handle argument is mapped. */
static u32 fastrpc_sim_check_args(struct fastrpc_sim_call *call)
{
	u32 i, ret;

	for (i = 0; i < call->nin + call->nout; i++) {
		ret = fastrpc_sim_access(call, &call->bufs[i], 0, NULL,
					 call->bufs[i].len, FASTRPC_SIM_CHECK);
		if (ret)
			return ret;
	}

	for (i = 0; i < call->ninh + call->nouth; i++) {
		ret = fastrpc_sim_access(call, &call->handles[i].buf, 0, NULL,
					 call->handles[i].buf.len,
					 FASTRPC_SIM_CHECK);
		if (ret)
			return ret;
	}

	return 0;
}

/**
 * fastrpc_sim_sc_is() - check the shape of a call
 * @call: the request
 * @nin: in-buffers it must have
 * @nout: out-buffers it must have
 *
 * Return: true if it has @nin in-buffers, @nout out-buffers and no handles.
 */
bool fastrpc_sim_sc_is(const struct fastrpc_sim_call *call, u32 nin, u32 nout)
{
	return call->nin == nin && call->nout == nout &&
	       !fastrpc_sc_inhandles(call->sc) &&
	       !fastrpc_sc_outhandles(call->sc);
}

/**
 * fastrpc_sim_get_u32() - read a u32 at the start of an in-buffer
 * @call: the request
 * @i: the argument
 * @val: the value read
 *
 * Return: true, or false if the argument is too short or cannot be read.
 */
bool fastrpc_sim_get_u32(struct fastrpc_sim_call *call, u32 i, u32 *val)
{
	__le32 v;

	if (call->bufs[i].len < sizeof(v) ||
	    fastrpc_sim_access(call, &call->bufs[i], 0, &v, sizeof(v),
			       FASTRPC_SIM_READ))
		return false;

	*val = le32_to_cpu(v);
	return true;
}

static u32 fastrpc_sim_read(struct fastrpc_sim_call *call, u32 i, void *dst,
			    size_t len)
{
	return fastrpc_sim_access(call, &call->bufs[i], 0, dst, len,
				  FASTRPC_SIM_READ);
}

static u32 fastrpc_sim_write(struct fastrpc_sim_call *call, u32 i,
			     const void *src, size_t len)
{
	return fastrpc_sim_access(call, &call->bufs[i], 0, (void *)src, len,
				  FASTRPC_SIM_WRITE);
}

/* Out-buffer @i receives at most its length of @text, NUL-terminated. */
static u32 fastrpc_sim_write_text(struct fastrpc_sim_call *call, u32 i,
				  const char *text)
{
	char buf[64];
	size_t len = min(call->bufs[i].len, sizeof(buf));

	if (!len)
		return 0;

	strscpy(buf, text, len);
	len = min(len, strlen(buf) + 1);
	return fastrpc_sim_write(call, i, buf, len);
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
	INIT_LIST_HEAD(&pd->maps);
	list_add_tail(&pd->node, &dsp->pds);
	dsp->npds++;
	return pd;
}

static void fastrpc_sim_map_free_locked(struct fastrpc_sim_dsp *dsp,
					struct fastrpc_sim_pd *pd,
					struct fastrpc_sim_map *map)
{
	lockdep_assert_held(&dsp->pd_lock);

	list_del(&map->node);
	pd->nmaps--;
	atomic64_dec(&dsp->stats[FASTRPC_SIM_STAT_DSP_MAPS]);
	if (map->region)
		atomic64_dec(&dsp->stats[FASTRPC_SIM_STAT_REGION_MAPS]);
	kfree(map);
}

static void fastrpc_sim_pd_free_locked(struct fastrpc_sim_dsp *dsp,
				       struct fastrpc_sim_pd *pd)
{
	struct fastrpc_sim_map *map, *tmp;

	lockdep_assert_held(&dsp->pd_lock);

	list_for_each_entry_safe(map, tmp, &pd->maps, node)
		fastrpc_sim_map_free_locked(dsp, pd, map);
	list_del(&pd->node);
	dsp->npds--;
	xa_destroy(&pd->handles);
	fastrpc_sim_rev_free(pd->rev);
	kfree(pd);
}

/**
 * fastrpc_sim_pd_rev() - where a PD keeps what it asks of its host
 * @pd: the PD; fastrpc_sim_dsp.pd_lock held
 *
 * Return: the PD's pointer to its struct fastrpc_sim_rev, freed with the PD.
 */
struct fastrpc_sim_rev **fastrpc_sim_pd_rev(struct fastrpc_sim_pd *pd)
{
	return &pd->rev;
}

/* ---- DSP mappings ---- */

/*
 * May the DSP take [@addr, @addr + @len) of physical memory as a static PD's
 * heap or as remote heap? Only pages of its reserved region, and only when
 * the region need not belong to its VMs: this host has no SCM to have
 * assigned them.
 */
static bool fastrpc_sim_region_ok(struct fastrpc_sim_call *call, u64 addr,
				  u64 len)
{
	struct fastrpc_sim_dsp *dsp = call->dsp;

	if (len && IS_ALIGNED(addr | len, FASTRPC_SIM_PAGE_SIZE) &&
	    fastrpc_sim_within(addr, len, dsp->region_phys, dsp->region_size) &&
	    !dsp->region_vmids)
		return true;

	fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_REGION_FAULTS, 1);
	pr_warn_ratelimited("%s: %#llx+%#llx is not usable reserved memory\n",
			    dsp->name, addr, len);
	return false;
}

/*
 * Map [iova, iova + len) of context bank @sid into @pd at the lowest free
 * DSP address. Every page must be mapped in the context bank now. With
 * @region, the page is physical memory of the reserved region instead
 * (MMAP with REMOTE_HEAP).
 */
static u32 fastrpc_sim_map_add_locked(struct fastrpc_sim_call *call,
				      struct fastrpc_sim_pd *pd,
				      const struct fastrpc_phy_page *page,
				      u32 out, bool region)
{
	struct fastrpc_sim_buf host = { .inline_arg = false };
	u64 addr = le64_to_cpu(page->addr);
	u64 va = FASTRPC_SIM_DSP_VA_BASE;
	struct list_head *pos = &pd->maps;
	struct fastrpc_sim_map *map, *cur;
	__le64 dsp_addr;
	u32 ret;

	lockdep_assert_held(&call->dsp->pd_lock);

	host.sid = FIELD_GET(FASTRPC_ADDR_SID, addr);
	host.iova = addr & FASTRPC_ADDR_IOVA;
	host.len = le64_to_cpu(page->size);
	if (region) {
		if (!fastrpc_sim_region_ok(call, addr, host.len))
			return fastrpc_sim_fault(call, addr, host.len,
						 "remote heap outside the reserved region");
		host.sid = 0;
		host.iova = addr;
		goto place;
	}
	if (!host.len || !IS_ALIGNED(host.iova | host.len,
				     FASTRPC_SIM_PAGE_SIZE) ||
	    !fastrpc_sim_within(host.iova, host.len, 0,
				FASTRPC_SIM_IOVA_LIMIT))
		return fastrpc_sim_bad_request(call, "bad page to map");

	if (host.sid != call->sid)
		return fastrpc_sim_fault(call, addr, host.len,
					 "mapping another context bank than the caller's");

	ret = fastrpc_sim_access(call, &host, 0, NULL, host.len,
				 FASTRPC_SIM_CHECK);
	if (ret)
		return ret;

place:
	if (pd->nmaps >= FASTRPC_SIM_MAX_MAPS)
		return FASTRPC_SIM_ENOMEMORY;

	/* First fit in the list sorted by DSP address */
	list_for_each_entry(cur, &pd->maps, node) {
		if (cur->dsp_addr - va >= host.len) {
			pos = &cur->node;
			break;
		}
		va = cur->dsp_addr + cur->len;
	}
	if (FASTRPC_SIM_DSP_VA_END - va < host.len)
		return FASTRPC_SIM_ENOMEMORY;

	dsp_addr = cpu_to_le64(va);
	ret = fastrpc_sim_write(call, out, &dsp_addr, sizeof(dsp_addr));
	if (ret)
		return ret;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return FASTRPC_SIM_ENOMEMORY;

	map->dsp_addr = va;
	map->sid = host.sid;
	map->iova = host.iova;
	map->len = host.len;
	map->heap = fastrpc_sim_call_is_heap(call);
	map->region = region;
	list_add_tail(&map->node, pos);
	pd->nmaps++;
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_DSP_MAPS, 1);
	if (region)
		fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_REGION_MAPS, 1);
	return 0;
}

static u32 fastrpc_sim_map_remove_locked(struct fastrpc_sim_call *call,
					 u32 pgid, u64 dsp_addr, u64 len)
{
	struct fastrpc_sim_pd *pd;
	struct fastrpc_sim_map *map;

	lockdep_assert_held(&call->dsp->pd_lock);

	pd = fastrpc_sim_pd_find_locked(call->dsp, pgid);
	if (pd) {
		list_for_each_entry(map, &pd->maps, node) {
			if (map->dsp_addr == dsp_addr && map->len == len &&
			    map->heap == fastrpc_sim_call_is_heap(call)) {
				fastrpc_sim_map_free_locked(call->dsp, pd, map);
				return 0;
			}
		}
	}

	return fastrpc_sim_bad_request(call, "unmap of an unknown mapping");
}

/**
 * fastrpc_sim_dsp_map_find() - translate a range of DSP addresses
 * @call: the request; the range must be mapped in its PD
 * @dsp_addr: start of the range
 * @len: its length
 * @buf: set to the host memory of the range
 *
 * Return: 0, or AEE_EBADPARM (a fault) if the range does not lie within
 * one mapping of the PD.
 */
u32 fastrpc_sim_dsp_map_find(struct fastrpc_sim_call *call, u64 dsp_addr,
			     u64 len, struct fastrpc_sim_buf *buf)
{
	struct fastrpc_sim_map *map;

	lockdep_assert_held(&call->dsp->pd_lock);

	list_for_each_entry(map, &call->pd->maps, node) {
		if (!fastrpc_sim_within(dsp_addr, len, map->dsp_addr,
					map->len))
			continue;

		buf->sid = map->sid;
		buf->iova = map->iova + (dsp_addr - map->dsp_addr);
		buf->len = len;
		buf->inline_arg = false;
		return 0;
	}

	return fastrpc_sim_fault(call, dsp_addr, len,
				 "not mapped in the PD");
}

/**
 * fastrpc_sim_dsp_heap_find() - find heap pages the host gave the PD
 * @call: the request; its PD is searched
 * @dsp_addr: DSP address of the pages, as INIT MMAP answered it
 * @len: their least length
 * @buf: set to the host memory of the whole mapping
 *
 * Return: true if INIT MMAP mapped @len bytes or more at @dsp_addr in the
 * PD and they are still mapped.
 */
bool fastrpc_sim_dsp_heap_find(struct fastrpc_sim_call *call, u64 dsp_addr,
			       u64 len, struct fastrpc_sim_buf *buf)
{
	struct fastrpc_sim_map *map;

	lockdep_assert_held(&call->dsp->pd_lock);

	list_for_each_entry(map, &call->pd->maps, node) {
		if (!map->heap || map->dsp_addr != dsp_addr || map->len < len)
			continue;

		buf->sid = map->sid;
		buf->iova = map->iova;
		buf->len = map->len;
		buf->inline_arg = false;
		return true;
	}

	return false;
}

/**
 * fastrpc_sim_dsp_heap_is_region() - is a heap mapping reserved memory?
 * @call: the request; its PD is searched
 * @dsp_addr: DSP address of the mapping
 *
 * Return: true if the PD's mapping at @dsp_addr holds pages of the
 * reserved region (MMAP with REMOTE_HEAP).
 */
bool fastrpc_sim_dsp_heap_is_region(struct fastrpc_sim_call *call,
				    u64 dsp_addr)
{
	struct fastrpc_sim_map *map;

	lockdep_assert_held(&call->dsp->pd_lock);

	list_for_each_entry(map, &call->pd->maps, node)
		if (map->dsp_addr == dsp_addr)
			return map->region;
	return false;
}

/**
 * fastrpc_sim_pd_is_static() - is a PD a client of a static PD?
 * @pd: the PD; fastrpc_sim_dsp.pd_lock held
 *
 * Return: true if it was made by CREATE_STATIC: its heap comes from the
 * reserved region, and so does what it asks its host for.
 */
bool fastrpc_sim_pd_is_static(const struct fastrpc_sim_pd *pd)
{
	return pd->static_pd;
}

/**
 * fastrpc_sim_dsp_show_maps() - list the DSP mappings of every PD
 * @dsp: the DSP
 * @s: where to print "<pgid> <dsp_addr> <sid> <iova> <len>" lines
 */
void fastrpc_sim_dsp_show_maps(struct fastrpc_sim_dsp *dsp, struct seq_file *s)
{
	struct fastrpc_sim_map *map;
	struct fastrpc_sim_pd *pd;

	mutex_lock(&dsp->pd_lock);
	list_for_each_entry(pd, &dsp->pds, node)
		list_for_each_entry(map, &pd->maps, node)
			seq_printf(s, "%u %#llx %u %#llx %#llx %s\n", pd->pgid,
				   map->dsp_addr, map->sid, map->iova,
				   map->len, map->heap ? "heap" : "mem");
	mutex_unlock(&dsp->pd_lock);
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

	if (fastrpc_sim_read(call, 0, &req, sizeof(req)) ||
	    fastrpc_sim_read(call, 3, &mem, sizeof(mem)))
		return FASTRPC_SIM_EBADPARM;

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

/*
 * CREATE_STATIC (in0 create_static_req, in1 the PD name, in2 one page: the
 * heap). Static PDs run only on a DSP whose channel has a reserved region;
 * the heap is given once, from the region, and every later client of the
 * static PD names the same one. The PD itself is the caller's: it goes
 * with INIT RELEASE, the heap stays.
 */
static u32 fastrpc_sim_init_create_static(struct fastrpc_sim_call *call)
{
	static const char audio[] = "audiopd";
	struct fastrpc_sim_dsp *dsp = call->dsp;
	struct fastrpc_create_static_req req;
	struct fastrpc_phy_page heap;
	struct fastrpc_sim_pd *pd;
	char name[sizeof(audio)];
	u64 addr, size;
	u32 namelen;

	if (!dsp->region_size)
		return FASTRPC_SIM_EUNSUPPORTED;

	if (!fastrpc_sim_sc_is(call, 3, 0) ||
	    call->bufs[0].len < sizeof(req) ||
	    call->bufs[2].len < sizeof(heap))
		return fastrpc_sim_bad_request(call, "bad CREATE_STATIC");
	if (fastrpc_sim_read(call, 0, &req, sizeof(req)) ||
	    fastrpc_sim_read(call, 2, &heap, sizeof(heap)))
		return FASTRPC_SIM_EBADPARM;

	namelen = le32_to_cpu(req.namelen);
	if (namelen != sizeof(audio) || call->bufs[1].len < namelen ||
	    fastrpc_sim_read(call, 1, name, namelen) ||
	    memcmp(name, audio, sizeof(audio)))
		return fastrpc_sim_bad_request(call, "unknown static PD");

	addr = le64_to_cpu(heap.addr);
	size = le64_to_cpu(heap.size);
	if (!fastrpc_sim_region_ok(call, addr, size))
		return fastrpc_sim_fault(call, addr, size,
					 "static PD heap outside the reserved region");
	if (dsp->static_heap &&
	    (addr != dsp->static_heap || size != dsp->static_heap_size))
		return fastrpc_sim_bad_request(call, "second static PD heap");

	pd = fastrpc_sim_pd_get_locked(dsp, le32_to_cpu(req.pgid),
				       FASTRPC_PD_USER);
	if (!pd)
		return FASTRPC_SIM_ENOMEMORY;

	pd->type = FASTRPC_PD_USER;
	pd->static_pd = true;
	dsp->static_heap = addr;
	dsp->static_heap_size = size;
	fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_STATIC_PDS, 1);
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

/*
 * MEM_MAP (in0 mem_map_req, in1 one page, in2 empty, out0 u64 DSP address)
 * and MMAP (in0 mmap_req, in1 one page, out0 u64 DSP address): both requests
 * start with the pgid and put the DSP address in their only out-buffer.
 */
static u32 fastrpc_sim_init_map(struct fastrpc_sim_call *call, u32 nin,
				size_t req_len, const char *what)
{
	struct fastrpc_phy_page page;
	struct fastrpc_sim_pd *pd;
	bool region = false;
	u32 pgid;

	if (!fastrpc_sim_sc_is(call, nin, 1) ||
	    call->bufs[0].len < req_len ||
	    call->bufs[1].len < sizeof(page) ||
	    call->bufs[nin].len < sizeof(__le64))
		return fastrpc_sim_bad_request(call, what);

	if (!fastrpc_sim_get_u32(call, 0, &pgid) ||
	    fastrpc_sim_read(call, 1, &page, sizeof(page)))
		return FASTRPC_SIM_EBADPARM;

	pd = fastrpc_sim_pd_find_locked(call->dsp, pgid);
	if (!pd)
		return FASTRPC_SIM_EBADSTATE;

	/* With a reserved region, REMOTE_HEAP pages are physical ones of it */
	if (call->method == FASTRPC_RMID_INIT_MMAP && call->dsp->region_size) {
		struct fastrpc_mmap_req req;

		if (fastrpc_sim_read(call, 0, &req, sizeof(req)))
			return FASTRPC_SIM_EBADPARM;
		region = le32_to_cpu(req.flags) == FASTRPC_MMAP_REMOTE_HEAP;
	}

	return fastrpc_sim_map_add_locked(call, pd, &page, nin, region);
}

/*
 * Count an unmap that takes memory away while a call of its PD still runs:
 * the call may use the range. The driver must never send one.
 */
static void fastrpc_sim_count_unmap_in_call(struct fastrpc_sim_call *call,
					    u32 pgid)
{
	if (fastrpc_sim_dsp_pd_busy(call->dsp, pgid)) {
		fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_UNMAPS_IN_CALL, 1);
		pr_warn_ratelimited("%s: unmap of PD %u during one of its calls\n",
				    call->dsp->name, pgid);
	}
}

static u32 fastrpc_sim_init_mem_unmap(struct fastrpc_sim_call *call)
{
	struct fastrpc_mem_unmap_req req;

	if (!fastrpc_sim_sc_is(call, 1, 0) || call->bufs[0].len < sizeof(req))
		return fastrpc_sim_bad_request(call, "bad MEM_UNMAP");

	if (fastrpc_sim_read(call, 0, &req, sizeof(req)))
		return FASTRPC_SIM_EBADPARM;

	fastrpc_sim_count_unmap_in_call(call, le32_to_cpu(req.pgid));
	return fastrpc_sim_map_remove_locked(call, le32_to_cpu(req.pgid),
					     le64_to_cpu(req.vaddrin),
					     le64_to_cpu(req.len));
}

static u32 fastrpc_sim_init_munmap(struct fastrpc_sim_call *call)
{
	struct fastrpc_munmap_req req;

	if (!fastrpc_sim_sc_is(call, 1, 0) || call->bufs[0].len < sizeof(req))
		return fastrpc_sim_bad_request(call, "bad MUNMAP");

	if (fastrpc_sim_read(call, 0, &req, sizeof(req)))
		return FASTRPC_SIM_EBADPARM;

	fastrpc_sim_count_unmap_in_call(call, le32_to_cpu(req.pgid));
	return fastrpc_sim_map_remove_locked(call, le32_to_cpu(req.pgid),
					     le64_to_cpu(req.vaddr),
					     le64_to_cpu(req.size));
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
	case FASTRPC_RMID_INIT_CREATE_STATIC:
		return fastrpc_sim_init_create_static(call);
	case FASTRPC_RMID_INIT_MMAP:
		return fastrpc_sim_init_map(call, 2,
					    sizeof(struct fastrpc_mmap_req),
					    "bad MMAP");
	case FASTRPC_RMID_INIT_MUNMAP:
		return fastrpc_sim_init_munmap(call);
	case FASTRPC_RMID_INIT_MEM_MAP:
		return fastrpc_sim_init_map(call, 3,
					    sizeof(struct fastrpc_mem_map_req),
					    "bad MEM_MAP");
	case FASTRPC_RMID_INIT_MEM_UNMAP:
		return fastrpc_sim_init_mem_unmap(call);
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
	__le32 *out = call->dsp->bounce;
	size_t per_page = PAGE_SIZE / sizeof(*out);
	u32 n, k, ret;

	if (call->method != FASTRPC_DSP_UTILS_CAPS_METHOD)
		return FASTRPC_SIM_EUNSUPPORTED;

	if (!fastrpc_sim_sc_is(call, 1, 1) ||
	    !fastrpc_sim_get_u32(call, 0, &n) ||
	    n > call->bufs[1].len / sizeof(*out))
		return fastrpc_sim_bad_request(call, "bad capability query");

	for (k = 0; k < n; k++) {
		out[k % per_page] = cpu_to_le32(k < FASTRPC_SIM_NR_CAPS ?
						fastrpc_sim_caps[k] : 0);
		if (k % per_page != per_page - 1 && k != n - 1)
			continue;

		ret = fastrpc_sim_access(call, &call->bufs[1],
					 (u64)(k - k % per_page) * sizeof(*out),
					 out, (k % per_page + 1) * sizeof(*out),
					 FASTRPC_SIM_WRITE);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- remotectl (0) and remotectl1 (8) ---- */

/* Module of "file:///lib<name>_skel.so?...", or -1 */
static int fastrpc_sim_module_find(char *uri)
{
	static const char suffix[] = "_skel.so";
	char *base, *query;
	size_t len;
	unsigned int i;

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

	for (i = 0; i < fastrpc_sim_nr_modules; i++)
		if (strlen(fastrpc_sim_modules[i].name) == len &&
		    !strncmp(fastrpc_sim_modules[i].name, base, len))
			return i;

	return -1;
}

static u32 fastrpc_sim_remotectl_open(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_dsp *dsp = call->dsp;
	struct fastrpc_sim_pd *pd = call->pd;
	char uri[FASTRPC_SIM_URI_LEN];
	char text[64] = "";
	__le32 hdr[2], out[2];
	u32 handle = 0, ret;
	s32 dlerr = 0;
	size_t len;
	int mod;

	if (!fastrpc_sim_sc_is(call, 2, 2) ||
	    call->bufs[0].len < sizeof(hdr) ||
	    call->bufs[2].len < sizeof(out))
		return fastrpc_sim_bad_request(call, "bad open");

	ret = fastrpc_sim_read(call, 0, hdr, sizeof(hdr));
	if (ret)
		return ret;
	len = le32_to_cpu(hdr[0]);
	if (len > call->bufs[1].len)
		return fastrpc_sim_bad_request(call, "bad URI length");

	len = min(len, sizeof(uri) - 1);
	ret = fastrpc_sim_read(call, 1, uri, len);
	if (ret)
		return ret;
	uri[len] = '\0';

	mod = fastrpc_sim_module_find(uri);
	switch (mod < 0 ? FASTRPC_SIM_LOAD_FAILED :
		fastrpc_sim_rev_load(call, mod)) {
	case FASTRPC_SIM_LOAD_OK:
		break;
	case FASTRPC_SIM_LOAD_WAIT:
		return 0;
	case FASTRPC_SIM_LOAD_NO_HOST:
		return FASTRPC_SIM_ERPC;
	case FASTRPC_SIM_LOAD_FAILED:
		mod = -1;
		break;
	}
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
	ret = fastrpc_sim_write(call, 2, out, sizeof(out));
	if (!ret)
		ret = fastrpc_sim_write_text(call, 3, text);
	return ret;
}

static u32 fastrpc_sim_remotectl_close(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_pd *pd = call->pd;
	__le32 dlerr = 0;
	u32 handle, ret;

	if (!fastrpc_sim_sc_is(call, 1, 2) ||
	    !fastrpc_sim_get_u32(call, 0, &handle) ||
	    call->bufs[1].len < sizeof(dlerr))
		return fastrpc_sim_bad_request(call, "bad close");

	if (!xa_erase(&pd->handles, handle))
		return FASTRPC_SIM_EINVHANDLE;
	pd->nhandles--;

	ret = fastrpc_sim_write(call, 1, &dlerr, sizeof(dlerr));
	if (!ret)
		ret = fastrpc_sim_write_text(call, 2, "");
	return ret;
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
	const struct fastrpc_sim_module *mod;
	void *entry;
	u32 ret;

	lockdep_assert_held(&call->dsp->pd_lock);

	switch (call->handle) {
	case FASTRPC_HANDLE_INIT:
	case FASTRPC_HANDLE_DSP_UTILS:
	case FASTRPC_HANDLE_REMOTECTL:
	case FASTRPC_HANDLE_REMOTECTL1:
	case FASTRPC_HANDLE_CURRENT_PROCESS:
	case FASTRPC_HANDLE_LISTENER:
	case FASTRPC_HANDLE_LISTENER1:
		break;
	default:
		if (call->handle < FASTRPC_SIM_HANDLE_BASE)
			return FASTRPC_SIM_EINVHANDLE;
		if (!call->pd)
			return FASTRPC_SIM_EBADSTATE;
		entry = xa_load(&call->pd->handles, call->handle);
		if (!entry)
			return FASTRPC_SIM_EINVHANDLE;

		mod = &fastrpc_sim_modules[xa_to_value(entry)];
		if (call->method >= 32 || !(mod->lazy & BIT(call->method))) {
			ret = fastrpc_sim_check_args(call);
			if (ret)
				return ret;
		}
		return mod->invoke(call);
	}

	ret = fastrpc_sim_check_args(call);
	if (ret)
		return ret;

	switch (call->handle) {
	case FASTRPC_HANDLE_INIT:
		return fastrpc_sim_init_invoke(call);
	case FASTRPC_HANDLE_DSP_UTILS:
		return fastrpc_sim_utils_invoke(call);
	}

	if (!call->pd)
		return FASTRPC_SIM_EBADSTATE;

	switch (call->handle) {
	case FASTRPC_HANDLE_REMOTECTL:
		return fastrpc_sim_remotectl_invoke(call, 0, 1);
	case FASTRPC_HANDLE_REMOTECTL1:
		return fastrpc_sim_remotectl_invoke(call, 2, 3);
	case FASTRPC_HANDLE_LISTENER:
	case FASTRPC_HANDLE_LISTENER1:
		return fastrpc_sim_rev_listener(call);
	default:
		return fastrpc_sim_rev_current_process(call);
	}
}

/**
 * fastrpc_sim_dsp_handle() - handle one request
 * @dsp: the DSP
 * @data: the message, as received
 * @len: length of @data
 * @delay_ms: set to the time the reply is to be delayed by, or to
 *	%FASTRPC_SIM_PD_CRASHED when the method crashed its PD: the PD is gone
 *	then, and the call gets no reply
 *
 * Checks the message and the memory it describes, runs the method and
 * writes its results. Sends nothing. The same as
 * fastrpc_sim_dsp_handle_id() with no id: a call that waits for the host
 * is never resumed.
 *
 * Return: the retval of the reply: 0 or a FASTRPC_DSP_ERR() code, or what
 * the method chose to return.
 */
u32 fastrpc_sim_dsp_handle(struct fastrpc_sim_dsp *dsp, const void *data,
			   size_t len, unsigned int *delay_ms)
{
	return fastrpc_sim_dsp_handle_id(dsp, data, len, 0, delay_ms);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_handle);

/**
 * fastrpc_sim_dsp_handle_id() - handle one request of the queue
 * @dsp: the DSP
 * @data: the message, as received
 * @len: length of @data
 * @id: the request's id in the queue, for fastrpc_sim_dsp_resume()
 * @delay_ms: set to the time the reply is to be delayed by, to
 *	%FASTRPC_SIM_PD_CRASHED when the method crashed its PD (the PD is gone
 *	then, and the call gets no reply), or to %FASTRPC_SIM_PARKED when the
 *	method waits for the host: no reply until the request is resumed and
 *	handled again
 *
 * Checks the message and the memory it describes, runs the method and
 * writes its results. Sends nothing.
 *
 * Return: the retval of the reply: 0 or a FASTRPC_DSP_ERR() code, or what
 * the method chose to return.
 */
u32 fastrpc_sim_dsp_handle_id(struct fastrpc_sim_dsp *dsp, const void *data,
			      size_t len, u64 id, unsigned int *delay_ms)
{
	struct fastrpc_sim_call call = { .dsp = dsp, .id = id };
	const struct fastrpc_msg *msg = data;
	u32 ret;

	*delay_ms = 0;
	if (len != sizeof(*msg)) {
		fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_BAD_REQUESTS, 1);
		pr_debug("%s: message of %zu bytes\n", dsp->name, len);
		return FASTRPC_SIM_EBADPARM;
	}

	call.pid = le32_to_cpu(msg->pid);
	call.tid = le32_to_cpu(msg->tid);
	call.handle = le32_to_cpu(msg->handle);
	call.sc = le32_to_cpu(msg->sc);
	call.method = fastrpc_sc_method(call.sc);
	call.nin = fastrpc_sc_inbufs(call.sc);
	call.nout = fastrpc_sc_outbufs(call.sc);
	call.ninh = fastrpc_sc_inhandles(call.sc);
	call.nouth = fastrpc_sc_outhandles(call.sc);

	mutex_lock(&dsp->pd_lock);
	call.pd = fastrpc_sim_pd_find_locked(dsp, call.pid);
	ret = fastrpc_sim_get_args(&call, le64_to_cpu(msg->addr),
				   le64_to_cpu(msg->size));
	if (!ret)
		ret = fastrpc_sim_dispatch_locked(&call);
	if (call.crash && call.pd)
		fastrpc_sim_pd_free_locked(dsp, call.pd);
	mutex_unlock(&dsp->pd_lock);

	kfree(call.handles);
	kfree(call.bufs);
	if (call.crash)
		*delay_ms = FASTRPC_SIM_PD_CRASHED;
	else if (call.park)
		*delay_ms = FASTRPC_SIM_PARKED;
	else
		*delay_ms = call.delay_ms;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_handle_id);

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
	dsp->static_heap = 0;
	dsp->static_heap_size = 0;
	mutex_unlock(&dsp->pd_lock);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_forget_pds);
