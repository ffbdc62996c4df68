// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP for the FastRPC drivers.
 *
 * Each live instance is a device-tree node built at run time, as a Qualcomm
 * DT describes a FastRPC channel, and an rpmsg device with that node whose
 * endpoint hands the host's messages to the simulated DSP. The FastRPC
 * drivers bind to it by OF compatible, as they do on hardware.
 */

#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/idr.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/rpmsg.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rpmsg_internal.h"

#include "fastrpc_sim.h"

#define FASTRPC_SIM_CHANNEL	"fastrpcglink-apps-dsp"
#define FASTRPC_SIM_MTU		512
/* Phandles of the SMMU nodes are taken from here upwards. */
#define FASTRPC_SIM_PHANDLE_BASE	0x46520000
#define FASTRPC_SIM_PHANDLE_TRIES	256
/* Offset of the reserved region's phandle from the instance's */
#define FASTRPC_SIM_PHANDLE_REGION	0x8000

/**
 * struct fastrpc_sim_rpdev - the rpmsg device of a live instance
 * @rpdev: the rpmsg device
 * @dsp: the DSP behind it
 * @ept: its endpoint, as glink embeds the one endpoint of a channel in the
 *       channel: it lives as long as the device, so that destroying it
 *       twice (a driver that destroys the core's default endpoint and
 *       leaves rpdev->ept set) is harmless
 */
struct fastrpc_sim_rpdev {
	struct rpmsg_device rpdev;
	struct fastrpc_sim_dsp *dsp;
	struct rpmsg_endpoint ept;
};

struct dentry *fastrpc_sim_debugfs_root;

/* Container of the instance nodes: /fastrpc-sim */
static struct of_changeset fastrpc_sim_root_ocs;
static struct device_node *fastrpc_sim_root_np;
static struct platform_device *fastrpc_sim_pdev;

static inline struct fastrpc_sim_rpdev *
to_fastrpc_sim_rpdev(struct rpmsg_device *rpdev)
{
	return container_of(rpdev, struct fastrpc_sim_rpdev, rpdev);
}

static inline struct fastrpc_sim_rpdev *
fastrpc_sim_ept_rpdev(struct rpmsg_endpoint *ept)
{
	return container_of(ept, struct fastrpc_sim_rpdev, ept);
}

/*
 * After this, no callback runs on @ept: the DSP calls them under its
 * recv_lock, which clearing the endpoint takes.
 */
static void fastrpc_sim_destroy_ept(struct rpmsg_endpoint *ept)
{
	fastrpc_sim_dsp_clear_ept(fastrpc_sim_ept_rpdev(ept)->dsp, ept);
}

static int fastrpc_sim_send(struct rpmsg_endpoint *ept, void *data, int len)
{
	return fastrpc_sim_dsp_queue(fastrpc_sim_ept_rpdev(ept)->dsp, data,
				     len);
}

static int fastrpc_sim_sendto(struct rpmsg_endpoint *ept, void *data, int len,
			      u32 dst)
{
	return fastrpc_sim_send(ept, data, len);
}

static ssize_t fastrpc_sim_get_mtu(struct rpmsg_endpoint *ept)
{
	return FASTRPC_SIM_MTU;
}

static const struct rpmsg_endpoint_ops fastrpc_sim_ept_ops = {
	.destroy_ept = fastrpc_sim_destroy_ept,
	.send = fastrpc_sim_send,
	.sendto = fastrpc_sim_sendto,
	.trysend = fastrpc_sim_send,
	.trysendto = fastrpc_sim_sendto,
	.get_mtu = fastrpc_sim_get_mtu,
};

/*
 * The channel has one endpoint: the default endpoint the rpmsg core
 * creates for a driver with a callback, or the one a driver creates with
 * rpmsg_create_ept(), not both at once. Like glink, this sets the fields an
 * endpoint user reads and nothing else of the rpmsg core's.
 */
