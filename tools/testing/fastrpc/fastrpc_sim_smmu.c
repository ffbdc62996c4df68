// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: a simulated SMMU.
 *
 * Each live instance has an IOMMU of its own, described by a DT node
 * (/fastrpc-sim/smmu-<name>, #iommu-cells = <1>) that each compute-cb node
 * of the instance references with its stream id: iommus = <&smmu reg>. The
 * context-bank devices of the FastRPC drivers thus get their translation
 * context from this IOMMU through of_dma_configure(), each in a group of
 * its own, and the DMA API on them (iommu-dma) hands out IOVAs in that
 * context bank's address space, as on hardware.
 *
 * A translation context (domain) is a page table from 4 KiB IOVA page to
 * physical page. The DSP resolves every address it touches through the
 * table of the context bank named by the stream id, page by page, with the
 * SMMU's lock held across the copy of each page: a page the host unmaps
 * (and may then free) is never touched after the unmap returns.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include <kunit/visibility.h>

#include "fastrpc_sim.h"

#define FASTRPC_SIM_SMMU_PAGE_SHIFT	12
#define FASTRPC_SIM_SMMU_PAGE_SIZE	BIT(FASTRPC_SIM_SMMU_PAGE_SHIFT)
/* Context banks are compute-cb@1 .. compute-cb@FASTRPC_SIM_MAX_SESSIONS */
#define FASTRPC_SIM_SMMU_NR_CBS		(FASTRPC_SIM_MAX_SESSIONS + 1)
#define FASTRPC_SIM_SMMU_NAME_LEN	64

/**
 * struct fastrpc_sim_smmu - the simulated SMMU of one instance
 * @iommu: the IOMMU device
 * @pdev: device of the SMMU, whose fwnode is its DT node; NULL in tests
 * @node: entry of fastrpc_sim_smmus
 * @lock: protects @cbs; held across each page access of the DSP and
 *        across each unmap, so that the two never overlap
 * @cbs: domain attached to each context bank (stream id), or NULL
 * @npages: pages mapped in all domains of the SMMU
 * @ndomains: domains of the SMMU that exist
 * @name: name, used in logs
 */
struct fastrpc_sim_smmu {
	struct iommu_device iommu;
	struct platform_device *pdev;
	struct list_head node;
	spinlock_t lock;	/* protects cbs, orders unmaps against accesses */
	struct fastrpc_sim_smmu_domain *cbs[FASTRPC_SIM_SMMU_NR_CBS];
	atomic_long_t npages;
	atomic_t ndomains;
	char name[FASTRPC_SIM_SMMU_NAME_LEN];
};

/**
 * struct fastrpc_sim_smmu_domain - a translation context
 * @domain: the IOMMU domain
 * @smmu: the SMMU it belongs to
 * @pt: page table, IOVA page number to xa_mk_value(physical page number);
 *      its entries are erased only under fastrpc_sim_smmu.lock
 */
struct fastrpc_sim_smmu_domain {
	struct iommu_domain domain;
	struct fastrpc_sim_smmu *smmu;
	struct xarray pt;
};

/**
 * struct fastrpc_sim_smmu_master - a device behind the SMMU
 * @smmu: the SMMU
 * @sid: stream id of the device (its context bank)
 */
struct fastrpc_sim_smmu_master {
	struct fastrpc_sim_smmu *smmu;
	u32 sid;
};

/* Registered SMMUs, to find one from its fwnode */
static LIST_HEAD(fastrpc_sim_smmus);
static DEFINE_SPINLOCK(fastrpc_sim_smmus_lock);	/* protects fastrpc_sim_smmus */

static const struct iommu_ops fastrpc_sim_smmu_ops;

static inline struct fastrpc_sim_smmu_domain *
to_fastrpc_sim_smmu_domain(struct iommu_domain *domain)
{
	return container_of(domain, struct fastrpc_sim_smmu_domain, domain);
}

static struct fastrpc_sim_smmu *
fastrpc_sim_smmu_find(const struct fwnode_handle *fwnode)
{
	struct fastrpc_sim_smmu *smmu, *found = NULL;

	spin_lock(&fastrpc_sim_smmus_lock);
	list_for_each_entry(smmu, &fastrpc_sim_smmus, node) {
		if (smmu->iommu.fwnode == fwnode) {
			found = smmu;
			break;
		}
	}
	spin_unlock(&fastrpc_sim_smmus_lock);

	return found;
}

/* ---- domain operations ---- */

static int fastrpc_sim_smmu_attach_dev(struct iommu_domain *domain,
				       struct device *dev)
{
	struct fastrpc_sim_smmu_domain *sdom = to_fastrpc_sim_smmu_domain(domain);
	struct fastrpc_sim_smmu_master *master = dev_iommu_priv_get(dev);
	struct fastrpc_sim_smmu *smmu = sdom->smmu;
	unsigned long flags;

	if (!master || master->smmu != smmu)
		return -EINVAL;

	spin_lock_irqsave(&smmu->lock, flags);
	smmu->cbs[master->sid] = sdom;
	spin_unlock_irqrestore(&smmu->lock, flags);
	return 0;
}

static int fastrpc_sim_smmu_map_pages(struct iommu_domain *domain,
				      unsigned long iova, phys_addr_t paddr,
				      size_t pgsize, size_t pgcount, int prot,
				      gfp_t gfp, size_t *mapped)
{
	struct fastrpc_sim_smmu_domain *sdom = to_fastrpc_sim_smmu_domain(domain);
	unsigned long n = pgsize * pgcount >> FASTRPC_SIM_SMMU_PAGE_SHIFT;
	unsigned long pfn = iova >> FASTRPC_SIM_SMMU_PAGE_SHIFT;
	unsigned long ppfn = paddr >> FASTRPC_SIM_SMMU_PAGE_SHIFT;
	unsigned long i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		ret = xa_insert(&sdom->pt, pfn + i, xa_mk_value(ppfn + i), gfp);
		if (ret)
			break;
	}

	atomic_long_add(i, &sdom->smmu->npages);
	*mapped = i << FASTRPC_SIM_SMMU_PAGE_SHIFT;
	return ret;
}

