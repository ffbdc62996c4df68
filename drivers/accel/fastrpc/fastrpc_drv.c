// SPDX-License-Identifier: GPL-2.0-only
/*
 * One accel device per DSP domain, created at the first channel probe and
 * kept until module unload so it survives subsystem restarts: channels
 * attach and detach, switching it online and offline.
 */

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/rpmsg.h>
#include <linux/string.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_drv.h"
#include "fastrpc_trace.h"

static const char * const fastrpc_domain_labels[FASTRPC_NUM_DOMAINS] = {
	[DRM_FASTRPC_DOMAIN_ADSP] = "adsp",
	[DRM_FASTRPC_DOMAIN_MDSP] = "mdsp",
	[DRM_FASTRPC_DOMAIN_SDSP] = "sdsp",
	[DRM_FASTRPC_DOMAIN_CDSP] = "cdsp",
	[DRM_FASTRPC_DOMAIN_CDSP1] = "cdsp1",
	[DRM_FASTRPC_DOMAIN_GDSP0] = "gdsp0",
	[DRM_FASTRPC_DOMAIN_GDSP1] = "gdsp1",
};

static DEFINE_MUTEX(fastrpc_devices_lock); /* protects fastrpc_devices */
static struct fastrpc_device *fastrpc_devices[FASTRPC_NUM_DOMAINS];

/*
 * The parent of a domain's DRM devices must outlive its rpmsg device, which
 * every DSP restart removes. The remote processor's device survives, but
 * its driver removes it without telling us, and it cannot carry our DMA
 * parameters; 6.12 has no faux device (6.14), so a root device it is.
 * PRIME imports attach to it. It never does DMA, but an exporter may map
 * its dma-buf at attach time, so accept any address and size.
 */
static struct device *fastrpc_root_register(const char *label,
					    const char *suffix)
{
	struct device *root;
	char name[48];
	int ret;

	snprintf(name, sizeof(name), "fastrpc-%s%s", label, suffix);
	root = root_device_register(name);
	if (IS_ERR(root))
		return root;
	root->dma_parms = devm_kzalloc(root, sizeof(*root->dma_parms),
				       GFP_KERNEL);
	if (!root->dma_parms)
		ret = -ENOMEM;
	else
		ret = dma_coerce_mask_and_coherent(root, DMA_BIT_MASK(64));
	if (ret) {
		root_device_unregister(root);
		return ERR_PTR(ret);
	}
	dma_set_max_seg_size(root, UINT_MAX);
	return root;
}

/* For __free(): nothing to undo after an error or no_free_ptr() */
static void fastrpc_root_unregister(struct device *root)
{
	if (!IS_ERR_OR_NULL(root))
		root_device_unregister(root);
}

DEFINE_FREE(fastrpc_root, struct device *, fastrpc_root_unregister(_T))

static void fastrpc_device_fini_clients(struct drm_device *drm, void *arg)
{
	struct fastrpc_device *fdev = arg;

	xa_destroy(&fdev->clients);
}

static void fastrpc_device_put_drm(struct drm_device *drm, void *arg)
{
	drm_dev_put(arg);
}

/*
 * The privileged node has its own root device so udev can tell the two
 * nodes apart. It holds a reference to the ordinary one, which owns @fdev.
 */
static struct fastrpc_device *fastrpc_device_create(u32 domain_id)
{
	const char *label = fastrpc_domain_labels[domain_id];
	struct device *root __free(fastrpc_root) =
		fastrpc_root_register(label, "");
	struct device *priv_root __free(fastrpc_root) =
		fastrpc_root_register(label, "-privileged");
	struct fastrpc_priv_drm *priv;
	struct fastrpc_device *fdev;
	int ret;

	if (IS_ERR(root))
		return ERR_CAST(root);
	if (IS_ERR(priv_root))
		return ERR_CAST(priv_root);

	fdev = devm_drm_dev_alloc(root, &fastrpc_drm_driver,
				  struct fastrpc_device, drm);
	if (IS_ERR(fdev))
		return fdev;
	dev_set_drvdata(root, fdev);
	dev_set_drvdata(priv_root, fdev);

