// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reserved memory for the static PDs, given to the DSP by physical address
 * without a stream id: static PDs do not run behind a context bank of this
 * host. With "qcom,vmids" each allocation belongs to those VMs while the DSP
 * uses it; without SCM to assign it, allocations fail rather than hand the
 * DSP memory its hypervisor would refuse. The host never maps the region.
 */

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/firmware/qcom/qcom_scm.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_reserved_mem.h>
#include <linux/slab.h>

#include "fastrpc_drv.h"

#define FASTRPC_RHEAP_MAX_VMIDS		8
/* dt-bindings/firmware/qcom,scm.h */
#define FASTRPC_RHEAP_VMID_HLOS		0x3

struct fastrpc_rheap {
	struct device *dev;
	phys_addr_t base;
	unsigned long pages;
	struct mutex lock; /* protects used */
	unsigned long *used;
	struct qcom_scm_vmperm vmperms[FASTRPC_RHEAP_MAX_VMIDS];
	unsigned int nvmids; /* 0: the memory stays the host's */
};

static int fastrpc_rheap_read_vmids(struct fastrpc_rheap *rheap,
				    struct device_node *np)
{
	u32 vmids[FASTRPC_RHEAP_MAX_VMIDS];
	int i, n;

	n = of_property_count_u32_elems(np, "qcom,vmids");
	if (n == -EINVAL)
		return 0;
	if (n <= 0 || n > FASTRPC_RHEAP_MAX_VMIDS)
		return -EINVAL;
	if (of_property_read_u32_array(np, "qcom,vmids", vmids, n))
		return -EINVAL;

	for (i = 0; i < n; i++) {
		if (vmids[i] >= 64 || vmids[i] == FASTRPC_RHEAP_VMID_HLOS)
			return -EINVAL;
		rheap->vmperms[i].vmid = vmids[i];
		rheap->vmperms[i].perm = QCOM_SCM_PERM_RWX;
	}
	rheap->nvmids = n;
	return 0;
}

/* Return: NULL when the node names no "memory-region" */
struct fastrpc_rheap *fastrpc_rheap_create(struct device *dev)
{
	struct device_node *rnp __free(device_node) =
		of_parse_phandle(dev->of_node, "memory-region", 0);
	struct reserved_mem *rmem;
	struct resource res;
	phys_addr_t base;
	u64 size;
	int ret;

	if (!rnp)
		return NULL;
	rmem = of_reserved_mem_lookup(rnp);
	if (rmem) {
		base = rmem->base;
		size = rmem->size;
	} else {
		/* A region added after boot is not in the table */
		ret = of_address_to_resource(rnp, 0, &res);
		if (ret) {
			dev_err(dev, "memory-region: no address: %d\n", ret);
			return ERR_PTR(-EINVAL);
		}
		base = res.start;
		size = resource_size(&res);
	}
	if (!PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) || !size ||
	    size >> PAGE_SHIFT > ULONG_MAX / 2) {
		dev_err(dev, "memory-region %pa+%#llx: not whole pages\n",
			&base, size);
		return ERR_PTR(-EINVAL);
	}

	struct fastrpc_rheap *rheap __free(kfree) = kzalloc(sizeof(*rheap), GFP_KERNEL);

	if (!rheap)
		return ERR_PTR(-ENOMEM);
	rheap->dev = dev;
	rheap->base = base;
	rheap->pages = size >> PAGE_SHIFT;
	if (fastrpc_rheap_read_vmids(rheap, dev->of_node)) {
		dev_err(dev, "qcom,vmids: unusable\n");
		return ERR_PTR(-EINVAL);
	}
	rheap->used = bitmap_zalloc(rheap->pages, GFP_KERNEL);
	if (!rheap->used)
		return ERR_PTR(-ENOMEM);
	mutex_init(&rheap->lock);
	dev_dbg(dev, "reserved memory %pa, %lu pages, %u VMs\n", &rheap->base,
		rheap->pages, rheap->nvmids);
	return_ptr(rheap);
}

void fastrpc_rheap_destroy(struct fastrpc_rheap *rheap)
{
	if (!rheap)
		return;
	bitmap_free(rheap->used);
	mutex_destroy(&rheap->lock);
	kfree(rheap);
}

int fastrpc_rheap_alloc(struct fastrpc_rheap *rheap, size_t size,
			struct fastrpc_rheap_buf *buf)
{
	u64 owners = BIT_ULL(FASTRPC_RHEAP_VMID_HLOS);
	unsigned long start, n;
	int ret;

	if (!size)
		return -EINVAL;
	n = PAGE_ALIGN(size) >> PAGE_SHIFT;
	if (!n || n > rheap->pages)
		return -ENOMEM;

	scoped_guard(mutex, &rheap->lock) {
		start = bitmap_find_next_zero_area(rheap->used, rheap->pages, 0, n, 0);
		if (start >= rheap->pages)
			return -ENOMEM;
		bitmap_set(rheap->used, start, n);
	}

	*buf = (struct fastrpc_rheap_buf) {
		.phys = rheap->base + ((phys_addr_t)start << PAGE_SHIFT),
		.size = n << PAGE_SHIFT,
	};
	if (!rheap->nvmids)
		return 0;

	ret = -EOPNOTSUPP;
	if (IS_REACHABLE(CONFIG_QCOM_SCM) && qcom_scm_is_available())
		ret = qcom_scm_assign_mem(buf->phys, buf->size, &owners,
					  rheap->vmperms, rheap->nvmids);
	if (ret) {
		dev_warn_ratelimited(rheap->dev,
				     "reserved memory cannot be assigned to qcom,vmids: %d\n",
				     ret);
		scoped_guard(mutex, &rheap->lock)
			bitmap_clear(rheap->used, start, n);
		buf->size = 0;
		return ret;
	}
	buf->owners = owners;
	return 0;
}

/* Pages that cannot be assigned back to the host are never reused */
void fastrpc_rheap_free(struct fastrpc_rheap *rheap,
			struct fastrpc_rheap_buf *buf)
{
	struct qcom_scm_vmperm host = {
		.vmid = FASTRPC_RHEAP_VMID_HLOS,
		.perm = QCOM_SCM_PERM_RWX,
	};
	int ret;

	if (!buf->size)
		return;

	/* Non-zero only once qcom_scm_assign_mem() succeeded */
	if (IS_REACHABLE(CONFIG_QCOM_SCM) && buf->owners) {
		ret = qcom_scm_assign_mem(buf->phys, buf->size, &buf->owners, &host, 1);
		if (ret) {
			dev_err(rheap->dev,
				"reserved memory %pa+%#zx stays with the DSP: %d\n",
				&buf->phys, buf->size, ret);
			buf->size = 0;
			return;
		}
	}

	scoped_guard(mutex, &rheap->lock)
		bitmap_clear(rheap->used, (buf->phys - rheap->base) >> PAGE_SHIFT,
			     buf->size >> PAGE_SHIFT);
	buf->size = 0;
	buf->owners = 0;
}
