/* SPDX-License-Identifier: GPL-2.0-only */
/* FastRPC accel driver: context banks and their session slots. */
#ifndef __FASTRPC_SESSION_H__
#define __FASTRPC_SESSION_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

#include <asm/page.h>

struct device;
struct fastrpc_channel;
struct fastrpc_cb;
struct mm_struct;
struct platform_driver;

#define FASTRPC_CB_MAX_SLOTS	16 /* largest accepted qcom,nsessions */

/* Payload cache size classes: 1, 2, 4, ... pages up to 64 KiB */
#define FASTRPC_PAYLOAD_CACHE_CLASSES \
	(PAGE_SHIFT < 16 ? 17 - PAGE_SHIFT : 1)
#define FASTRPC_PAYLOAD_CACHE_DEPTH	2

/*
 * Driver-owned pages (memcg-charged) mapped on a session's device: still valid
 * for the CPU after the context bank is unbound, which only unmaps them.
 */
struct fastrpc_dma {
	void *vaddr; /* NULL when not allocated */
	dma_addr_t dma; /* one contiguous IOVA range, without the stream id */
	size_t size;
	struct sg_table sgt;
	bool contig; /* physically contiguous (no IOMMU), else vmap()ed pages */
	bool mapped; /* cleared at unbind; under fastrpc_cb.maps_lock */
	struct list_head node; /* in fastrpc_cb.bufs while mapped */
};

/* A buffer is here or, while a call uses it, on fastrpc_cb.bufs; never both. */
struct fastrpc_payload_cache {
	u64 gen; /* fastrpc_cb.owner_gen of the buffers' process */
	u8 count[FASTRPC_PAYLOAD_CACHE_CLASSES];
	struct fastrpc_dma bufs[FASTRPC_PAYLOAD_CACHE_CLASSES][FASTRPC_PAYLOAD_CACHE_DEPTH];
};

struct fastrpc_session {
	struct fastrpc_cb *cb;
	/* owner file, calls, mappings, kept memory; 0 <-> 1 under session_lock */
	refcount_t users;
};

struct fastrpc_cb {
	struct kref ref; /* the channel's list while bound, each slot user */
	struct fastrpc_channel *channel; /* a reference */
	struct device *dev; /* a reference */
	u32 sid;
	/* under fastrpc_channel.session_lock: */
	struct list_head node;
	struct mm_struct *owner; /* mmgrab()ed; NULL when all slots are free */
	u64 owner_gen; /* changes only while no slot is in use */
	u32 busy;
	bool dead; /* unbound; read locklessly by fastrpc_session_is_dead() */
	struct mutex maps_lock; /* protects maps, bufs, unmapped, cache */
	struct list_head maps;
	struct list_head bufs;
	bool unmapped; /* unbound and everything undone: map nothing new */
	struct fastrpc_payload_cache cache; /* kept for the same owner */
	u32 nslots;
	struct fastrpc_session slots[] __counted_by(nslots);
};

extern struct platform_driver fastrpc_cb_driver;

struct fastrpc_session *fastrpc_session_acquire(struct fastrpc_channel *channel,
						struct mm_struct *mm);
void fastrpc_session_get(struct fastrpc_session *session);
void fastrpc_session_put(struct fastrpc_session *session);
bool fastrpc_session_is_dead(struct fastrpc_session *session);
u64 fastrpc_session_wire_addr(struct fastrpc_session *session, dma_addr_t dma);
u32 fastrpc_session_sid(struct fastrpc_session *session);
struct device *fastrpc_session_dev(struct fastrpc_session *session);
int fastrpc_session_dma_alloc(struct fastrpc_session *session, size_t size,
			      struct fastrpc_dma *buf);
void fastrpc_session_dma_free(struct fastrpc_session *session,
			      struct fastrpc_dma *buf);
void fastrpc_session_dma_move(struct fastrpc_session *session,
			      struct fastrpc_dma *dst, struct fastrpc_dma *src);
void fastrpc_session_dma_sync(struct fastrpc_session *session,
			      struct fastrpc_dma *buf, bool for_device);
int fastrpc_sgt_contiguous(struct sg_table *sgt, size_t size, dma_addr_t *iova);
int fastrpc_session_payload_get(struct fastrpc_session *session, size_t size,
				struct fastrpc_dma *buf, bool *reused);
void fastrpc_session_payload_put(struct fastrpc_session *session,
				 struct fastrpc_dma *buf);
u32 fastrpc_channel_num_sessions(struct fastrpc_channel *channel);

#endif /* __FASTRPC_SESSION_H__ */
