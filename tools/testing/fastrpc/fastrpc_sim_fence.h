/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Simulated Hexagon DSP: fences of another device on dma-bufs, for the
 * implicit synchronisation tests (fastrpc_sim_fence.c).
 */
#ifndef __FASTRPC_SIM_FENCE_H__
#define __FASTRPC_SIM_FENCE_H__

struct dentry;

void fastrpc_sim_fence_add(const void *owner, struct dentry *dir);
void fastrpc_sim_fence_remove(const void *owner);

#endif /* __FASTRPC_SIM_FENCE_H__ */