static size_t fastrpc_sim_smmu_unmap_pages(struct iommu_domain *domain,
					   unsigned long iova, size_t pgsize,
					   size_t pgcount,
					   struct iommu_iotlb_gather *gather)
{
	struct fastrpc_sim_smmu_domain *sdom = to_fastrpc_sim_smmu_domain(domain);
	struct fastrpc_sim_smmu *smmu = sdom->smmu;
	unsigned long n = pgsize * pgcount >> FASTRPC_SIM_SMMU_PAGE_SHIFT;
	unsigned long pfn = iova >> FASTRPC_SIM_SMMU_PAGE_SHIFT;
	unsigned long i, erased = 0;
	unsigned long flags;

	/* Wait for a DSP access in progress; later ones fault. */
	spin_lock_irqsave(&smmu->lock, flags);
	for (i = 0; i < n; i++)
		if (xa_erase(&sdom->pt, pfn + i))
			erased++;
	spin_unlock_irqrestore(&smmu->lock, flags);

	atomic_long_sub(erased, &smmu->npages);
	return erased ? pgsize * pgcount : 0;
}

static phys_addr_t fastrpc_sim_smmu_iova_to_phys(struct iommu_domain *domain,
						 dma_addr_t iova)
{
	struct fastrpc_sim_smmu_domain *sdom = to_fastrpc_sim_smmu_domain(domain);
	void *entry;

	entry = xa_load(&sdom->pt, iova >> FASTRPC_SIM_SMMU_PAGE_SHIFT);
	if (!entry)
		return 0;

	return ((phys_addr_t)xa_to_value(entry) << FASTRPC_SIM_SMMU_PAGE_SHIFT) |
	       (iova & (FASTRPC_SIM_SMMU_PAGE_SIZE - 1));
}

