/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_FENCE_H__
#define __FASTRPC_FENCE_H__

#include <linux/types.h>

struct dma_fence;
struct dma_resv;

struct dma_fence *fastrpc_fence_create(void);
long fastrpc_fence_wait(struct dma_resv *resv, bool write, bool intr,
			long timeout, bool *waited);
int fastrpc_fence_add(struct dma_resv *resv, struct dma_fence *fence,
		      bool write);
void fastrpc_fence_end(struct dma_fence *fence, int error);

#endif /* __FASTRPC_FENCE_H__ */