static struct rpmsg_endpoint *
fastrpc_sim_create_ept(struct rpmsg_device *rpdev, rpmsg_rx_cb_t cb,
		       void *priv, struct rpmsg_channel_info chinfo)
{
	struct fastrpc_sim_rpdev *srpdev = to_fastrpc_sim_rpdev(rpdev);
	struct rpmsg_endpoint *ept = &srpdev->ept;

	/* The same for every use of the endpoint */
	ept->rpdev = rpdev;
	ept->ops = &fastrpc_sim_ept_ops;

	if (fastrpc_sim_dsp_set_ept(srpdev->dsp, ept, cb, priv))
		return NULL;

	return ept;
}

static const struct rpmsg_device_ops fastrpc_sim_rpdev_ops = {
	.create_ept = fastrpc_sim_create_ept,
};

static void fastrpc_sim_rpdev_release(struct device *dev)
{
	struct rpmsg_device *rpdev = to_rpmsg_device(dev);

	of_node_put(dev->of_node);
	kfree(to_fastrpc_sim_rpdev(rpdev));
}

/* A phandle no node of the live tree has */
static int fastrpc_sim_of_phandle(struct fastrpc_sim_dev *sdev, u32 *phandle)
{
	struct device_node *np;
	u32 i;

	for (i = 0; i < FASTRPC_SIM_PHANDLE_TRIES; i++) {
		*phandle = FASTRPC_SIM_PHANDLE_BASE + sdev->id +
			   i * (FASTRPC_SIM_PHANDLE_TRIES << 8);
		np = of_find_node_by_phandle(*phandle);
		if (!np)
			return 0;
		of_node_put(np);
	}

	return -EBUSY;
}

/* /fastrpc-sim/smmu-<name>: the SMMU the context banks reference */
static struct device_node *
fastrpc_sim_of_build_smmu_locked(struct fastrpc_sim_dev *sdev, u32 phandle)
{
	const char *name = config_item_name(&sdev->group.cg_item);
	struct of_changeset *ocs = &sdev->ocs;
	struct device_node *np;
	char *full_name;
	int ret;

	lockdep_assert_held(&sdev->lock);

	full_name = kasprintf(GFP_KERNEL, "smmu-%s", name);
	if (!full_name)
		return ERR_PTR(-ENOMEM);
	np = of_changeset_create_node(ocs, fastrpc_sim_root_np, full_name);
	kfree(full_name);
	if (!np)
		return ERR_PTR(-ENOMEM);

	ret = of_changeset_add_prop_u32(ocs, np, "#iommu-cells", 1);
	if (!ret)
		ret = of_changeset_add_prop_u32(ocs, np, "phandle", phandle);
	if (ret) {
		of_node_put(np);
		return ERR_PTR(ret);
	}

	return np;
}

/*
 * /fastrpc-sim/heap-<name>@<addr>: the reserved region of the channel, as a
 * reserved-memory child with a static "reg" (one cell each, as the root's
 * defaults: the region lies below 4 GiB).
 */
static struct device_node *
fastrpc_sim_of_build_region_locked(struct fastrpc_sim_dev *sdev, u32 phandle)
{
	const char *name = config_item_name(&sdev->group.cg_item);
	phys_addr_t phys = virt_to_phys(sdev->region);
	u64 size = (u64)sdev->heap_kib * SZ_1K;
	struct of_changeset *ocs = &sdev->ocs;
	struct device_node *np;
	char *full_name;
	u32 reg[2];
	int ret;

	lockdep_assert_held(&sdev->lock);

	if (phys + size > (u64)U32_MAX + 1)
		return ERR_PTR(-ERANGE);
	reg[0] = phys;
	reg[1] = size;

	full_name = kasprintf(GFP_KERNEL, "heap-%s@%x", name, reg[0]);
	if (!full_name)
		return ERR_PTR(-ENOMEM);
	np = of_changeset_create_node(ocs, fastrpc_sim_root_np, full_name);
	kfree(full_name);
	if (!np)
		return ERR_PTR(-ENOMEM);

	ret = of_changeset_add_prop_u32_array(ocs, np, "reg", reg,
					      ARRAY_SIZE(reg));
	if (!ret)
		ret = of_changeset_add_prop_bool(ocs, np, "no-map");
	if (!ret)
		ret = of_changeset_add_prop_u32(ocs, np, "phandle", phandle);
	if (ret) {
		of_node_put(np);
		return ERR_PTR(ret);
	}
	return np;
}