static void fastrpc_sim_smmu_domain_free(struct iommu_domain *domain)
{
	struct fastrpc_sim_smmu_domain *sdom = to_fastrpc_sim_smmu_domain(domain);
	struct fastrpc_sim_smmu *smmu = sdom->smmu;
	unsigned long flags, index, left = 0;
	void *entry;
	int i;

	spin_lock_irqsave(&smmu->lock, flags);
	for (i = 0; i < FASTRPC_SIM_SMMU_NR_CBS; i++)
		if (smmu->cbs[i] == sdom)
			smmu->cbs[i] = NULL;
	spin_unlock_irqrestore(&smmu->lock, flags);

	xa_for_each(&sdom->pt, index, entry)
		left++;
	atomic_long_sub(left, &smmu->npages);
	xa_destroy(&sdom->pt);
	kfree(sdom);
	atomic_dec(&smmu->ndomains);
}

static const struct iommu_domain_ops fastrpc_sim_smmu_domain_ops = {
	.attach_dev = fastrpc_sim_smmu_attach_dev,
	.map_pages = fastrpc_sim_smmu_map_pages,
	.unmap_pages = fastrpc_sim_smmu_unmap_pages,
	.iova_to_phys = fastrpc_sim_smmu_iova_to_phys,
	.free = fastrpc_sim_smmu_domain_free,
};

/* ---- IOMMU operations ---- */

static struct fastrpc_sim_smmu_domain *
fastrpc_sim_smmu_domain_create(struct fastrpc_sim_smmu *smmu)
{
	struct fastrpc_sim_smmu_domain *sdom;

	sdom = kzalloc(sizeof(*sdom), GFP_KERNEL);
	if (!sdom)
		return NULL;

	sdom->smmu = smmu;
	atomic_inc(&smmu->ndomains);
	xa_init(&sdom->pt);
	/* Context banks have a 32-bit address space, as the DMA mask. */
	sdom->domain.geometry.aperture_start = 0;
	sdom->domain.geometry.aperture_end = U32_MAX;
	sdom->domain.geometry.force_aperture = true;
	return sdom;
}

static struct iommu_domain *fastrpc_sim_smmu_domain_alloc_paging(struct device *dev)
{
	struct fastrpc_sim_smmu_master *master = dev_iommu_priv_get(dev);
	struct fastrpc_sim_smmu_domain *sdom;

	if (!master)
		return ERR_PTR(-ENODEV);

	sdom = fastrpc_sim_smmu_domain_create(master->smmu);
	if (!sdom)
		return ERR_PTR(-ENOMEM);

	return &sdom->domain;
}

static int fastrpc_sim_smmu_of_xlate(struct device *dev,
				     const struct of_phandle_args *args)
{
	u32 sid = args->args[0];

	if (args->args_count != 1 || !sid || sid >= FASTRPC_SIM_SMMU_NR_CBS)
		return -EINVAL;

	return iommu_fwspec_add_ids(dev, &sid, 1);
}

static struct iommu_device *fastrpc_sim_smmu_probe_device(struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct fastrpc_sim_smmu_master *master;
	struct fastrpc_sim_smmu *smmu;

	if (!fwspec || fwspec->num_ids != 1)
		return ERR_PTR(-ENODEV);

	smmu = fastrpc_sim_smmu_find(fwspec->iommu_fwnode);
	if (!smmu)
		return ERR_PTR(-ENODEV);

	master = kzalloc(sizeof(*master), GFP_KERNEL);
	if (!master)
		return ERR_PTR(-ENOMEM);

	master->smmu = smmu;
	master->sid = fwspec->ids[0];
	dev_iommu_priv_set(dev, master);
	return &smmu->iommu;
}

/* The IOMMU core frees dev->iommu, and with it the private pointer. */
static void fastrpc_sim_smmu_release_device(struct device *dev)
{
	kfree(dev_iommu_priv_get(dev));
}