	fdev->domain_id = domain_id;
	fdev->label = label;
	xa_init_flags(&fdev->clients, XA_FLAGS_ALLOC1);
	ret = drmm_add_action_or_reset(&fdev->drm, fastrpc_device_fini_clients,
				       fdev);
	if (ret)
		return ERR_PTR(ret);
	ret = drmm_mutex_init(&fdev->drm, &fdev->lock);
	if (ret)
		return ERR_PTR(ret);

	priv = devm_drm_dev_alloc(priv_root, &fastrpc_drm_driver,
				  struct fastrpc_priv_drm, drm);
	if (IS_ERR(priv))
		return ERR_CAST(priv);
	drm_dev_get(&fdev->drm);
	ret = drmm_add_action_or_reset(&priv->drm, fastrpc_device_put_drm,
				       &fdev->drm);
	if (ret)
		return ERR_PTR(ret);

	fastrpc_debugfs_init(fdev);

	ret = drm_dev_register(&fdev->drm, 0);
	if (ret)
		return ERR_PTR(ret);
	ret = drm_dev_register(&priv->drm, 0);
	if (ret) {
		drm_dev_unplug(&fdev->drm);
		return ERR_PTR(ret);
	}

	fdev->priv = priv;
	fdev->root = no_free_ptr(root);
	fdev->priv_root = no_free_ptr(priv_root);
	return fdev;
}

static struct fastrpc_device *fastrpc_device_get_or_create(u32 domain_id)
{
	struct fastrpc_device *fdev;

	guard(mutex)(&fastrpc_devices_lock);
	fdev = fastrpc_devices[domain_id];
	if (!fdev) {
		fdev = fastrpc_device_create(domain_id);
		if (!IS_ERR(fdev))
			fastrpc_devices[domain_id] = fdev;
	}
	return fdev;
}

static int fastrpc_device_attach(struct fastrpc_device *fdev,
				 struct fastrpc_channel *channel)
{
	guard(mutex)(&fdev->lock);
	if (fdev->channel)
		return -EBUSY;
	/* Put in fastrpc_device_detach() */
	fdev->channel = fastrpc_channel_get(channel);
	fdev->secure = channel->secure;
	return 0;
}

static void fastrpc_device_detach(struct fastrpc_device *fdev,
				  struct fastrpc_channel *channel)
{
	scoped_guard(mutex, &fdev->lock) {
		if (fdev->channel != channel)
			return;
		fdev->channel = NULL;
	}
	fastrpc_channel_put(channel);
}

/* May run in hard IRQ context (glink): never sleeps */
static int fastrpc_rpmsg_callback(struct rpmsg_device *rpdev, void *data,
				  int len, void *priv, u32 addr)
{
	if (len >= 0)
		fastrpc_channel_receive(priv, data, len);
	return 0;
}

/* Only where DMA needs syncing, for a bank without "dma-coherent" in the DT */
static bool fastrpc_rpmsg_noncoherent(struct device_node *np)
{
	if (!IS_ENABLED(CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE))
		return false;
	for_each_available_child_of_node_scoped(np, cb) {
		if (of_device_is_compatible(cb, "qcom,fastrpc-compute-cb") &&
		    !of_dma_is_coherent(cb))
			return true;
	}
	return false;
}

