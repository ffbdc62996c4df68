// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: the remote processor.
 *
 * On a Qualcomm board each DSP is a remote processor (qcom_q6v5_pas) and
 * the rpmsg devices of its channels belong to a glink edge, a subdevice of
 * the remote processor: starting the processor registers the edge, whose
 * channels appear as rpmsg devices, and stopping it, or a crash, removes
 * them. Each live instance of the simulator is such a remote processor,
 * with one subdevice that registers the instance's rpmsg device, so that a
 * DSP restart goes through the remoteproc core as on hardware: its sysfs
 * "state" and "firmware" and its debugfs "crash" and "recovery" work.
 *
 * Nothing is loaded: the DSP's code is this module. The core still reads
 * the firmware file (FASTRPC_SIM_FIRMWARE, or what the remoteproc's sysfs
 * "firmware" names) at every boot and recovery, and the boot fails when
 * the file does not exist; its content is ignored.
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/lockdep.h>
#include <linux/remoteproc.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "fastrpc_sim.h"

#define FASTRPC_SIM_FIRMWARE	"fastrpc-sim.mbn"

/**
 * struct fastrpc_sim_rproc - private data of an instance's remote processor
 * @sdev: the instance
 * @rproc: the remote processor
 * @channel: subdevice that registers the rpmsg device, as a glink edge
 * @starts: times the rpmsg device was registered
 * @debugfs: the "remoteproc" file in the instance's debugfs directory
 */
struct fastrpc_sim_rproc {
	struct fastrpc_sim_dev *sdev;
	struct rproc *rproc;
	struct rproc_subdev channel;
	atomic_t starts;
	struct dentry *debugfs;
};

/*
 * Name of the remote processor of a domain: the name the FastRPC library
 * looks for in /sys/class/remoteproc/remoteproc<N>/name to report that the
 * domain exists (its RPROC_SUBSYSTEM_NAME[]). It is the label but for the
 * modem and the sensors DSP.
 */
static const char *fastrpc_sim_rproc_name(const char *label)
{
	if (!strcmp(label, "mdsp"))
		return "mss";
	if (!strcmp(label, "sdsp"))
		return "spss";
	return label;
}

static int fastrpc_sim_rproc_load(struct rproc *rproc,
				  const struct firmware *fw)
{
	/* The DSP's code is the simulator: there is nothing to load. */
	return 0;
}

static int fastrpc_sim_rproc_start(struct rproc *rproc)
{
	struct fastrpc_sim_rproc *srproc = rproc->priv;

	fastrpc_sim_dsp_start(srproc->sdev->dsp);
	return 0;
}

static int fastrpc_sim_rproc_stop(struct rproc *rproc)
{
	struct fastrpc_sim_rproc *srproc = rproc->priv;

	fastrpc_sim_dsp_stop(srproc->sdev->dsp);
	return 0;
}

static const struct rproc_ops fastrpc_sim_rproc_ops = {
	.start = fastrpc_sim_rproc_start,
	.stop = fastrpc_sim_rproc_stop,
	.load = fastrpc_sim_rproc_load,
};

static int fastrpc_sim_rproc_channel_start(struct rproc_subdev *subdev)
{
	struct fastrpc_sim_rproc *srproc =
		container_of(subdev, struct fastrpc_sim_rproc, channel);
	int ret;

	ret = fastrpc_sim_channel_add(srproc->sdev, &srproc->rproc->dev);
	if (ret)
		return ret;

	atomic_inc(&srproc->starts);
	return 0;
}

static void fastrpc_sim_rproc_channel_stop(struct rproc_subdev *subdev,
					   bool crashed)
{
	struct fastrpc_sim_rproc *srproc =
		container_of(subdev, struct fastrpc_sim_rproc, channel);

	/*
	 * The core stops the subdevices before the processor. A crashed DSP
	 * has stopped already: it answers nothing while its channel goes.
	 */
	if (crashed)
		fastrpc_sim_dsp_stop(srproc->sdev->dsp);

	fastrpc_sim_channel_remove(srproc->sdev);
}