/* Context banks translate, whatever the default of the system is. */
static int fastrpc_sim_smmu_def_domain_type(struct device *dev)
{
	return IOMMU_DOMAIN_DMA;
}

static const struct iommu_ops fastrpc_sim_smmu_ops = {
	.domain_alloc_paging = fastrpc_sim_smmu_domain_alloc_paging,
	.probe_device = fastrpc_sim_smmu_probe_device,
	.release_device = fastrpc_sim_smmu_release_device,
	.device_group = generic_device_group,
	.of_xlate = fastrpc_sim_smmu_of_xlate,
	.def_domain_type = fastrpc_sim_smmu_def_domain_type,
	.default_domain_ops = &fastrpc_sim_smmu_domain_ops,
	.pgsize_bitmap = SZ_4K,
	.owner = THIS_MODULE,
};

/* ---- DSP accesses ---- */

/*
 * fastrpc_sim_smmu_access() - the DSP's view of host memory: every page of
 * the range is translated through the page table of context bank @sid.
 */
static int fastrpc_sim_smmu_access(void *priv, u32 sid, u64 iova, void *buf,
				   size_t len, enum fastrpc_sim_access op)
{
	struct fastrpc_sim_smmu *smmu = priv;
	struct fastrpc_sim_smmu_domain *sdom;
	unsigned long flags;
	size_t done = 0;

	if (!smmu || sid >= FASTRPC_SIM_SMMU_NR_CBS ||
	    iova > U32_MAX || len > U32_MAX - iova + 1)
		return -EFAULT;

	while (done < len) {
		u64 addr = iova + done;
		size_t off = addr & (FASTRPC_SIM_SMMU_PAGE_SIZE - 1);
		size_t n = min_t(size_t, len - done,
				 FASTRPC_SIM_SMMU_PAGE_SIZE - off);
		void *entry = NULL;
		void *va;

		spin_lock_irqsave(&smmu->lock, flags);
		sdom = smmu->cbs[sid];
		if (sdom)
			entry = xa_load(&sdom->pt,
					addr >> FASTRPC_SIM_SMMU_PAGE_SHIFT);
		if (!entry) {
			spin_unlock_irqrestore(&smmu->lock, flags);
			return -EFAULT;
		}

		if (op != FASTRPC_SIM_CHECK) {
			va = kmap_local_page(pfn_to_page(xa_to_value(entry)));
			if (op == FASTRPC_SIM_READ)
				memcpy(buf + done, va + off, n);
			else
				memcpy(va + off, buf + done, n);
			kunmap_local(va);
		}
		spin_unlock_irqrestore(&smmu->lock, flags);

		done += n;
	}

	return 0;
}

const struct fastrpc_sim_mem_ops fastrpc_sim_smmu_mem_ops = {
	.access = fastrpc_sim_smmu_access,
};
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_smmu_mem_ops);

/*
 * fastrpc_sim_direct_access() - the DSP's view of host memory without an
 * SMMU: context banks use dma-direct, so the device address is the physical
 * address, which must be system RAM. The stream id is ignored.
 */
static int fastrpc_sim_direct_access(void *priv, u32 sid, u64 iova,
				     void *buf, size_t len,
				     enum fastrpc_sim_access op)
{
	size_t done = 0;

	if (iova > U32_MAX || len > U32_MAX - iova + 1)
		return -EFAULT;

