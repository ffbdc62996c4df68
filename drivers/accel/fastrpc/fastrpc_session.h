/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: context banks and their session slots.
 */
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

/* Largest accepted qcom,nsessions of one context bank */
#define FASTRPC_CB_MAX_SLOTS	16

/*
 * The payload cache of a context bank (see fastrpc_session.c): size classes
 * of 1, 2, 4, ... pages up to 64 KiB (a single class of one page with pages
 * of 64 KiB or more), and at most FASTRPC_PAYLOAD_CACHE_DEPTH free buffers
 * per class.
 */
#define FASTRPC_PAYLOAD_CACHE_CLASSES \
	(PAGE_SHIFT < 16 ? 17 - PAGE_SHIFT : 1)
#define FASTRPC_PAYLOAD_CACHE_DEPTH	2

/**
 * struct fastrpc_dma - memory of the driver's own, mapped on a session's device
 * @vaddr: kernel address, NULL when not allocated
 * @dma: device address (IOVA) of the first byte, without the stream id; the
 *	buffer is one contiguous range of the device's address space
 * @size: size in bytes, a multiple of the page size
 * @sgt: the pages
 * @contig: one physically contiguous allocation (a device without an
 *	IOMMU); otherwise single pages, vmap()ed
 * @mapped: mapped on the device; cleared when the device is unbound, after
 *	which only the memory is left (the DSP reaches it no more)
 * @node: entry in &fastrpc_cb.bufs while @mapped
 *
 * The pages belong to the driver, not to the device's DMA setup, so a
 * buffer stays valid for the CPU after the context bank is unbound: the
 * unbind only unmaps it. They are charged to the memory cgroup of the task
 * that allocated them. @mapped and @node are protected by
 * &fastrpc_cb.maps_lock.
 */
struct fastrpc_dma {
	void *vaddr;
	dma_addr_t dma;
	size_t size;
	struct sg_table sgt;
	bool contig;
	bool mapped;
	struct list_head node;
};

/**
 * struct fastrpc_payload_cache - free payload buffers of a context bank
 * @gen: &fastrpc_cb.owner_gen of the process the buffers were used by
 * @count: number of free buffers of each size class
 * @bufs: the free buffers of each size class, the first @count[class] valid;
 *	a buffer of class c has PAGE_SIZE << c bytes
 *
 * A buffer is either here or, while a call uses it, on &fastrpc_cb.bufs;
 * never on both. Protected by &fastrpc_cb.maps_lock.
 */
struct fastrpc_payload_cache {
	u64 gen;
	u8 count[FASTRPC_PAYLOAD_CACHE_CLASSES];
	struct fastrpc_dma bufs[FASTRPC_PAYLOAD_CACHE_CLASSES][FASTRPC_PAYLOAD_CACHE_DEPTH];
};

/**
 * struct fastrpc_session - one slot of a context bank
 * @cb: context bank of the slot
 * @users: users of the slot (the file that owns it, each of its calls and
 *	buffer mappings, and what is kept for a DSP that may still use it);
 *	the slot is free at 0. Taken from 0 and dropped to 0 only under
 *	&fastrpc_channel.session_lock; a user may add another without it.
 */
struct fastrpc_session {
	struct fastrpc_cb *cb;
	refcount_t users;
};

/**
 * struct fastrpc_cb - a context bank (compute-cb node)
 * @ref: references: the channel's list while the device is bound, and one
 *	per slot user
 * @channel: channel of the context bank (a reference)
 * @dev: the context bank's device (a reference), used for DMA
 * @sid: stream id (``reg``)
 * @node: entry in &fastrpc_channel.cbs
 * @owner: process (mm) whose files use the slots, NULL when all are free;
 *	pinned with mmgrab()
 * @owner_gen: incremented each time the bank gets a new @owner (never 0
 *	then); changes only while no slot is in use, so a slot user reads it
 *	without the lock
 * @busy: number of slots in use
 * @dead: the device was unbound; no new slot is handed out (read without
 *	the lock by fastrpc_session_is_dead())
 * @maps_lock: protects @maps, @bufs, @unmapped and @cache; see DOC: Locking
 *	(the payload cache adds no lock of its own)
 * @maps: buffer objects mapped on the device, &struct fastrpc_bo_map
 * @bufs: buffers mapped on the device, &struct fastrpc_dma
 * @unmapped: the device was unbound and every mapping and buffer on it
 *	undone; nothing new is mapped or allocated
 * @cache: payload buffers of finished calls, kept for the next calls of
 *	the same @owner; freed when the bank is free again (the owner leaves)
 *	and at unbind
 * @nslots: number of slots (``qcom,nsessions``)
 * @slots: the slots
 *
 * @node, @owner, @owner_gen, @busy and @dead are protected by
 * &fastrpc_channel.session_lock.
 */
struct fastrpc_cb {
	struct kref ref;
	struct fastrpc_channel *channel;
	struct device *dev;
	u32 sid;
	struct list_head node;
	struct mm_struct *owner;
	u64 owner_gen;
	u32 busy;
	bool dead;
	struct mutex maps_lock; /* protects maps, bufs, unmapped, cache */
	struct list_head maps;
	struct list_head bufs;
	bool unmapped;
	struct fastrpc_payload_cache cache;
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