/* "memory-region" and "qcom,vmids" of the channel node */
static int fastrpc_sim_of_add_region_props(struct fastrpc_sim_dev *sdev,
					   struct device_node *np, u32 phandle)
{
	int ret;

	ret = of_changeset_add_prop_u32(&sdev->ocs, np, "memory-region",
					phandle);
	if (!ret && sdev->vmid)
		ret = of_changeset_add_prop_u32(&sdev->ocs, np, "qcom,vmids",
						sdev->vmid);
	return ret;
}

static int fastrpc_sim_of_build_locked(struct fastrpc_sim_dev *sdev)
{
	const char *name = config_item_name(&sdev->group.cg_item);
	struct of_changeset *ocs = &sdev->ocs;
	struct device_node *np, *cb, *smmu_np, *region_np = NULL;
	u32 phandle, region_ph, i;
	char *full_name;
	int ret;

	lockdep_assert_held(&sdev->lock);

	ret = fastrpc_sim_of_phandle(sdev, &phandle);
	if (ret)
		return ret;
	region_ph = phandle + FASTRPC_SIM_PHANDLE_REGION;
	np = of_find_node_by_phandle(region_ph);
	if (np) {
		of_node_put(np);
		return -EBUSY;
	}

	of_changeset_init(ocs);

	if (sdev->region) {
		region_np = fastrpc_sim_of_build_region_locked(sdev, region_ph);
		if (IS_ERR(region_np)) {
			ret = PTR_ERR(region_np);
			region_np = NULL;
			goto err_destroy_ocs;
		}
	}

	if (sdev->smmu_enabled) {
		smmu_np = fastrpc_sim_of_build_smmu_locked(sdev, phandle);
		if (IS_ERR(smmu_np)) {
			ret = PTR_ERR(smmu_np);
			goto err_destroy_ocs;
		}
	} else {
		smmu_np = NULL;
	}

	full_name = kasprintf(GFP_KERNEL, "fastrpc-sim-%s", name);
	if (!full_name) {
		ret = -ENOMEM;
		goto err_put_smmu_np;
	}
	np = of_changeset_create_node(ocs, fastrpc_sim_root_np, full_name);
	kfree(full_name);
	if (!np) {
		ret = -ENOMEM;
		goto err_put_smmu_np;
	}

	ret = of_changeset_add_prop_string(ocs, np, "compatible",
					   "qcom,fastrpc");
	if (!ret)
		ret = of_changeset_add_prop_string(ocs, np, "label",
						   sdev->label);
	if (!ret && !sdev->secure)
		ret = of_changeset_add_prop_bool(ocs, np,
						 "qcom,non-secure-domain");
	if (!ret)
		ret = of_changeset_add_prop_u32(ocs, np, "#address-cells", 1);
	if (!ret)
		ret = of_changeset_add_prop_u32(ocs, np, "#size-cells", 0);
	if (!ret && region_np)
		ret = fastrpc_sim_of_add_region_props(sdev, np, region_ph);
	if (ret)
		goto err_put_np;

	for (i = 1; i <= sdev->sessions; i++) {
		char cb_name[sizeof("compute-cb@4294967295")];
		u32 iommus[2] = { phandle, i };	/* stream id = reg */

		snprintf(cb_name, sizeof(cb_name), "compute-cb@%u", i);
		cb = of_changeset_create_node(ocs, np, cb_name);
		if (!cb) {
			ret = -ENOMEM;
			goto err_put_np;
		}

		ret = of_changeset_add_prop_string(ocs, cb, "compatible",
						   "qcom,fastrpc-compute-cb");
		if (!ret)
			ret = of_changeset_add_prop_u32(ocs, cb, "reg", i);
		if (!ret && smmu_np)
			ret = of_changeset_add_prop_u32_array(ocs, cb, "iommus",
							      iommus,
							      ARRAY_SIZE(iommus));
		if (!ret && sdev->nsessions > 1)
			ret = of_changeset_add_prop_u32(ocs, cb,
							"qcom,nsessions",
							sdev->nsessions);
		/*
		 * The nodes the drivers' context-bank devices are made from,
		 * and so the ones of_dma_configure() reads when they probe.
		 */
		if (!ret && sdev->coherent)
			ret = of_changeset_add_prop_bool(ocs, cb,
							 "dma-coherent");
		/* The changeset holds its own reference. */
		of_node_put(cb);
		if (ret)
			goto err_put_np;
	}

	ret = of_changeset_apply(ocs);
	if (ret)
		goto err_put_np;

	/*
	 * A changeset attaches a node before it adds its properties, so
	 * attaching did not take the phandle from the "phandle" property.
	 * Nothing can look the phandle up before it is set here.
	 */
	if (smmu_np)
		smmu_np->phandle = phandle;
	if (region_np)
		region_np->phandle = region_ph;

	sdev->np = np;
	sdev->smmu_np = smmu_np;
	sdev->region_np = region_np;
	return 0;

err_put_np:
	of_node_put(np);
err_put_smmu_np:
	of_node_put(smmu_np);
err_destroy_ocs:
	of_node_put(region_np);
	of_changeset_destroy(ocs);
	return ret;
}