static int fastrpc_sim_rproc_show(struct seq_file *s, void *unused)
{
	struct fastrpc_sim_rproc *srproc = s->private;

	seq_printf(s, "index %d\n", srproc->rproc->index);
	seq_printf(s, "starts %d\n", atomic_read(&srproc->starts));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fastrpc_sim_rproc);

/**
 * fastrpc_sim_rproc_add() - register and boot the remote processor
 * @sdev: the instance, with its DT nodes and SMMU
 * @parent: parent device of the remote processor
 *
 * Boots synchronously: on success the rpmsg device is registered (and the
 * FastRPC driver probed, unless it probes asynchronously). Sets
 * @sdev->rproc.
 *
 * Return: 0 or a negative error code: -ENOENT without the firmware file.
 */
int fastrpc_sim_rproc_add(struct fastrpc_sim_dev *sdev, struct device *parent)
{
	struct fastrpc_sim_rproc *srproc;
	struct rproc *rproc;
	int ret;

	lockdep_assert_held(&sdev->lock);

	rproc = rproc_alloc(parent, fastrpc_sim_rproc_name(sdev->label),
			    &fastrpc_sim_rproc_ops, FASTRPC_SIM_FIRMWARE,
			    sizeof(*srproc));
	if (!rproc)
		return -ENOMEM;

	/* Booted here and now, not from an asynchronous firmware request */
	rproc->auto_boot = false;

	srproc = rproc->priv;
	srproc->sdev = sdev;
	srproc->rproc = rproc;
	srproc->channel.start = fastrpc_sim_rproc_channel_start;
	srproc->channel.stop = fastrpc_sim_rproc_channel_stop;
	atomic_set(&srproc->starts, 0);
	rproc_add_subdev(rproc, &srproc->channel);

	ret = rproc_add(rproc);
	if (ret)
		goto err_free;

	ret = rproc_boot(rproc);
	if (ret)
		goto err_del;

	srproc->debugfs = debugfs_create_file("remoteproc", 0444,
					      sdev->dsp->debugfs, srproc,
					      &fastrpc_sim_rproc_fops);
	sdev->rproc = rproc;
	return 0;

err_del:
	rproc_del(rproc);
err_free:
	rproc_remove_subdev(rproc, &srproc->channel);
	rproc_free(rproc);
	return ret;
}

/**
 * fastrpc_sim_rproc_del() - shut down and unregister the remote processor
 * @sdev: the instance
 *
 * Removes the rpmsg device if the processor runs, and stops the DSP. A
 * crash being handled is waited for; one only reported is dropped.
 */
void fastrpc_sim_rproc_del(struct fastrpc_sim_dev *sdev)
{
	struct rproc *rproc = sdev->rproc;
	struct fastrpc_sim_rproc *srproc = rproc->priv;

	lockdep_assert_held(&sdev->lock);

	debugfs_remove(srproc->debugfs);
	rproc_del(rproc);

	/*
	 * rproc_del() leaves the processor running when the caller has a
	 * signal pending: the core takes its lock interruptibly. Nothing
	 * calls the ops or the subdevice any more: stop it here.
	 */
	if (sdev->rpdev)
		fastrpc_sim_rproc_channel_stop(&srproc->channel, false);
	fastrpc_sim_dsp_stop(sdev->dsp);

	rproc_remove_subdev(rproc, &srproc->channel);
	rproc_free(rproc);
	sdev->rproc = NULL;
}

/**
 * fastrpc_sim_rproc_crash() - report a crash of the DSP
 * @sdev: the instance
 *
 * As a DSP's watchdog or fatal-error interrupt does: the remoteproc core
 * then removes the rpmsg device and, with recovery enabled, boots the DSP
 * again. May be called in atomic context, while @sdev->rproc exists.
 */
void fastrpc_sim_rproc_crash(struct fastrpc_sim_dev *sdev)
{
	rproc_report_crash(sdev->rproc, RPROC_FATAL_ERROR);
}