	while (done < len) {
		u64 addr = iova + done;
		size_t off = addr & (FASTRPC_SIM_SMMU_PAGE_SIZE - 1);
		size_t n = min_t(size_t, len - done,
				 FASTRPC_SIM_SMMU_PAGE_SIZE - off);
		unsigned long pfn = PHYS_PFN(addr);
		void *va;

		if (!pfn_valid(pfn) ||
		    region_intersects(addr, n, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_INTERSECTS)
			return -EFAULT;

		if (op != FASTRPC_SIM_CHECK) {
			va = kmap_local_page(pfn_to_page(pfn));
			if (op == FASTRPC_SIM_READ)
				memcpy(buf + done, va + offset_in_page(addr), n);
			else
				memcpy(va + offset_in_page(addr), buf + done, n);
			kunmap_local(va);
		}

		done += n;
	}

	return 0;
}

const struct fastrpc_sim_mem_ops fastrpc_sim_direct_mem_ops = {
	.access = fastrpc_sim_direct_access,
};

/* ---- debugfs ---- */

/**
 * fastrpc_sim_smmu_pages() - pages mapped in the context banks of an SMMU
 * @smmu: the SMMU
 *
 * Return: the number of 4 KiB pages mapped in all its domains.
 */
u64 fastrpc_sim_smmu_pages(struct fastrpc_sim_smmu *smmu)
{
	return atomic_long_read(&smmu->npages);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_smmu_pages);

/**
 * fastrpc_sim_smmu_show() - list the mapped IOVA ranges of each context bank
 * @smmu: the SMMU
 * @s: where to print "<sid> <iova> <len>" lines, adjacent pages merged
 */
void fastrpc_sim_smmu_show(struct fastrpc_sim_smmu *smmu, struct seq_file *s)
{
	struct fastrpc_sim_smmu_domain *sdom;
	unsigned long flags, index;
	void *entry;
	u32 sid;

	spin_lock_irqsave(&smmu->lock, flags);
	for (sid = 0; sid < FASTRPC_SIM_SMMU_NR_CBS; sid++) {
		unsigned long start = 0, next = 0;

		sdom = smmu->cbs[sid];
		if (!sdom)
			continue;

		xa_for_each(&sdom->pt, index, entry) {
			if (next && index == next) {
				next++;
				continue;
			}
			if (next)
				seq_printf(s, "%u %#lx %#lx\n", sid,
					   start << FASTRPC_SIM_SMMU_PAGE_SHIFT,
					   (next - start) <<
					   FASTRPC_SIM_SMMU_PAGE_SHIFT);
			start = index;
			next = index + 1;
		}
		if (next)
			seq_printf(s, "%u %#lx %#lx\n", sid,
				   start << FASTRPC_SIM_SMMU_PAGE_SHIFT,
				   (next - start) << FASTRPC_SIM_SMMU_PAGE_SHIFT);
	}
	spin_unlock_irqrestore(&smmu->lock, flags);
}

/* ---- life cycle ---- */

/**
 * fastrpc_sim_smmu_alloc() - allocate an SMMU that is not registered
 * @name: name, used in logs
 *
 * Return: the SMMU, or NULL.
 */
struct fastrpc_sim_smmu *fastrpc_sim_smmu_alloc(const char *name)
{
	struct fastrpc_sim_smmu *smmu;

