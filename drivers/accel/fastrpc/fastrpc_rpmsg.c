// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: the rpmsg driver of the DSP channels.
 *
 * There is no default endpoint (no .callback): the driver creates and
 * destroys its own with rpmsg_create_ept(), using only the public rpmsg API.
 */

#include <linux/err.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_platform.h>
#include <linux/rpmsg.h>
#include <linux/string.h>

#include <drm/drm_print.h>

#include "fastrpc_channel.h"
#include "fastrpc_drv.h"
#include "fastrpc_legacy.h"
#include "fastrpc_mem.h"
#include "fastrpc_proc.h"
#include "fastrpc_rheap.h"
#include "fastrpc_rpmsg.h"
#include "fastrpc_trace.h"

/*
 * Valid only while @dev stays bound (a child's probe qualifies); NULL when
 * @dev is not a bound FastRPC channel.
 */
struct fastrpc_channel *fastrpc_rpmsg_channel(struct device *dev)
{
	if (!dev || dev->driver != &fastrpc_rpmsg_driver.drv)
		return NULL;
	return dev_get_drvdata(dev);
}

/* May run in hard IRQ context (glink): never sleeps */
static int fastrpc_rpmsg_callback(struct rpmsg_device *rpdev, void *data,
				  int len, void *priv, u32 addr)
{
	struct fastrpc_channel *channel = priv;

	if (len < 0)
		return 0;

	fastrpc_channel_receive(channel, data, len);
	return 0;
}

/* Only where DMA needs syncing, for a bank without "dma-coherent" in the DT */
static bool fastrpc_rpmsg_noncoherent(struct device_node *np)
{
	struct device_node *cb;

	if (!IS_ENABLED(CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE))
		return false;
	for_each_available_child_of_node(np, cb) {
		if (of_device_is_compatible(cb, "qcom,fastrpc-compute-cb") &&
		    !of_dma_is_coherent(cb)) {
			of_node_put(cb);
			return true;
		}
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
	if (ret) {
		dev_err(&rpdev->dev, "no label: %d\n", ret);
		return ret;
	}
	domain = fastrpc_domain_from_label(label);
	if (domain < 0) {
		dev_err(&rpdev->dev, "unknown domain \"%s\"\n", label);
		return domain;
	}
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
		ret = PTR_ERR(channel->rheap);
		channel->rheap = NULL;
		drm_err(&fdev->drm, "%s: reserved memory: %d\n",
			dev_name(&rpdev->dev), ret);
		goto err_depopulate;
	}

	ret = of_platform_populate(np, NULL, NULL, &rpdev->dev);
	if (ret) {
		drm_err(&fdev->drm, "populating context banks: %d\n", ret);
		goto err_depopulate;
	}

	strscpy(chinfo.name, rpdev->id.name, sizeof(chinfo.name));
	ept = rpmsg_create_ept(rpdev, fastrpc_rpmsg_callback, channel, chinfo);
	if (!ept) {
		ret = -ENOMEM;
		drm_err(&fdev->drm, "creating the endpoint: %d\n", ret);
		goto err_depopulate;
	}
	fastrpc_channel_start(channel, ept);

	/* Online only once a call can be sent and answered */
	ret = fastrpc_device_attach(fdev, channel);
	if (ret) {
		drm_err(&fdev->drm, "%s: domain already has a channel\n",
			dev_name(&rpdev->dev));
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
	fastrpc_mem_reclaim_kept(channel);
	mutex_lock(&channel->heap_lock);
	fastrpc_proc_static_release_locked(channel);
	mutex_unlock(&channel->heap_lock);
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

struct rpmsg_driver fastrpc_rpmsg_driver = {
	.probe = fastrpc_rpmsg_probe,
	.remove = fastrpc_rpmsg_remove,
	.drv = {
		.name = "qcom,fastrpc",
		.of_match_table = fastrpc_rpmsg_of_match,
	},
};
