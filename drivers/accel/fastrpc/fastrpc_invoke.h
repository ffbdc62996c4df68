/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: remote calls.
 */
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

/**
 * struct fastrpc_karg - one argument of a call
 * @len: length in bytes
 * @map: a mapped buffer object: the argument is [@offset, @offset + @len)
 *	of it, used in place by the DSP; NULL for a copied buffer argument
 *	or a handle argument with nothing mapped
 * @offset: offset of the argument in the object of @map; for a handle
 *	argument, the offset sent to the DSP even when nothing is mapped
 * @fd: handle arguments only: the buffer identifier sent to the DSP
 * @user: @uptr is used (a user call), otherwise @kptr; copied arguments
 *	only
 * @uptr: user address of the argument
 * @kptr: kernel address of the argument
 *
 * Where the bytes come from (or go to) is always stated by the caller in
 * @map and @user, never guessed from the address. Handle arguments are
 * never copied; @len and @offset must fit in 32 bits.
 */
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

/**
 * struct fastrpc_call_params - what to call and how
 * @handle: remote handle
 * @sc: scalars word
 * @pid: client id sent in the message, 0 for a kernel call
 * @client: client id the call acts for, kernel calls included; 0 for none
 * @pd: PD type, FASTRPC_PD_*
 * @args: @nargs arguments in the order of @sc: in-buffers, out-buffers,
 *	in-handles, out-handles
 * @nargs: number of arguments, fastrpc_sc_nargs(@sc)
 * @timeout_ms: give up after this many ms, 0 waits until done
 * @killable: a fatal signal ends the wait
 * @user_file: for a call a user makes (INVOKE), its file: the file's
 *	per-client limits apply and UNMAP of the file waits for the call;
 *	NULL for a call the kernel makes
 * @dsp_status: Out. Raw result of the DSP method, when it replied
 */
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
	struct fastrpc_file *user_file;
	u32 dsp_status;
};

/**
 * struct fastrpc_quota - what the calls of one client use, against its limits
 * @ref: references: the client's file, and each of its calls until freed
 * @calls: calls of the client not freed yet
 * @abandoned: calls whose caller gave up before the DSP answered, not freed
 *	yet
 * @abandoned_bytes: payload bytes of the @abandoned calls
 * @busy_lock: protects @busy_calls, @busy_since and @busy_ns; taken with
 *	IRQs off, after &fastrpc_channel.lock
 * @busy_calls: calls of the client in a context table now
 * @busy_since: when @busy_calls last went from 0 to 1, ktime_get_ns()
 * @busy_ns: time the client had a call in a context table, up to the last
 *	time @busy_calls went to 0 (see fastrpc_quota_busy_ns())
 */
struct fastrpc_quota {
	struct kref ref;
	atomic_t calls;
	atomic_t abandoned;
	atomic64_t abandoned_bytes;

	spinlock_t busy_lock; /* protects busy_calls, busy_since, busy_ns */
	u32 busy_calls;
	u64 busy_since;
	u64 busy_ns;
};

/**
 * struct fastrpc_call_map - a buffer object a call names
 * @map: its mapping on the call's session (a reference)
 * @offset: start of the range the call names
 * @len: length of the range
 * @write: the DSP may write the range (an out-buffer or a handle)
 */
struct fastrpc_call_map {
	struct fastrpc_bo_map *map;
	u64 offset;
	u64 len;
	bool write;
};

/**
 * struct fastrpc_call - one remote call
 * @ref: references: the caller's, and the context table's until the call is
 *	answered or the channel is stopped
 * @channel: channel of the call (a reference)
 * @session: session whose device holds the payload (a slot use)
 * @release_work: frees the call when the last reference goes in atomic
 *	context
 * @client: client id the call acts for (&fastrpc_call_params.client)
 * @index: index in the channel's context table
 * @match: context word and answered state, under &fastrpc_channel.lock
 * @result: 0 once the DSP replied, -EPIPE when the channel went away; under
 *	&fastrpc_channel.lock until @done
 * @retval: the DSP's result, valid when @result is 0
 * @done: completed exactly once, when @match.answered is set
 * @payload: the payload buffer, at least @layout->size bytes (the DSP is
 *	told @layout->size); the DSP may write to it until it replies, so it
 *	goes back to the payload cache only when the call is freed
 * @layout: the kernel's record of every argument's place in @payload
 * @nmaps: number of entries of @maps
 * @maps: the buffer objects the call uses: their mappings (a reference
 *	each, held until the call is freed, so after the DSP answered) and
 *	the ranges the call names
 * @fence: the call's fence in its buffers' reservation objects, signalled
 *	when the caller returns; NULL before it is published
 * @quota: limits of the client of a user call (a reference), or NULL
 * @abandoned: the caller gave up before the DSP answered; counted in @quota
 * @system: the call is to a system handle other than INIT (see
 *	fastrpc_handle_is_system()): it does not keep UNMAP away
 */
struct fastrpc_call {
	struct kref ref;
	struct fastrpc_channel *channel;
	struct fastrpc_session *session;
	struct work_struct release_work;

	u32 client;
	u32 index;
	struct fastrpc_reply_match match;
	int result;
	u32 retval;
	struct completion done;

	struct fastrpc_dma payload;
	struct fastrpc_layout *layout;
	u32 nmaps;
	struct fastrpc_call_map *maps;
	struct dma_fence *fence;
	struct fastrpc_quota *quota;
	bool abandoned;
	bool system;
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
