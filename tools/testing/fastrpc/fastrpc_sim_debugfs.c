// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: debugfs counters, fault knobs and echo.
 *
 * /sys/kernel/debug/fastrpc_sim/<name>/ holds one read-only file per
 * counter and one read-write file per fault knob (the same knobs as the
 * configfs directory faults/). "maps" lists the DSP mappings of every PD,
 * "smmu" the IOVA ranges mapped in each context bank of the live instance
 * and "smmu_pages" their number of pages. Each write to "echo" is a bare
 * message and reply through the simulated transport. "fence" puts fences
 * of another device on dma-bufs (fastrpc_sim_fence.c).
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "fastrpc_sim.h"
#include "fastrpc_sim_fence.h"

static const char * const fastrpc_sim_stat_names[FASTRPC_SIM_NR_STATS] = {
	[FASTRPC_SIM_STAT_MESSAGES] = "messages",
	[FASTRPC_SIM_STAT_REPLIES] = "replies",
	[FASTRPC_SIM_STAT_ERRORS] = "errors",
	[FASTRPC_SIM_STAT_FAULTS] = "faults",
	[FASTRPC_SIM_STAT_BAD_REQUESTS] = "bad_requests",
	[FASTRPC_SIM_STAT_INLINE_BYTES] = "inline_bytes",
	[FASTRPC_SIM_STAT_SMMU_FAULTS] = "smmu_faults",
	[FASTRPC_SIM_STAT_BUFFER_BYTES] = "buffer_bytes",
	[FASTRPC_SIM_STAT_DSP_MAPS] = "dsp_maps",
	[FASTRPC_SIM_STAT_UNMAPS_IN_CALL] = "unmaps_in_call",
	[FASTRPC_SIM_STAT_REVERSE_CALLS] = "reverse_calls",
	[FASTRPC_SIM_STAT_REVERSE_ERRORS] = "reverse_errors",
	[FASTRPC_SIM_STAT_FARF_SENT] = "farf_sent",
	[FASTRPC_SIM_STAT_FARF_DROPPED] = "farf_dropped",
	[FASTRPC_SIM_STAT_HOST_LOADS] = "host_loads",
	[FASTRPC_SIM_STAT_LOAD_MISSING] = "load_missing",
	[FASTRPC_SIM_STAT_LOAD_SHORT] = "load_short",
	[FASTRPC_SIM_STAT_LOAD_TOO_BIG] = "load_too_big",
	[FASTRPC_SIM_STAT_LOAD_NOT_ELF] = "load_not_elf",
	[FASTRPC_SIM_STAT_STATIC_PDS] = "static_pds",
	[FASTRPC_SIM_STAT_REGION_MAPS] = "region_maps",
	[FASTRPC_SIM_STAT_REGION_FAULTS] = "region_faults",
};

static int fastrpc_sim_stat_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fastrpc_sim_stat_fops, fastrpc_sim_stat_get, NULL,
			 "%llu\n");

static int fastrpc_sim_stall_get(void *data, u64 *val)
{
	*val = fastrpc_sim_dsp_get_knob(data, FASTRPC_SIM_KNOB_STALL);
	return 0;
}

static int fastrpc_sim_stall_set(void *data, u64 val)
{
	fastrpc_sim_dsp_set_knob(data, FASTRPC_SIM_KNOB_STALL, !!val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fastrpc_sim_stall_fops, fastrpc_sim_stall_get,
			 fastrpc_sim_stall_set, "%llu\n");

static ssize_t fastrpc_sim_echo_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	u8 buf[FASTRPC_SIM_ECHO_MAX];
	int ret;

	if (count > sizeof(buf))
		return -EMSGSIZE;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;

	ret = fastrpc_sim_dsp_echo(file->private_data, buf, count);
	return ret ? ret : count;
}

static const struct file_operations fastrpc_sim_echo_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fastrpc_sim_echo_write,
};

static int fastrpc_sim_maps_show(struct seq_file *s, void *unused)
{
	fastrpc_sim_dsp_show_maps(s->private, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fastrpc_sim_maps);

static int fastrpc_sim_smmu_show_file(struct seq_file *s, void *unused)
{
	struct fastrpc_sim_dev *sdev = s->private;

	mutex_lock(&sdev->lock);
	if (sdev->smmu)
		fastrpc_sim_smmu_show(sdev->smmu, s);
	mutex_unlock(&sdev->lock);
	return 0;
}

static int fastrpc_sim_smmu_open(struct inode *inode, struct file *file)
{
	return single_open(file, fastrpc_sim_smmu_show_file, inode->i_private);
}

static const struct file_operations fastrpc_sim_smmu_fops = {
	.owner = THIS_MODULE,
	.open = fastrpc_sim_smmu_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int fastrpc_sim_smmu_pages_get(void *data, u64 *val)
{
	struct fastrpc_sim_dev *sdev = data;

	mutex_lock(&sdev->lock);
	*val = sdev->smmu ? fastrpc_sim_smmu_pages(sdev->smmu) : 0;
	mutex_unlock(&sdev->lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fastrpc_sim_smmu_pages_fops,
			 fastrpc_sim_smmu_pages_get, NULL, "%llu\n");

/**
 * fastrpc_sim_debugfs_add() - create the debugfs directory of a DSP
 * @dsp: the DSP
 * @parent: directory to create it in
 */
void fastrpc_sim_debugfs_add(struct fastrpc_sim_dsp *dsp,
			     struct dentry *parent)
{
	int i;

	dsp->debugfs = debugfs_create_dir(dsp->name, parent);

	for (i = 0; i < FASTRPC_SIM_NR_STATS; i++)
		debugfs_create_file_unsafe(fastrpc_sim_stat_names[i], 0444,
					   dsp->debugfs, &dsp->stats[i],
					   &fastrpc_sim_stat_fops);

	for (i = 0; i < FASTRPC_SIM_NR_KNOBS; i++) {
		if (i == FASTRPC_SIM_KNOB_STALL)
			debugfs_create_file_unsafe(fastrpc_sim_knob_names[i],
						   0600, dsp->debugfs, dsp,
						   &fastrpc_sim_stall_fops);
		else
			debugfs_create_atomic_t(fastrpc_sim_knob_names[i],
						0600, dsp->debugfs,
						&dsp->knobs[i]);
	}

	debugfs_create_file("echo", 0200, dsp->debugfs, dsp,
			    &fastrpc_sim_echo_fops);

	debugfs_create_file("maps", 0444, dsp->debugfs, dsp,
			    &fastrpc_sim_maps_fops);

	fastrpc_sim_fence_add(dsp, dsp->debugfs);
}

/**
 * fastrpc_sim_debugfs_add_smmu() - add the SMMU files of an instance
 * @sdev: the instance, whose DSP has its debugfs directory
 *
 * They read the SMMU of the instance under its lock, while it is live.
 */
void fastrpc_sim_debugfs_add_smmu(struct fastrpc_sim_dev *sdev)
{
	debugfs_create_file("smmu", 0444, sdev->dsp->debugfs, sdev,
			    &fastrpc_sim_smmu_fops);
	debugfs_create_file_unsafe("smmu_pages", 0444, sdev->dsp->debugfs,
				   sdev, &fastrpc_sim_smmu_pages_fops);
}

/**
 * fastrpc_sim_debugfs_remove() - remove the debugfs directory of a DSP
 * @dsp: the DSP
 */
void fastrpc_sim_debugfs_remove(struct fastrpc_sim_dsp *dsp)
{
	debugfs_remove_recursive(dsp->debugfs);
	dsp->debugfs = NULL;
	fastrpc_sim_fence_remove(dsp);
}