static int fastrpc_rpmsg_probe(struct rpmsg_device *rpdev)
{
	struct rpmsg_channel_info chinfo = {
		.src = rpdev->src,
		.dst = RPMSG_ADDR_ANY,
	};
	struct device_node *np = rpdev->dev.of_node;
	struct fastrpc_channel *channel;
	struct rpmsg_endpoint *ept;
	struct fastrpc_device *fdev;
	const char *label;
	int domain, ret;
	bool secure;

	ret = of_property_read_string(np, "label", &label);
	if (ret)
		return dev_err_probe(&rpdev->dev, ret, "no label\n");
	domain = match_string(fastrpc_domain_labels, FASTRPC_NUM_DOMAINS, label);
	if (domain < 0)
		return dev_err_probe(&rpdev->dev, domain,
				     "unknown domain \"%s\"\n", label);
	secure = !of_property_read_bool(np, "qcom,non-secure-domain");

	fdev = fastrpc_device_get_or_create(domain);
	if (IS_ERR(fdev))
		return PTR_ERR(fdev);

	channel = fastrpc_channel_create(fdev, secure);
	if (IS_ERR(channel))
		return PTR_ERR(channel);
	/* The context banks find their channel through it */
	dev_set_drvdata(&rpdev->dev, channel);
	channel->noncoherent = fastrpc_rpmsg_noncoherent(np);

	channel->rheap = fastrpc_rheap_create(&rpdev->dev);
	if (IS_ERR(channel->rheap)) {
		ret = dev_err_probe(&rpdev->dev, PTR_ERR(channel->rheap),
				    "reserved memory\n");
		channel->rheap = NULL;
		goto err_depopulate;
	}

	ret = of_platform_populate(np, NULL, NULL, &rpdev->dev);
	if (ret) {
		dev_err_probe(&rpdev->dev, ret, "populating context banks\n");
		goto err_depopulate;
	}

	strscpy(chinfo.name, rpdev->id.name, sizeof(chinfo.name));
	ept = rpmsg_create_ept(rpdev, fastrpc_rpmsg_callback, channel, chinfo);
	if (!ept) {
		ret = dev_err_probe(&rpdev->dev, -ENOMEM, "creating the endpoint\n");
		goto err_depopulate;
	}
	fastrpc_channel_start(channel, ept);

	/* Online only once a call can be sent and answered */
	ret = fastrpc_device_attach(fdev, channel);
	if (ret) {
		dev_err_probe(&rpdev->dev, ret, "domain already has a channel\n");
		goto err_stop;
	}

	/* Last: the nodes appear only once the channel is complete */
	ret = fastrpc_legacy_register(channel);
	if (ret)
		drm_warn(&fdev->drm, "%s: no legacy device nodes: %d\n",
			 dev_name(&rpdev->dev), ret);

	drm_info(&fdev->drm, "%s: %s channel up\n", dev_name(&rpdev->dev),
		 secure ? "secure" : "non-secure");
	trace_fastrpc_channel_up(fdev->label, dev_name(&rpdev->dev), secure);
	return 0;

err_stop:
	fastrpc_channel_stop(channel);
err_depopulate:
	/* of_platform_populate() leaves the children it created */
	of_platform_depopulate(&rpdev->dev);
	dev_set_drvdata(&rpdev->dev, NULL);
	fastrpc_channel_put(channel);
	return ret;
}

static void fastrpc_rpmsg_remove(struct rpmsg_device *rpdev)
{
	struct fastrpc_channel *channel = dev_get_drvdata(&rpdev->dev);
	struct fastrpc_device *fdev = channel->fdev;
	unsigned int failed;

	/* No new legacy file; open ones see the channel stop */
	fastrpc_legacy_unregister(channel);
	fastrpc_device_detach(fdev, channel);
	failed = fastrpc_channel_stop(channel);
	trace_fastrpc_channel_down(fdev->label, dev_name(&rpdev->dev), failed);
	/* The DSP forgot everything: give back its memory while banks can unmap */
	fastrpc_reclaim_kept(channel);
	scoped_guard(mutex, &channel->heap_lock)
		fastrpc_proc_static_release_locked(channel);
	/* Unmaps what calls and files still hold; they free the memory */
	of_platform_depopulate(&rpdev->dev);

	drm_info(&fdev->drm, "%s: channel down\n", dev_name(&rpdev->dev));
	/* The reference of fastrpc_channel_create() in probe */
	fastrpc_channel_put(channel);
}

static const struct of_device_id fastrpc_rpmsg_of_match[] = {
	{ .compatible = "qcom,fastrpc" },
	{}
};
MODULE_DEVICE_TABLE(of, fastrpc_rpmsg_of_match);

