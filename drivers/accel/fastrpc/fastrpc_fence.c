// SPDX-License-Identifier: GPL-2.0-only
/*
 * Calls complete out of order, so each fence has its own context. A
 * reservation object may use a signalled fence's ops long after the call,
 * so each fence pins the module until it is freed.
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "fastrpc_drv.h"

/* Signalling is one short step per call: all fences share one lock */
static DEFINE_SPINLOCK(fastrpc_fence_lock);

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
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops fastrpc_fence_ops = {
	.get_driver_name = fastrpc_fence_driver_name,
	.get_timeline_name = fastrpc_fence_timeline_name,
	.release = fastrpc_fence_release,
};

struct dma_fence *fastrpc_fence_create(void)
{
	struct dma_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	dma_fence_init(f, &fastrpc_fence_ops, &fastrpc_fence_lock, dma_fence_context_alloc(1), 1);
	__module_get(THIS_MODULE);
	return f;
}

/* Skip our own fences: callers order their calls to the DSP themselves */
long fastrpc_fence_wait(struct dma_resv *resv, bool write, bool intr, long timeout, bool *waited)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	dma_resv_iter_begin(&cursor, resv, dma_resv_usage_rw(write));
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (fence->ops == &fastrpc_fence_ops || dma_fence_is_signaled(fence))
			continue;
		*waited = true;
		timeout = dma_fence_wait_timeout(fence, intr, timeout);
		if (timeout <= 0)
			break;
	}
	dma_resv_iter_end(&cursor);
	return timeout;
}

int fastrpc_fence_add(struct dma_resv *resv, struct dma_fence *fence, bool write)
{
	int ret;

	dma_resv_lock(resv, NULL);
	ret = dma_resv_reserve_fences(resv, 1);
	if (!ret)
		dma_resv_add_fence(resv, fence, write ? DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ);
	dma_resv_unlock(resv);
	return ret;
}

/* @error is set when the caller gave up: the DSP may still use the buffers */
void fastrpc_fence_end(struct dma_fence *fence, int error)
{
	if (!fence)
		return;
	if (error)
		dma_fence_set_error(fence, error);
	dma_fence_signal(fence);
	dma_fence_put(fence);
}
