// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: context banks and their session slots.
 *
 * Each compute-cb child of a channel is an SMMU context bank, bound by our own
 * platform driver so that DMA is set up on the real device. The slots of a
 * bank (qcom,nsessions) share its address space: one process at a time.
 */

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"

static void fastrpc_cb_release(struct kref *ref)
{
	struct fastrpc_cb *cb = container_of(ref, struct fastrpc_cb, ref);

	put_device(cb->dev);
	fastrpc_channel_put(cb->channel);
	mutex_destroy(&cb->maps_lock);
	kfree(cb);
}

/* The DSP takes one range per buffer, within a wire address's 32 IOVA bits */
int fastrpc_sgt_contiguous(struct sg_table *sgt, size_t size, dma_addr_t *iova)
{
	struct scatterlist *sg;
	dma_addr_t start = 0, next = 0;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (!i)
			start = sg_dma_address(sg);
		else if (sg_dma_address(sg) != next)
			return -EINVAL;
		next = sg_dma_address(sg) + sg_dma_len(sg);
	}
	if (!sgt->nents || next - start < size || (u64)start + size - 1 > U32_MAX)
		return -EINVAL;

	*iova = start;
	return 0;
}

/* Zeroed pages for a buffer, charged to the caller's memory cgroup */
static int fastrpc_dma_alloc_pages(struct device *dev, size_t size, struct fastrpc_dma *buf)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	unsigned int npages = size >> PAGE_SHIFT, i;
	struct page **pages;
	int ret;

	buf->size = size;
	/* Without an IOMMU nothing joins pages for the device: one physical range */
	buf->contig = !device_iommu_mapped(dev);
	if (buf->contig) {
		ret = sg_alloc_table(&buf->sgt, 1, GFP_KERNEL);
		if (ret)
			return ret;
		buf->vaddr = alloc_pages_exact(size, gfp);
		if (!buf->vaddr) {
			sg_free_table(&buf->sgt);
			return -ENOMEM;
		}
		sg_set_buf(buf->sgt.sgl, buf->vaddr, size);
		return 0;
	}

	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	ret = -ENOMEM;
	for (i = 0; i < npages; i++) {
		pages[i] = alloc_page(gfp);
		if (!pages[i])
			goto err_free_pages;
	}
	ret = sg_alloc_table_from_pages(&buf->sgt, pages, npages, 0, size, GFP_KERNEL);
	if (ret)
		goto err_free_pages;
	buf->vaddr = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	if (!buf->vaddr) {
		sg_free_table(&buf->sgt);
		ret = -ENOMEM;
		goto err_free_pages;
	}
	/* The table owns the pages */
	kvfree(pages);
	return 0;

err_free_pages:
	while (i--)
		__free_page(pages[i]);
	kvfree(pages);
	return ret;
}

static void fastrpc_dma_free_pages(struct fastrpc_dma *buf)
{
	struct sg_page_iter iter;

	if (buf->contig) {
		free_pages_exact(buf->vaddr, buf->size);
	} else {
		vunmap(buf->vaddr);
		for_each_sgtable_page(&buf->sgt, &iter, 0)
			__free_page(sg_page_iter_page(&iter));
	}
	sg_free_table(&buf->sgt);
	buf->vaddr = NULL;
}

