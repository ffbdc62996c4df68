/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: the reserved memory of a channel.
 */
#ifndef __FASTRPC_RHEAP_H__
#define __FASTRPC_RHEAP_H__

#include <linux/types.h>

struct device;
struct fastrpc_rheap;

/**
 * struct fastrpc_rheap_buf - pages of a channel's reserved memory
 * @phys: physical address of the first page, what the DSP is given
 * @size: size in bytes, a multiple of the page size; 0 when not allocated
 * @owners: SCM owners of the pages (QCOM_SCM_VMID_* bits) while they are
 *	assigned away from the host, else 0
 */
struct fastrpc_rheap_buf {
	phys_addr_t phys;
	size_t size;
	u64 owners;
};

struct fastrpc_rheap *fastrpc_rheap_create(struct device *dev);
void fastrpc_rheap_destroy(struct fastrpc_rheap *rheap);
int fastrpc_rheap_alloc(struct fastrpc_rheap *rheap, size_t size,
			struct fastrpc_rheap_buf *buf);
void fastrpc_rheap_free(struct fastrpc_rheap *rheap,
			struct fastrpc_rheap_buf *buf);

#endif /* __FASTRPC_RHEAP_H__ */
