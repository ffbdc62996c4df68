// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: fault knobs in configfs.
 *
 * /sys/kernel/config/fastrpc-sim/<name>/faults/ holds one attribute per
 * fault knob of the instance's DSP (enum fastrpc_sim_knob), in the style of
 * netdevsim: a hostile DSP, set per instance, live or not. The same knobs
 * are files of the instance's debugfs directory. A DSP that crashes
 * (crash_after) is restarted through fastrpc_sim_dev_crash().
 */

#include <linux/configfs.h>
#include <linux/kstrtox.h>
#include <linux/sysfs.h>

#include "fastrpc_sim.h"

const char * const fastrpc_sim_knob_names[FASTRPC_SIM_NR_KNOBS] = {
	[FASTRPC_SIM_KNOB_DROP_REPLY] = "drop_reply",
	[FASTRPC_SIM_KNOB_SHORT_REPLY] = "short_reply",
	[FASTRPC_SIM_KNOB_DUP_REPLY] = "dup_reply",
	[FASTRPC_SIM_KNOB_BAD_CTX] = "bad_ctx",
	[FASTRPC_SIM_KNOB_NOTIFY] = "notify",
	[FASTRPC_SIM_KNOB_TRUNC_REPLY] = "trunc_reply",
	[FASTRPC_SIM_KNOB_LONG_REPLY] = "long_reply",
	[FASTRPC_SIM_KNOB_REORDER_REPLY] = "reorder_reply",
	[FASTRPC_SIM_KNOB_DELAY_MS] = "delay_ms",
	[FASTRPC_SIM_KNOB_FAIL_NTH] = "fail_nth",
	[FASTRPC_SIM_KNOB_CRASH_AFTER] = "crash_after",
	[FASTRPC_SIM_KNOB_STALL] = "stall",
};

static struct fastrpc_sim_dev *to_fastrpc_sim_faults(struct config_item *item)
{
	return container_of(to_config_group(item), struct fastrpc_sim_dev,
			    faults_group);
}

static ssize_t fastrpc_sim_knob_show(struct config_item *item,
				     enum fastrpc_sim_knob knob, char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_faults(item);

	return sysfs_emit(page, "%u\n",
			  fastrpc_sim_dsp_get_knob(sdev->dsp, knob));
}

static ssize_t fastrpc_sim_knob_store(struct config_item *item,
				      enum fastrpc_sim_knob knob,
				      const char *page, size_t count)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_faults(item);
	u32 val;
	int ret;

	ret = kstrtou32(page, 0, &val);
	if (ret)
		return ret;
	if (val > INT_MAX)
		return -ERANGE;

	fastrpc_sim_dsp_set_knob(sdev->dsp, knob, val);
	return count;
}

#define FASTRPC_SIM_KNOB_ATTR(_name, _knob)				\
static const enum fastrpc_sim_knob fastrpc_sim_faults_##_name##_knob = _knob; \
static ssize_t fastrpc_sim_faults_##_name##_show(struct config_item *item, \
						 char *page)		\
{									\
	return fastrpc_sim_knob_show(item,				\
				     fastrpc_sim_faults_##_name##_knob,	\
				     page);				\
}									\
static ssize_t fastrpc_sim_faults_##_name##_store(struct config_item *item, \
						  const char *page,	\
						  size_t count)		\
{									\
	return fastrpc_sim_knob_store(item,				\
				      fastrpc_sim_faults_##_name##_knob, \
				      page, count);			\
}									\
CONFIGFS_ATTR(fastrpc_sim_faults_, _name)

FASTRPC_SIM_KNOB_ATTR(drop_reply, FASTRPC_SIM_KNOB_DROP_REPLY);
FASTRPC_SIM_KNOB_ATTR(short_reply, FASTRPC_SIM_KNOB_SHORT_REPLY);
FASTRPC_SIM_KNOB_ATTR(dup_reply, FASTRPC_SIM_KNOB_DUP_REPLY);
FASTRPC_SIM_KNOB_ATTR(bad_ctx, FASTRPC_SIM_KNOB_BAD_CTX);
FASTRPC_SIM_KNOB_ATTR(notify, FASTRPC_SIM_KNOB_NOTIFY);
FASTRPC_SIM_KNOB_ATTR(trunc_reply, FASTRPC_SIM_KNOB_TRUNC_REPLY);
FASTRPC_SIM_KNOB_ATTR(long_reply, FASTRPC_SIM_KNOB_LONG_REPLY);
FASTRPC_SIM_KNOB_ATTR(reorder_reply, FASTRPC_SIM_KNOB_REORDER_REPLY);
FASTRPC_SIM_KNOB_ATTR(delay_ms, FASTRPC_SIM_KNOB_DELAY_MS);
FASTRPC_SIM_KNOB_ATTR(fail_nth, FASTRPC_SIM_KNOB_FAIL_NTH);
FASTRPC_SIM_KNOB_ATTR(crash_after, FASTRPC_SIM_KNOB_CRASH_AFTER);
FASTRPC_SIM_KNOB_ATTR(stall, FASTRPC_SIM_KNOB_STALL);

static struct configfs_attribute *fastrpc_sim_faults_attrs[] = {
	&fastrpc_sim_faults_attr_drop_reply,
	&fastrpc_sim_faults_attr_short_reply,
	&fastrpc_sim_faults_attr_dup_reply,
	&fastrpc_sim_faults_attr_bad_ctx,
	&fastrpc_sim_faults_attr_notify,
	&fastrpc_sim_faults_attr_trunc_reply,
	&fastrpc_sim_faults_attr_long_reply,
	&fastrpc_sim_faults_attr_reorder_reply,
	&fastrpc_sim_faults_attr_delay_ms,
	&fastrpc_sim_faults_attr_fail_nth,
	&fastrpc_sim_faults_attr_crash_after,
	&fastrpc_sim_faults_attr_stall,
	NULL
};

static const struct config_item_type fastrpc_sim_faults_type = {
	.ct_attrs = fastrpc_sim_faults_attrs,
	.ct_owner = THIS_MODULE,
};

static void fastrpc_sim_faults_crash(void *arg)
{
	fastrpc_sim_dev_crash(arg);
}

/**
 * fastrpc_sim_faults_init() - add the fault knobs of an instance
 * @sdev: the instance, its group initialised and not yet registered
 *
 * Adds the default group "faults" and lets a crash of the DSP restart the
 * instance.
 */
void fastrpc_sim_faults_init(struct fastrpc_sim_dev *sdev)
{
	sdev->dsp->crash_fn = fastrpc_sim_faults_crash;
	sdev->dsp->crash_arg = sdev;
	config_group_init_type_name(&sdev->faults_group, "faults",
				    &fastrpc_sim_faults_type);
	configfs_add_default_group(&sdev->faults_group, &sdev->group);
}