static void fastrpc_cb_dma_unmap_locked(struct fastrpc_cb *cb, struct fastrpc_dma *buf)
{
	lockdep_assert_held(&cb->maps_lock);

	if (!buf->mapped)
		return;
	dma_unmap_sgtable(cb->dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
	list_del(&buf->node);
	buf->mapped = false;
}

static void fastrpc_cb_dma_free_locked(struct fastrpc_cb *cb, struct fastrpc_dma *buf)
{
	lockdep_assert_held(&cb->maps_lock);

	if (!buf->vaddr)
		return;
	fastrpc_cb_dma_unmap_locked(cb, buf);
	fastrpc_dma_free_pages(buf);
	fastrpc_uncount(cb->channel->fdev, FASTRPC_CNT_PAYLOADS);
}

/*
 * Payload cache: allocating, mapping and vmap()ing a payload per call costs
 * more than the rest of a small call, so a bank keeps the payloads of finished
 * calls for the next calls of the same process. Power-of-two classes up to
 * 64 KiB waste at most half a buffer; bigger payloads are rare and cost more
 * to copy than to allocate. Two per class serve a call in flight plus one of
 * another thread. The buffers hold what the owner and its DSP process left in
 * them: freed when the owner leaves and at unbind; a new owner drops those of
 * a previous one (by generation).
 */
static int fastrpc_payload_class(size_t size)
{
	int c = get_order(size);

	return c < FASTRPC_PAYLOAD_CACHE_CLASSES ? c : -1;
}

static void fastrpc_cb_cache_flush_locked(struct fastrpc_cb *cb)
{
	struct fastrpc_payload_cache *cache = &cb->cache;
	int c;

	lockdep_assert_held(&cb->maps_lock);

	for (c = 0; c < FASTRPC_PAYLOAD_CACHE_CLASSES; c++) {
		while (cache->count[c]) {
			struct fastrpc_dma *buf = &cache->bufs[c][--cache->count[c]];

			/* Mapped (only mapped buffers are cached), but on no list */
			dma_unmap_sgtable(cb->dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
			fastrpc_dma_free_pages(buf);
			fastrpc_uncount(cb->channel->fdev, FASTRPC_CNT_PAYLOAD_CACHE_HELD);
		}
	}
}

/* A slot use is held, so @owner_gen is stable */
static void fastrpc_cb_cache_own_locked(struct fastrpc_cb *cb)
{
	lockdep_assert_held(&cb->maps_lock);

	if (cb->cache.gen != cb->owner_gen) {
		fastrpc_cb_cache_flush_locked(cb);
		cb->cache.gen = cb->owner_gen;
	}
}

static struct fastrpc_cb *fastrpc_session_find_cb_locked(struct fastrpc_channel *channel,
							 struct mm_struct *mm)
{
	struct fastrpc_cb *cb, *found = NULL;

	lockdep_assert_held(&channel->session_lock);

	/* Prefer a bank @mm already uses: free banks stay free for others */
	list_for_each_entry(cb, &channel->cbs, node) {
		if (cb->dead || cb->busy == cb->nslots)
			continue;
		if (cb->owner == mm)
			return cb;
		if (!cb->owner && !found)
			found = cb;
	}
	return found;
}

/* Slots of one context bank only go to one process */
struct fastrpc_session *fastrpc_session_acquire(struct fastrpc_channel *channel,
						struct mm_struct *mm)
{
	struct fastrpc_session *session;
	struct fastrpc_cb *cb;

	if (fastrpc_channel_is_dead(channel))
		return ERR_PTR(-EPIPE);

	guard(mutex)(&channel->session_lock);
	cb = fastrpc_session_find_cb_locked(channel, mm);
	if (!cb) {
		fastrpc_count(channel->fdev, FASTRPC_CNT_SESSIONS_BUSY);
		return ERR_PTR(-EBUSY);
	}

	/* busy < nslots: a slot is free */
	session = cb->slots;
	while (refcount_read(&session->users))
		session++;

	if (!cb->owner) {
		/* Dropped in fastrpc_session_put() when the bank is free */
		mmgrab(mm);
		cb->owner = mm;
		/* Payload buffers of a previous owner are not for this one */
		cb->owner_gen++;
	}
	cb->busy++;
	refcount_set(&session->users, 1);
	/* Put in fastrpc_session_put() */
	kref_get(&cb->ref);
	fastrpc_count(channel->fdev, FASTRPC_CNT_SESSIONS_USED);
	return session;
}

/* The caller holds a use, or a lock under which a use cannot go */
void fastrpc_session_get(struct fastrpc_session *session)
{
	refcount_inc(&session->users);
	/* Put in fastrpc_session_put() */
	kref_get(&session->cb->ref);
	fastrpc_count(session->cb->channel->fdev, FASTRPC_CNT_SESSIONS_USED);
}

/*
 * The last slot's release frees the owner's payload buffers under
 * fastrpc_cb.maps_lock: the caller holds no lock after it (DOC: Locking).
 */
void fastrpc_session_put(struct fastrpc_session *session)
{
	struct mm_struct *owner = NULL;
	struct fastrpc_cb *cb;
	u64 gen = 0;

	if (!session)
		return;

	cb = session->cb;
	fastrpc_uncount(cb->channel->fdev, FASTRPC_CNT_SESSIONS_USED);
	if (refcount_dec_and_mutex_lock(&session->users, &cb->channel->session_lock)) {
		if (!--cb->busy) {
			owner = cb->owner;
			cb->owner = NULL;
			gen = cb->owner_gen;
		}
		mutex_unlock(&cb->channel->session_lock);
	}

	if (owner) {
		/* The owner's payload buffers, unless a new owner dropped them */
		scoped_guard(mutex, &cb->maps_lock) {
			if (cb->cache.gen == gen)
				fastrpc_cb_cache_flush_locked(cb);
		}
		mmdrop(owner);
	}
	kref_put(&cb->ref, fastrpc_cb_release);
}

bool fastrpc_session_is_dead(struct fastrpc_session *session)
{
	/* Never sleeps: the lock only orders the flag with the bank's list */
	return READ_ONCE(session->cb->dead);
}

u32 fastrpc_session_sid(struct fastrpc_session *session)
{
	return session->cb->sid;
}

u64 fastrpc_session_wire_addr(struct fastrpc_session *session, dma_addr_t dma)
{
	return fastrpc_wire_addr(session->cb->sid, dma);
}

/*
 * Zeroed and memcg-charged. Unbinding the device unmaps it; the memory stays
 * until fastrpc_session_dma_free().
 */
int fastrpc_session_dma_alloc(struct fastrpc_session *session, size_t size,
			      struct fastrpc_dma *buf)
{
	struct fastrpc_cb *cb = session->cb;
	int ret;

	/* The pages first, without holding up the bank's other users */
	ret = fastrpc_dma_alloc_pages(cb->dev, size, buf);
	if (ret)
		return ret;

	scoped_guard(mutex, &cb->maps_lock) {
		ret = -EPIPE;
		if (!cb->unmapped)
			ret = dma_map_sgtable(cb->dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
		if (!ret && fastrpc_sgt_contiguous(&buf->sgt, size, &buf->dma)) {
			dma_unmap_sgtable(cb->dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
			ret = -EINVAL;
		}
		if (!ret) {
			buf->mapped = true;
			list_add_tail(&buf->node, &cb->bufs);
		}
	}
	if (ret) {
		fastrpc_dma_free_pages(buf);
		return ret == -EINVAL ? -ENOMEM : ret;
	}
	fastrpc_count(cb->channel->fdev, FASTRPC_CNT_PAYLOADS);
	return 0;
}

void fastrpc_session_dma_free(struct fastrpc_session *session, struct fastrpc_dma *buf)
{
	guard(mutex)(&session->cb->maps_lock);
	fastrpc_cb_dma_free_locked(session->cb, buf);
}

void fastrpc_session_dma_move(struct fastrpc_session *session,
			      struct fastrpc_dma *dst, struct fastrpc_dma *src)
{
	guard(mutex)(&session->cb->maps_lock);
	*dst = *src;
	if (src->mapped)
		list_replace(&src->node, &dst->node);
	src->vaddr = NULL;
	src->mapped = false;
}

void fastrpc_session_dma_sync(struct fastrpc_session *session,
			      struct fastrpc_dma *buf, bool for_device)
{
	guard(mutex)(&session->cb->maps_lock);
	if (!buf->mapped)
		return;
	if (for_device)
		dma_sync_sgtable_for_device(session->cb->dev, &buf->sgt, DMA_BIDIRECTIONAL);
	else
		dma_sync_sgtable_for_cpu(session->cb->dev, &buf->sgt, DMA_BIDIRECTIONAL);
}

/*
 * A cached buffer (*@reused) holds what other calls of the process and the
 * DSP left in it and is the caller's to clear; a new one is zeroed. It may be
 * larger than @size.
 */
int fastrpc_session_payload_get(struct fastrpc_session *session, size_t size,
				struct fastrpc_dma *buf, bool *reused)
{
	struct fastrpc_cb *cb = session->cb;
	struct fastrpc_device *fdev = cb->channel->fdev;
	struct fastrpc_payload_cache *cache = &cb->cache;
	int c = fastrpc_payload_class(size);
	int ret;

	scoped_guard(mutex, &cb->maps_lock) {
		if (cb->unmapped)
			return -EPIPE;
		if (c >= 0) {
			fastrpc_cb_cache_own_locked(cb);
			/* The whole class, so that the buffer can be cached later */
			size = PAGE_SIZE << c;
		}
		*reused = c >= 0 && cache->count[c];
		if (*reused) {
			*buf = cache->bufs[c][--cache->count[c]];
			list_add_tail(&buf->node, &cb->bufs);
			fastrpc_uncount(fdev, FASTRPC_CNT_PAYLOAD_CACHE_HELD);
			fastrpc_count(fdev, FASTRPC_CNT_PAYLOAD_CACHE_HITS);
			fastrpc_count(fdev, FASTRPC_CNT_PAYLOADS);
			return 0;
		}
	}

	ret = fastrpc_session_dma_alloc(session, size, buf);
	if (!ret)
		fastrpc_count(fdev, FASTRPC_CNT_PAYLOAD_ALLOCS);
	return ret;
}

/* Only once the DSP is done with @buf: it answered the call or is gone. */
void fastrpc_session_payload_put(struct fastrpc_session *session, struct fastrpc_dma *buf)
{
	struct fastrpc_cb *cb = session->cb;
	struct fastrpc_device *fdev = cb->channel->fdev;
	struct fastrpc_payload_cache *cache = &cb->cache;
	int c = fastrpc_payload_class(buf->size);

	guard(mutex)(&cb->maps_lock);
	if (buf->mapped && c >= 0 && buf->size == PAGE_SIZE << c) {
		fastrpc_cb_cache_own_locked(cb);
		if (cache->count[c] < FASTRPC_PAYLOAD_CACHE_DEPTH) {
			/* Still mapped, on no list while cached */
			list_del(&buf->node);
			cache->bufs[c][cache->count[c]++] = *buf;
			buf->vaddr = NULL;
			buf->mapped = false;
			fastrpc_uncount(fdev, FASTRPC_CNT_PAYLOADS);
			fastrpc_count(fdev, FASTRPC_CNT_PAYLOAD_CACHE_HELD);
			return;
		}
	}
	fastrpc_cb_dma_free_locked(cb, buf);
}

u32 fastrpc_channel_num_sessions(struct fastrpc_channel *channel)
{
	struct fastrpc_cb *cb;
	u32 n = 0;

	guard(mutex)(&channel->session_lock);
	list_for_each_entry(cb, &channel->cbs, node)
		n += cb->nslots;
	return n;
}

struct fastrpc_cb *fastrpc_cb_create(struct fastrpc_channel *channel,
				     struct device *dev, u32 sid, u32 nslots)
{
	struct fastrpc_cb *cb = kzalloc(struct_size(cb, slots, nslots), GFP_KERNEL);
	u32 i;

	if (!cb)
		return NULL;

	kref_init(&cb->ref);
	mutex_init(&cb->maps_lock);
	INIT_LIST_HEAD(&cb->maps);
	INIT_LIST_HEAD(&cb->bufs);
	cb->nslots = nslots;
	cb->sid = sid;
	for (i = 0; i < nslots; i++)
		cb->slots[i].cb = cb;
	/* Both put in fastrpc_cb_release() */
	cb->channel = fastrpc_channel_get(channel);
	cb->dev = get_device(dev);

	scoped_guard(mutex, &channel->session_lock)
		list_add_tail(&cb->node, &channel->cbs);
	return cb;
}

/* No new session on @cb from here on */
void fastrpc_cb_unlist(struct fastrpc_cb *cb)
{
	guard(mutex)(&cb->channel->session_lock);
	WRITE_ONCE(cb->dead, true);
	list_del(&cb->node);
}

/*
 * After fastrpc_cb_unlist() and the unmapping of the objects' mappings: unmap
 * while the DMA setup still exists. The owners of the buffers free them when
 * done, so nothing is freed under a caller still copying into it.
 */
void fastrpc_cb_destroy(struct fastrpc_cb *cb)
{
	struct fastrpc_dma *buf, *tmp;

	scoped_guard(mutex, &cb->maps_lock) {
		cb->unmapped = true;
		fastrpc_cb_cache_flush_locked(cb);
		list_for_each_entry_safe(buf, tmp, &cb->bufs, node)
			fastrpc_cb_dma_unmap_locked(cb, buf);
	}
	/* The list's reference, from fastrpc_cb_create() */
	kref_put(&cb->ref, fastrpc_cb_release);
}