static void fastrpc_sim_of_remove_locked(struct fastrpc_sim_dev *sdev)
{
	lockdep_assert_held(&sdev->lock);

	of_changeset_revert(&sdev->ocs);
	of_changeset_destroy(&sdev->ocs);
	of_node_put(sdev->np);
	sdev->np = NULL;
	of_node_put(sdev->smmu_np);
	sdev->smmu_np = NULL;
	of_node_put(sdev->region_np);
	sdev->region_np = NULL;
}

/* The memory of the channel's reserved region, and what the DSP knows of it */
static int fastrpc_sim_region_alloc_locked(struct fastrpc_sim_dev *sdev)
{
	struct fastrpc_sim_dsp *dsp = sdev->dsp;
	size_t size = (size_t)sdev->heap_kib * SZ_1K;

	lockdep_assert_held(&sdev->lock);

	if (!sdev->heap_kib)
		return 0;
	if (!PAGE_ALIGNED(size))
		return -EINVAL;
	sdev->region = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO |
					 __GFP_NOWARN);
	if (!sdev->region)
		return -ENOMEM;

	/* The DSP is stopped: nothing reads these now */
	dsp->region_phys = virt_to_phys(sdev->region);
	dsp->region_size = size;
	dsp->region_vmids = sdev->vmid;
	return 0;
}

static void fastrpc_sim_region_free_locked(struct fastrpc_sim_dev *sdev)
{
	struct fastrpc_sim_dsp *dsp = sdev->dsp;

	lockdep_assert_held(&sdev->lock);

	if (!sdev->region)
		return;
	dsp->region_phys = 0;
	dsp->region_size = 0;
	dsp->region_vmids = false;
	free_pages_exact(sdev->region, (size_t)sdev->heap_kib * SZ_1K);
	sdev->region = NULL;
}

/**
 * fastrpc_sim_channel_add() - register the rpmsg device of an instance
 * @sdev: the live instance, whose DSP runs
 * @parent: parent of the rpmsg device: the remote processor's device
 *
 * Called when the remote processor starts, as a glink edge registers its
 * channels; the remoteproc core serialises it with
 * fastrpc_sim_channel_remove(). The FastRPC driver may bind right away.
 *
 * Return: 0 or a negative error code.
 */
int fastrpc_sim_channel_add(struct fastrpc_sim_dev *sdev,
			    struct device *parent)
{
	struct fastrpc_sim_rpdev *srpdev;
	struct rpmsg_device *rpdev;
	int ret;

	srpdev = kzalloc(sizeof(*srpdev), GFP_KERNEL);
	if (!srpdev)
		return -ENOMEM;

