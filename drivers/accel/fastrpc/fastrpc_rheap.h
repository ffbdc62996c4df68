/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_RHEAP_H__
#define __FASTRPC_RHEAP_H__

#include <linux/types.h>

struct device;
struct fastrpc_rheap;

struct fastrpc_rheap_buf {
	phys_addr_t phys; /* what the DSP is given */
	size_t size; /* 0 when not allocated */
	u64 owners; /* QCOM_SCM_VMID_* bits while assigned away, else 0 */
};

struct fastrpc_rheap *fastrpc_rheap_create(struct device *dev);
void fastrpc_rheap_destroy(struct fastrpc_rheap *rheap);
int fastrpc_rheap_alloc(struct fastrpc_rheap *rheap, size_t size,
			struct fastrpc_rheap_buf *buf);
void fastrpc_rheap_free(struct fastrpc_rheap *rheap,
			struct fastrpc_rheap_buf *buf);

#endif /* __FASTRPC_RHEAP_H__ */
