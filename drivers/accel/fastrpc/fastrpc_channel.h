/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: the channel to one DSP and its table of calls.
 */
#ifndef __FASTRPC_CHANNEL_H__
#define __FASTRPC_CHANNEL_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_rheap.h"
#include "fastrpc_session.h"

struct fastrpc_call;
struct fastrpc_device;
struct fastrpc_legacy;
struct fastrpc_msg;
struct rpmsg_device;
struct rpmsg_endpoint;

/**
 * struct fastrpc_channel - the rpmsg channel to one DSP
 * @ref: references: the rpmsg binding (until remove), the device while the
 *	channel is attached to it, each file with a process on it, each
 *	context bank and each call
 * @fdev: device of the channel's domain; it outlives every channel
 * @secure: the channel is a secure domain (no qcom,non-secure-domain)
 * @send_lock: see DOC: Locking
 * @ept: the rpmsg endpoint, NULL once the channel is stopped
 * @lock: see DOC: Locking
 * @calls: calls waiting for a reply, indexed by the context table index
 *	(1..%FASTRPC_CTX_MAX_INDEX)
 * @next_index: next index to try
 * @seq: sequence number of the last call sent
 * @dead: the channel was stopped; no call is accepted any more
 * @pd_down: client ids whose process the DSP reported dead, until the
 *	client id is given back (fastrpc_channel_forget_client())
 * @session_lock: see DOC: Locking
 * @cbs: context banks, &struct fastrpc_cb
 * @attrs_lock: see DOC: Locking
 * @attrs_valid: @dsp_attrs holds the DSP's answer
 * @dsp_attrs: cached DSP capability attributes
 * @heap_lock: see DOC: Locking
 * @heap_session: session whose context bank holds @heap (a slot use), NULL
 *	when there is no heap
 * @heap: heap of the static PDs (INIT CREATE_STATIC) on @heap_session's
 *	context bank, kept until the channel goes away
 * @rheap: the reserved memory of the device tree ("memory-region"), or NULL;
 *	when there is one, the static PDs' heap and remote-heap mappings come
 *	from it
 * @heap_rbuf: the static PDs' heap in @rheap (empty when none), kept until
 *	the channel goes away
 * @kept_lock: see DOC: Locking
 * @kept: what the DSP may still use after a call that got no answer
 *	(&struct fastrpc_kept); given back when the channel stops, as the DSP
 *	then forgot everything
 * @kept_reclaimed: @kept was given back; what is kept later is given back
 *	at once
 * @legacy: the channel's legacy device nodes, set at probe and cleared at
 *	remove
 * @noncoherent: a context bank of the channel may not be cache-coherent
 *	with the CPU (set at probe, from the device tree)
 */
struct fastrpc_channel {
	struct kref ref;
	struct fastrpc_device *fdev;
	bool secure;
	bool noncoherent;

	struct rw_semaphore send_lock; /* protects ept */
	struct rpmsg_endpoint *ept;

	spinlock_t lock; /* protects calls, next_index, seq, dead, call state, pd_down writes */
	struct xarray calls;
	u32 next_index;
	u64 seq;
	bool dead;
	struct xarray pd_down;

	struct mutex session_lock; /* protects cbs and their slots */
	struct list_head cbs;

	struct mutex attrs_lock; /* protects attrs_valid, dsp_attrs */
	bool attrs_valid;
	u32 dsp_attrs[DRM_FASTRPC_DSP_ATTR_COUNT];

	struct mutex heap_lock; /* protects heap_session, heap, heap_rbuf */
	struct fastrpc_session *heap_session;
	struct fastrpc_dma heap;
	struct fastrpc_rheap *rheap;
	struct fastrpc_rheap_buf heap_rbuf;

	struct mutex kept_lock; /* protects kept, kept_reclaimed */
	struct list_head kept;
	bool kept_reclaimed;

	struct fastrpc_legacy *legacy;
};

/**
 * struct fastrpc_reply_match - what a reply must match in the table
 * @ctx: context word sent with the call
 * @answered: the call was completed (by a reply or by channel removal)
 */
struct fastrpc_reply_match {
	u64 ctx;
	bool answered;
};

/**
 * enum fastrpc_reply_class - verdict on a message from the DSP
 * @FASTRPC_REPLY_GOOD: a reply that completes its call
 * @FASTRPC_REPLY_SHORT: shorter than &struct fastrpc_rsp
 * @FASTRPC_REPLY_NOTIFICATION: a PD notification (%FASTRPC_NOTIF_CTX)
 * @FASTRPC_REPLY_BAD_INDEX: no call at the context word's index
 * @FASTRPC_REPLY_MISMATCH: the call at that index has another context word
 *	(stale or forged sequence number, PD bits)
 * @FASTRPC_REPLY_ANSWERED: the call was already completed
 */
enum fastrpc_reply_class {
	FASTRPC_REPLY_GOOD,
	FASTRPC_REPLY_SHORT,
	FASTRPC_REPLY_NOTIFICATION,
	FASTRPC_REPLY_BAD_INDEX,
	FASTRPC_REPLY_MISMATCH,
	FASTRPC_REPLY_ANSWERED,
};

enum fastrpc_reply_class
fastrpc_reply_classify(const void *data, size_t len,
		       const struct fastrpc_reply_match *entry);

struct fastrpc_channel *fastrpc_channel_create(struct fastrpc_device *fdev,
					       bool secure);
void fastrpc_channel_start(struct fastrpc_channel *channel,
			   struct rpmsg_endpoint *ept);
unsigned int fastrpc_channel_stop(struct fastrpc_channel *channel);
struct fastrpc_channel *fastrpc_channel_get(struct fastrpc_channel *channel);
void fastrpc_channel_put(struct fastrpc_channel *channel);
bool fastrpc_channel_is_dead(struct fastrpc_channel *channel);
int fastrpc_channel_submit(struct fastrpc_channel *channel,
			   struct fastrpc_call *call, struct fastrpc_msg *msg,
			   u32 pd);
bool fastrpc_channel_abandon(struct fastrpc_channel *channel,
			     struct fastrpc_call *call);
void fastrpc_channel_retire_client(struct fastrpc_channel *channel,
				   u32 client);
bool fastrpc_channel_client_busy(struct fastrpc_channel *channel, u32 client);
bool fastrpc_channel_client_down(struct fastrpc_channel *channel, u32 client);
void fastrpc_channel_forget_client(struct fastrpc_channel *channel,
				   u32 client);
void fastrpc_channel_receive(struct fastrpc_channel *channel,
			     const void *data, size_t len);

#endif /* __FASTRPC_CHANNEL_H__ */