	smmu = kzalloc(sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return NULL;

	spin_lock_init(&smmu->lock);
	INIT_LIST_HEAD(&smmu->node);
	strscpy(smmu->name, name);
	return smmu;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_smmu_alloc);

/**
 * fastrpc_sim_smmu_free() - free an SMMU that is not registered
 * @smmu: the SMMU, with no domain left
 */
void fastrpc_sim_smmu_free(struct fastrpc_sim_smmu *smmu)
{
	kfree(smmu);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_smmu_free);

/**
 * fastrpc_sim_smmu_test_domain() - a domain attached to a context bank,
 * without a device
 * @smmu: an SMMU from fastrpc_sim_smmu_alloc()
 * @sid: the context bank
 *
 * For tests: the domain works with iommu_map(), iommu_unmap() and
 * iommu_iova_to_phys(), and is freed with iommu_domain_free().
 *
 * Return: the domain, or NULL.
 */
struct iommu_domain *
fastrpc_sim_smmu_test_domain(struct fastrpc_sim_smmu *smmu, u32 sid)
{
	struct fastrpc_sim_smmu_domain *sdom;
	unsigned long flags;

	if (!sid || sid >= FASTRPC_SIM_SMMU_NR_CBS)
		return NULL;

	sdom = fastrpc_sim_smmu_domain_create(smmu);
	if (!sdom)
		return NULL;

	sdom->domain.type = IOMMU_DOMAIN_UNMANAGED;
	sdom->domain.ops = &fastrpc_sim_smmu_domain_ops;
	sdom->domain.pgsize_bitmap = fastrpc_sim_smmu_ops.pgsize_bitmap;

	spin_lock_irqsave(&smmu->lock, flags);
	smmu->cbs[sid] = sdom;
	spin_unlock_irqrestore(&smmu->lock, flags);
	return &sdom->domain;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_smmu_test_domain);

/**
 * fastrpc_sim_smmu_create() - create and register the SMMU of an instance
 * @name: instance name
 * @parent: parent of the SMMU's device
 * @np: DT node of the SMMU, with #iommu-cells = <1>
 * @id: instance number
 *
 * Must be called before any device that references @np is probed.
 *
 * Return: the SMMU, or an ERR_PTR().
 */
struct fastrpc_sim_smmu *fastrpc_sim_smmu_create(const char *name,
						 struct device *parent,
						 struct device_node *np,
						 int id)
{
	struct platform_device_info info = {
		.parent = parent,
		.fwnode = of_fwnode_handle(np),
		.name = "fastrpc_sim_smmu",
		.id = id,
	};
	struct fastrpc_sim_smmu *smmu;
	int ret;

	smmu = fastrpc_sim_smmu_alloc(name);
	if (!smmu)
		return ERR_PTR(-ENOMEM);

	/* No driver matches it: it only carries the fwnode. */
	smmu->pdev = platform_device_register_full(&info);
	if (IS_ERR(smmu->pdev)) {
		ret = PTR_ERR(smmu->pdev);
		goto err_free_smmu;
	}

	ret = iommu_device_sysfs_add(&smmu->iommu, &smmu->pdev->dev, NULL,
				     "%s", dev_name(&smmu->pdev->dev));
	if (ret)
		goto err_unregister_pdev;

	/* Visible to fastrpc_sim_smmu_find() before devices are probed. */
	smmu->iommu.fwnode = of_fwnode_handle(np);
	spin_lock(&fastrpc_sim_smmus_lock);
	list_add_tail(&smmu->node, &fastrpc_sim_smmus);
	spin_unlock(&fastrpc_sim_smmus_lock);

	ret = iommu_device_register(&smmu->iommu, &fastrpc_sim_smmu_ops,
				    &smmu->pdev->dev);
	if (ret)
		goto err_remove_sysfs;

	return smmu;

err_remove_sysfs:
	spin_lock(&fastrpc_sim_smmus_lock);
	list_del(&smmu->node);
	spin_unlock(&fastrpc_sim_smmus_lock);
	iommu_device_sysfs_remove(&smmu->iommu);
err_unregister_pdev:
	platform_device_unregister(smmu->pdev);
err_free_smmu:
	fastrpc_sim_smmu_free(smmu);
	return ERR_PTR(ret);
}

/**
 * fastrpc_sim_smmu_destroy() - unregister and free the SMMU of an instance
 * @smmu: the SMMU
 *
 * The devices behind it should be gone already; any left are taken out of
 * their groups, which frees their domains.
 */
void fastrpc_sim_smmu_destroy(struct fastrpc_sim_smmu *smmu)
{
	iommu_device_unregister(&smmu->iommu);
	spin_lock(&fastrpc_sim_smmus_lock);
	list_del(&smmu->node);
	spin_unlock(&fastrpc_sim_smmus_lock);
	iommu_device_sysfs_remove(&smmu->iommu);
	platform_device_unregister(smmu->pdev);

	/* A domain still held elsewhere points to the SMMU: leak it. */
	if (WARN(atomic_read(&smmu->ndomains),
		 "%s: SMMU removed with %d domains left\n", smmu->name,
		 atomic_read(&smmu->ndomains)))
		return;
	fastrpc_sim_smmu_free(smmu);
}