	srpdev->dsp = sdev->dsp;
	rpdev = &srpdev->rpdev;
	strscpy(rpdev->id.name, FASTRPC_SIM_CHANNEL, sizeof(rpdev->id.name));
	rpdev->src = RPMSG_ADDR_ANY;
	rpdev->dst = sdev->id;
	rpdev->ops = &fastrpc_sim_rpdev_ops;
	rpdev->dev.parent = parent;
	rpdev->dev.of_node = of_node_get(sdev->np);	/* put in release */
	rpdev->dev.release = fastrpc_sim_rpdev_release;

	/* On failure this drops the last reference, which frees @srpdev. */
	ret = rpmsg_register_device(rpdev);
	if (ret)
		return ret;

	sdev->rpdev = rpdev;
	return 0;
}

/**
 * fastrpc_sim_channel_remove() - unregister the rpmsg device of an instance
 * @sdev: the instance
 *
 * Called when the remote processor stops or crashes. Unbinds the driver,
 * which destroys its endpoint and removes its context-bank devices, whose
 * domains go with them.
 */
void fastrpc_sim_channel_remove(struct fastrpc_sim_dev *sdev)
{
	device_unregister(&sdev->rpdev->dev);
	sdev->rpdev = NULL;
}

/**
 * fastrpc_sim_dev_activate_locked() - make an instance live
 * @sdev: the instance
 *
 * Builds the DT nodes of the SMMU and the channel, registers the SMMU,
 * then registers the instance's remote processor and boots it: its start
 * runs the DSP and registers the rpmsg device, whose probe may bind a
 * FastRPC driver right away. The driver's context-bank devices find the
 * SMMU registered when they are probed.
 *
 * Return: 0 or a negative error code.
 */
int fastrpc_sim_dev_activate_locked(struct fastrpc_sim_dev *sdev)
{
	struct fastrpc_sim_smmu *smmu;
	int ret;

	lockdep_assert_held(&sdev->lock);

	ret = fastrpc_sim_region_alloc_locked(sdev);
	if (ret)
		return ret;

	ret = fastrpc_sim_of_build_locked(sdev);
	if (ret)
		goto err_free_region;

	/* The DSP is stopped: nothing translates addresses now. */
	if (sdev->smmu_enabled) {
		smmu = fastrpc_sim_smmu_create(config_item_name(&sdev->group.cg_item),
					       &fastrpc_sim_pdev->dev,
					       sdev->smmu_np, sdev->id);
		if (IS_ERR(smmu)) {
			ret = PTR_ERR(smmu);
			goto err_remove_of;
		}
		sdev->smmu = smmu;
		sdev->dsp->mem_ops = &fastrpc_sim_smmu_mem_ops;
		sdev->dsp->mem_priv = smmu;
	} else {
		sdev->dsp->mem_ops = &fastrpc_sim_direct_mem_ops;
		sdev->dsp->mem_priv = NULL;
	}

	ret = fastrpc_sim_rproc_add(sdev, &fastrpc_sim_pdev->dev);
	if (ret)
		goto err_destroy_smmu;

	sdev->live = true;
	return 0;

err_destroy_smmu:
	sdev->dsp->mem_priv = NULL;
	if (sdev->smmu)
		fastrpc_sim_smmu_destroy(sdev->smmu);
	sdev->smmu = NULL;
err_remove_of:
	fastrpc_sim_of_remove_locked(sdev);
err_free_region:
	fastrpc_sim_region_free_locked(sdev);
	return ret;
}

/**
 * fastrpc_sim_dev_deactivate_locked() - take an instance down
 * @sdev: the live instance
 *
 * Shuts the remote processor down and unregisters it: the rpmsg device
 * goes away, outstanding requests are never answered and all PDs are
 * lost. Then the SMMU and the DT nodes go.
 */