static struct rpmsg_driver fastrpc_rpmsg_driver = {
	.probe = fastrpc_rpmsg_probe,
	.remove = fastrpc_rpmsg_remove,
	.drv = {
		.name = "qcom,fastrpc",
		.of_match_table = fastrpc_rpmsg_of_match,
	},
};

static int fastrpc_cb_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct fastrpc_channel *channel;
	u32 sid, nslots = 1;
	struct fastrpc_cb *cb;
	int ret;

	/* A bound parent stays bound while it probes us, its child */
	if (!dev->parent || dev->parent->driver != &fastrpc_rpmsg_driver.drv)
		return -ENODEV;
	channel = dev_get_drvdata(dev->parent);

	ret = of_property_read_u32(dev->of_node, "reg", &sid);
	if (ret)
		return dev_err_probe(dev, ret, "no stream id (reg)\n");

	of_property_read_u32(dev->of_node, "qcom,nsessions", &nslots);
	if (!nslots || nslots > FASTRPC_CB_MAX_SLOTS)
		return dev_err_probe(dev, -EINVAL, "bad qcom,nsessions %u\n",
				     nslots);

	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
	if (ret)
		return dev_err_probe(dev, ret, "no 32-bit DMA\n");
	/* The bank maps a buffer as one range of its address space */
	dma_set_max_seg_size(dev, UINT_MAX);

	cb = fastrpc_cb_create(channel, dev, sid, nslots);
	if (!cb)
		return -ENOMEM;

	platform_set_drvdata(pdev, cb);
	drm_dbg_driver(&channel->fdev->drm, "context bank %u: %u session(s)\n",
		       sid, nslots);
	return 0;
}

static void fastrpc_cb_remove(struct platform_device *pdev)
{
	struct fastrpc_cb *cb = platform_get_drvdata(pdev);

	fastrpc_cb_unlist(cb);
	/* Unmap while the IOMMU setup exists; running calls keep their memory */
	fastrpc_bo_unmap_all(cb);
	fastrpc_cb_destroy(cb);
}

static const struct of_device_id fastrpc_cb_of_match[] = {
	{ .compatible = "qcom,fastrpc-compute-cb" },
	{}
};
MODULE_DEVICE_TABLE(of, fastrpc_cb_of_match);

static struct platform_driver fastrpc_cb_driver = {
	.probe = fastrpc_cb_probe,
	.remove = fastrpc_cb_remove,
	.driver = {
		.name = "qcom,fastrpc-compute-cb",
		.of_match_table = fastrpc_cb_of_match,
		.suppress_bind_attrs = true,
	},
};

static int __init fastrpc_init(void)
{
	int ret;

	ret = fastrpc_channel_init();
	if (ret)
		return ret;

	ret = platform_driver_register(&fastrpc_cb_driver);
	if (ret)
		goto err_invoke_exit;

	ret = register_rpmsg_driver(&fastrpc_rpmsg_driver);
	if (ret)
		goto err_unregister_cb;

	return 0;

err_unregister_cb:
	platform_driver_unregister(&fastrpc_cb_driver);
err_invoke_exit:
	fastrpc_channel_exit();
	return ret;
}
module_init(fastrpc_init);

static void __exit fastrpc_exit(void)
{
	int i;

	unregister_rpmsg_driver(&fastrpc_rpmsg_driver);
	platform_driver_unregister(&fastrpc_cb_driver);
	/* Queued calls may hold the last channel references */
	fastrpc_channel_exit();

	for (i = FASTRPC_NUM_DOMAINS - 1; i >= 0; i--) {
		struct fastrpc_device *fdev = fastrpc_devices[i];

		if (!fdev)
			continue;
		drm_dev_unplug(&fdev->priv->drm);
		drm_dev_unplug(&fdev->drm);
		root_device_unregister(fdev->priv_root);
		/* Frees @fdev */
		root_device_unregister(fdev->root);
	}
}
module_exit(fastrpc_exit);

MODULE_DESCRIPTION("Qualcomm FastRPC accel driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
