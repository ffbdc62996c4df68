/* SPDX-License-Identifier: GPL-2.0-only */
/* FastRPC accel driver: the channel to one DSP and its table of calls. */
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

/*
 * References: the rpmsg binding (until remove), the device while attached,
 * each file with a process on it, each context bank and each call.
 */
struct fastrpc_channel {
	struct kref ref;
	struct fastrpc_device *fdev; /* outlives every channel */
	bool secure;
	bool noncoherent; /* a context bank may not be cache-coherent (DT) */

	struct rw_semaphore send_lock; /* protects ept */
	struct rpmsg_endpoint *ept; /* NULL once stopped */

	spinlock_t lock; /* protects calls, next_index, seq, dead, call state, pd_down writes */
	struct xarray calls; /* unanswered calls, by index 1..FASTRPC_CTX_MAX_INDEX */
	u32 next_index;
	u64 seq;
	bool dead;
	struct xarray pd_down; /* clients the DSP reported dead, until forgotten */

	struct mutex session_lock; /* protects cbs and their slots */
	struct list_head cbs;

	struct mutex attrs_lock; /* protects attrs_valid, dsp_attrs */
	bool attrs_valid;
	u32 dsp_attrs[DRM_FASTRPC_DSP_ATTR_COUNT];

	/* static PDs' heap: in @rheap if set, else on @heap_session's bank */
	struct mutex heap_lock; /* protects heap_session, heap, heap_rbuf */
	struct fastrpc_session *heap_session;
	struct fastrpc_dma heap;
	struct fastrpc_rheap *rheap; /* DT "memory-region" for heaps, or NULL */
	struct fastrpc_rheap_buf heap_rbuf;

	/* what the DSP may still use after calls that got no answer */
	struct mutex kept_lock; /* protects kept, kept_reclaimed */
	struct list_head kept;
	bool kept_reclaimed; /* stopped: give back at once */

	struct fastrpc_legacy *legacy; /* set at probe, cleared at remove */
};

struct fastrpc_reply_match {
	u64 ctx; /* context word sent with the call */
	bool answered; /* by a reply or by the channel stopping */
};

enum fastrpc_reply_class {
	FASTRPC_REPLY_GOOD,
	FASTRPC_REPLY_SHORT,
	FASTRPC_REPLY_NOTIFICATION,
	FASTRPC_REPLY_BAD_INDEX,
	FASTRPC_REPLY_MISMATCH, /* stale or forged sequence number or PD bits */
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
