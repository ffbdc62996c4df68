/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_INVOKE_H__
#define __FASTRPC_INVOKE_H__

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "fastrpc_channel.h"
#include "fastrpc_session.h"

struct drm_device;
struct drm_file;
struct dma_fence;
struct fastrpc_bo_map;
struct fastrpc_file;
struct fastrpc_layout;

/* The caller states where the bytes are (@map, @user), never the address */
struct fastrpc_karg {
	u64 len;
	struct fastrpc_bo_map *map;
	u64 offset;
	u32 fd;
	bool user;
	union {
		void __user *uptr;
		void *kptr;
	};
};

struct fastrpc_call_params {
	u32 handle;
	u32 sc;
	u32 pid;
	u32 client;
	u32 pd;
	struct fastrpc_karg *args;
	u32 nargs;
	u32 timeout_ms;
	bool killable;
	/* NULL for a kernel call; else per-client limits apply and UNMAP waits */
	struct fastrpc_file *user_file;
	u32 dsp_status;		/* out */
};

struct fastrpc_quota {
	struct kref ref;	/* the client's file and each call until freed */
	atomic_t calls;
	atomic_t abandoned;
	atomic64_t abandoned_bytes;

	spinlock_t busy_lock; /* protects busy_*; IRQs off, inside channel lock */
	u32 busy_calls;
	u64 busy_since;
	u64 busy_ns;
};

struct fastrpc_call_map {
	struct fastrpc_bo_map *map;
	u64 offset;
	u64 len;
	bool write;		/* the DSP may write the range */
};

struct fastrpc_call {
	/* the caller's, and the context table's until answered or stopped */
	struct kref ref;
	struct fastrpc_channel *channel;
	struct fastrpc_session *session;
	struct work_struct release_work;

	u32 client;
	u32 index;
	struct fastrpc_reply_match match;	/* under &fastrpc_channel.lock */
	int result;		/* under &fastrpc_channel.lock until @done */
	u32 retval;
	struct completion done;

	/* the DSP may write it until it replies: cached again only when freed */
	struct fastrpc_dma payload;
	struct fastrpc_layout *layout;
	u32 nmaps;
	struct fastrpc_call_map *maps;
	struct dma_fence *fence;
	struct fastrpc_quota *quota;
	bool abandoned;
	bool system;		/* a system handle other than INIT: UNMAP need not wait */
};

struct fastrpc_quota *fastrpc_quota_alloc(void);
void fastrpc_quota_put(struct fastrpc_quota *quota);
void fastrpc_quota_busy_begin(struct fastrpc_quota *quota);
void fastrpc_quota_busy_end(struct fastrpc_quota *quota);
u64 fastrpc_quota_busy_ns(struct fastrpc_quota *quota);
int fastrpc_dsp_result_to_errno(u32 retval);
void fastrpc_call_put_deferred(struct fastrpc_call *call);
int fastrpc_call_sync(struct fastrpc_channel *channel,
		      struct fastrpc_session *session,
		      struct fastrpc_call_params *params);
u32 fastrpc_kernel_timeout_ms(void);
int fastrpc_ioctl_invoke(struct drm_device *drm, void *data,
			 struct drm_file *file);
int fastrpc_invoke_init(void);
void fastrpc_invoke_exit(void);

#endif /* __FASTRPC_INVOKE_H__ */