void fastrpc_sim_dev_deactivate_locked(struct fastrpc_sim_dev *sdev)
{
	lockdep_assert_held(&sdev->lock);

	fastrpc_sim_rproc_del(sdev);
	sdev->dsp->mem_priv = NULL;
	if (sdev->smmu)
		fastrpc_sim_smmu_destroy(sdev->smmu);
	sdev->smmu = NULL;
	fastrpc_sim_of_remove_locked(sdev);
	fastrpc_sim_region_free_locked(sdev);
	sdev->live = false;
}

/**
 * fastrpc_sim_dev_crash() - crash the DSP of an instance
 * @sdev: the instance
 *
 * Reports a fatal error of the DSP to the remoteproc core, which restarts
 * it if its recovery is enabled. Does nothing if the instance is not live.
 * Takes @sdev->lock.
 */
void fastrpc_sim_dev_crash(struct fastrpc_sim_dev *sdev)
{
	guard(mutex)(&sdev->lock);
	if (sdev->live)
		fastrpc_sim_rproc_crash(sdev);
}

static int __init fastrpc_sim_of_root_init(void)
{
	struct device_node *root, *np;
	int ret;

	root = of_find_node_by_path("/");
	if (!root)
		return -ENODEV;

	of_changeset_init(&fastrpc_sim_root_ocs);
	np = of_changeset_create_node(&fastrpc_sim_root_ocs, root,
				      "fastrpc-sim");
	if (!np) {
		ret = -ENOMEM;
		goto err_destroy_ocs;
	}
	/* The reserved regions' "reg" translate 1:1 to physical addresses */
	ret = of_changeset_add_prop_u32(&fastrpc_sim_root_ocs, np,
					"#address-cells", 1);
	if (!ret)
		ret = of_changeset_add_prop_u32(&fastrpc_sim_root_ocs, np,
						"#size-cells", 1);
	if (!ret)
		ret = of_changeset_add_prop_bool(&fastrpc_sim_root_ocs, np,
						 "ranges");
	if (ret)
		goto err_put_np;

	ret = of_changeset_apply(&fastrpc_sim_root_ocs);
	if (ret)
		goto err_put_np;

	of_node_put(root);
	fastrpc_sim_root_np = np;
	return 0;

err_put_np:
	of_node_put(np);
err_destroy_ocs:
	of_changeset_destroy(&fastrpc_sim_root_ocs);
	of_node_put(root);
	return ret;
}

static void fastrpc_sim_of_root_exit(void)
{
	of_changeset_revert(&fastrpc_sim_root_ocs);
	of_changeset_destroy(&fastrpc_sim_root_ocs);
	of_node_put(fastrpc_sim_root_np);
}

static int __init fastrpc_sim_init(void)
{
	int ret;

	ret = fastrpc_sim_of_root_init();
	if (ret)
		return ret;

	fastrpc_sim_pdev = platform_device_register_simple("fastrpc_sim",
							   PLATFORM_DEVID_NONE,
							   NULL, 0);
	if (IS_ERR(fastrpc_sim_pdev)) {
		ret = PTR_ERR(fastrpc_sim_pdev);
		goto err_remove_of_root;
	}

	fastrpc_sim_debugfs_root = debugfs_create_dir("fastrpc_sim", NULL);

	ret = fastrpc_sim_configfs_init();
	if (ret)
		goto err_remove_debugfs;

	return 0;

err_remove_debugfs:
	debugfs_remove_recursive(fastrpc_sim_debugfs_root);
	platform_device_unregister(fastrpc_sim_pdev);
err_remove_of_root:
	fastrpc_sim_of_root_exit();
	return ret;
}
module_init(fastrpc_sim_init);

static void __exit fastrpc_sim_exit(void)
{
	/* configfs holds a module reference per instance: none is left. */
	fastrpc_sim_configfs_exit();
	debugfs_remove_recursive(fastrpc_sim_debugfs_root);
	platform_device_unregister(fastrpc_sim_pdev);
	fastrpc_sim_of_root_exit();
}
module_exit(fastrpc_sim_exit);

MODULE_DESCRIPTION("Simulated Qualcomm Hexagon DSP for the FastRPC drivers");
MODULE_LICENSE("GPL");
