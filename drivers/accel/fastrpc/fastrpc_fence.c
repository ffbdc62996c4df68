// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: implicit synchronisation of call buffers.
 *
 * A call's buffer objects are shared through their reservation objects with
 * other devices. Before the DSP gets a call, the call waits for the fences
 * that order it after other devices' use of its buffers: the writers' for a
 * buffer the DSP reads, every fence for one it writes. While the call runs,
 * a fence of the call is in each buffer's reservation object, as a writer
 * for the buffers the DSP writes and as a reader for the others, so other
 * devices wait for the DSP in turn. The fence signals when the caller
 * returns.
 *
 * Calls complete in no particular order, so each fence has a fence context
 * of its own: dma_resv_add_fence() replaces an unsignalled fence by a later
 * one of the same context, which is only right for fences that signal in
 * order. A reservation object may keep a signalled fence, and call its
 * operations, long after the call: each fence holds a reference on the
 * module until it is freed.
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/spinlock.h>

#include "fastrpc_fence.h"

/**
 * struct fastrpc_fence - the fence of one call
 * @base: the fence
 * @lock: the fence's lock
 */
struct fastrpc_fence {
	struct dma_fence base;
	spinlock_t lock; /* protects base */
};

static const char *fastrpc_fence_driver_name(struct dma_fence *fence)
{
	return "fastrpc";
}

static const char *fastrpc_fence_timeline_name(struct dma_fence *fence)
{
	return "dsp-call";
}

static void fastrpc_fence_release(struct dma_fence *fence)
{
	dma_fence_free(fence);
	/* The reference of fastrpc_fence_create() */
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops fastrpc_fence_ops = {
	.get_driver_name = fastrpc_fence_driver_name,
	.get_timeline_name = fastrpc_fence_timeline_name,
	.release = fastrpc_fence_release,
};

/* dma_fence_free() frees the whole of it */
static_assert(offsetof(struct fastrpc_fence, base) == 0);

/**
 * fastrpc_fence_create() - a fence for a call
 *
 * Return: the fence with a reference for the caller, or NULL without memory.
 */
struct dma_fence *fastrpc_fence_create(void)
{
	struct fastrpc_fence *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	spin_lock_init(&f->lock);
	dma_fence_init(&f->base, &fastrpc_fence_ops, &f->lock,
		       dma_fence_context_alloc(1), 1);
	/* Put in fastrpc_fence_release() */
	__module_get(THIS_MODULE);
	return &f->base;
}

/**
 * fastrpc_fence_wait() - wait until the DSP may use a buffer
 * @resv: the buffer's reservation object
 * @write: the DSP writes the buffer: wait for every fence, not only writers
 * @intr: a signal ends the wait
 * @timeout: most jiffies to wait
 * @waited: set when there was a fence to wait for
 *
 * Fences of other calls of the driver are not waited for: calls to the DSP
 * are ordered by their callers, as they always were (two threads may have
 * the DSP write different parts of one buffer at once).
 *
 * Return: the jiffies left (at least 1), 0 when @timeout expired, or
 * -ERESTARTSYS when a signal came.
 */
long fastrpc_fence_wait(struct dma_resv *resv, bool write, bool intr,
			long timeout, bool *waited)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	dma_resv_iter_begin(&cursor, resv, dma_resv_usage_rw(write));
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (fence->ops == &fastrpc_fence_ops ||
		    dma_fence_is_signaled(fence))
			continue;
		*waited = true;
		timeout = dma_fence_wait_timeout(fence, intr, timeout);
		if (timeout <= 0)
			break;
	}
	dma_resv_iter_end(&cursor);
	return timeout;
}

/**
 * fastrpc_fence_add() - publish a call's use of a buffer
 * @resv: the buffer's reservation object
 * @fence: the call's fence
 * @write: the DSP writes the buffer
 *
 * Return: 0, or -ENOMEM.
 */
int fastrpc_fence_add(struct dma_resv *resv, struct dma_fence *fence,
		      bool write)
{
	int ret;

	dma_resv_lock(resv, NULL);
	ret = dma_resv_reserve_fences(resv, 1);
	if (!ret)
		dma_resv_add_fence(resv, fence, write ? DMA_RESV_USAGE_WRITE :
					  DMA_RESV_USAGE_READ);
	dma_resv_unlock(resv);
	return ret;
}

/**
 * fastrpc_fence_end() - signal a call's fence and drop the caller's reference
 * @fence: the fence, may be NULL
 * @error: 0, or the negative errno the call ended with when its caller gave
 *	up on it (the DSP may still be using the buffers then)
 */
void fastrpc_fence_end(struct dma_fence *fence, int error)
{
	if (!fence)
		return;
	if (error)
		dma_fence_set_error(fence, error);
	dma_fence_signal(fence);
	dma_fence_put(fence);
}
