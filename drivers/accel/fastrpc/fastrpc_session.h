/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: context banks and their session slots.
 */
#ifndef __FASTRPC_SESSION_H__
#define __FASTRPC_SESSION_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct device;
struct fastrpc_channel;
struct fastrpc_cb;
struct mm_struct;
struct platform_driver;

/* Largest accepted qcom,nsessions of one context bank */
#define FASTRPC_CB_MAX_SLOTS	16

/**
 * struct fastrpc_dma - a buffer of coherent memory on a session's device
 * @vaddr: kernel address, NULL when not allocated
 * @dma: device address (IOVA), without the stream id
 * @size: size in bytes
 * @node: entry in &fastrpc_cb.bufs while allocated
 *
 * @vaddr and @node are protected by &fastrpc_cb.maps_lock.
 */
struct fastrpc_dma {
	void *vaddr;
	dma_addr_t dma;
	size_t size;
	struct list_head node;
};

/**
 * struct fastrpc_session - one slot of a context bank
 * @cb: context bank of the slot
 * @users: users of the slot (the file that owns it, and each of its calls);
 *	the slot is free at 0. Protected by &fastrpc_channel.session_lock.
 */
struct fastrpc_session {
	struct fastrpc_cb *cb;
	u32 users;
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
 * @busy: number of slots in use
 * @dead: the device was unbound; no new slot is handed out
 * @maps_lock: protects @maps, @bufs and @unmapped
 * @maps: buffer objects mapped on the device, &struct fastrpc_bo_map
 * @bufs: coherent buffers allocated on the device, &struct fastrpc_dma
 * @unmapped: the device was unbound and every mapping and buffer on it
 *	undone; nothing new is mapped or allocated
 * @nslots: number of slots (``qcom,nsessions``)
 * @slots: the slots
 *
 * @node, @owner, @busy and @dead are protected by
 * &fastrpc_channel.session_lock.
 */
struct fastrpc_cb {
	struct kref ref;
	struct fastrpc_channel *channel;
	struct device *dev;
	u32 sid;
	struct list_head node;
	struct mm_struct *owner;
	u32 busy;
	bool dead;
	struct mutex maps_lock; /* protects maps, bufs, unmapped */
	struct list_head maps;
	struct list_head bufs;
	bool unmapped;
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
void fastrpc_session_dma_forget(struct fastrpc_session *session,
				struct fastrpc_dma *buf);
u32 fastrpc_channel_num_sessions(struct fastrpc_channel *channel);

#endif /* __FASTRPC_SESSION_H__ */
