// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: configfs interface.
 *
 * /sys/kernel/config/fastrpc-sim/<name>/ is one DSP instance. Its
 * attributes describe the channel's DT node; writing 1 to "live" builds the
 * node and registers and boots the instance's remote processor, whose start
 * registers the rpmsg device (fastrpc_sim_rproc.c); writing 0 shuts the
 * processor down and takes them down again.
 */

#include <linux/cleanup.h>
#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "fastrpc_sim.h"

#define FASTRPC_SIM_NAME_MAX	32

static DEFINE_IDA(fastrpc_sim_ida);

static bool fastrpc_sim_smmu_default = FASTRPC_SIM_SMMU_DEFAULT;
module_param_named(smmu, fastrpc_sim_smmu_default, bool, 0444);
MODULE_PARM_DESC(smmu, "Default of the smmu attribute of new instances");

static bool fastrpc_sim_coherent_default = FASTRPC_SIM_COHERENT_DEFAULT;
module_param_named(coherent, fastrpc_sim_coherent_default, bool, 0444);
MODULE_PARM_DESC(coherent,
		 "Default of the coherent attribute of new instances");

static const char * const fastrpc_sim_labels[] = {
	"adsp", "mdsp", "sdsp", "cdsp", "cdsp1", "gdsp0", "gdsp1",
};

static struct fastrpc_sim_dev *to_fastrpc_sim_dev(struct config_item *item)
{
	return container_of(to_config_group(item), struct fastrpc_sim_dev,
			    group);
}

static ssize_t fastrpc_sim_dev_config_label_show(struct config_item *item,
						 char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%s\n", sdev->label);
}

static ssize_t fastrpc_sim_dev_config_label_store(struct config_item *item,
						  const char *page,
						  size_t count)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);
	int i;

	i = sysfs_match_string(fastrpc_sim_labels, page);
	if (i < 0)
		return i;

	guard(mutex)(&sdev->lock);
	if (sdev->live)
		return -EBUSY;
	strscpy(sdev->label, fastrpc_sim_labels[i]);
	return count;
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, label);

static ssize_t fastrpc_sim_store_u32(struct config_item *item,
				     const char *page, size_t count,
				     u32 *field, u32 min, u32 max)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);
	u32 val;
	int ret;

	ret = kstrtou32(page, 0, &val);
	if (ret)
		return ret;
	if (val < min || val > max)
		return -EINVAL;

	guard(mutex)(&sdev->lock);
	if (sdev->live)
		return -EBUSY;
	*field = val;
	return count;
}

/* Attributes that cannot change while the instance is live */
static ssize_t fastrpc_sim_store_bool(struct config_item *item,
				      const char *page, size_t count,
				      bool *field)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);
	bool val;
	int ret;

	ret = kstrtobool(page, &val);
	if (ret)
		return ret;

	guard(mutex)(&sdev->lock);
	if (sdev->live)
		return -EBUSY;
	*field = val;
	return count;
}

static ssize_t fastrpc_sim_dev_config_sessions_show(struct config_item *item,
						    char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%u\n", sdev->sessions);
}

static ssize_t fastrpc_sim_dev_config_sessions_store(struct config_item *item,
						     const char *page,
						     size_t count)
{
	return fastrpc_sim_store_u32(item, page, count,
				     &to_fastrpc_sim_dev(item)->sessions, 0,
				     FASTRPC_SIM_MAX_SESSIONS);
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, sessions);

static ssize_t fastrpc_sim_dev_config_nsessions_show(struct config_item *item,
						     char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%u\n", sdev->nsessions);
}

static ssize_t fastrpc_sim_dev_config_nsessions_store(struct config_item *item,
						      const char *page,
						      size_t count)
{
	return fastrpc_sim_store_u32(item, page, count,
				     &to_fastrpc_sim_dev(item)->nsessions, 1,
				     FASTRPC_SIM_MAX_SESSIONS);
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, nsessions);

static ssize_t fastrpc_sim_dev_config_secure_show(struct config_item *item,
						  char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%d\n", sdev->secure);
}

static ssize_t fastrpc_sim_dev_config_secure_store(struct config_item *item,
						   const char *page,
						   size_t count)
{
	return fastrpc_sim_store_bool(item, page, count,
				      &to_fastrpc_sim_dev(item)->secure);
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, secure);

static ssize_t fastrpc_sim_dev_config_smmu_show(struct config_item *item,
						char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%d\n", sdev->smmu_enabled);
}

static ssize_t fastrpc_sim_dev_config_smmu_store(struct config_item *item,
						 const char *page,
						 size_t count)
{
	return fastrpc_sim_store_bool(item, page, count,
				      &to_fastrpc_sim_dev(item)->smmu_enabled);
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, smmu);

static ssize_t fastrpc_sim_dev_config_coherent_show(struct config_item *item,
						    char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%d\n", sdev->coherent);
}

/* "dma-coherent" on the context-bank nodes, read when they are probed */
static ssize_t fastrpc_sim_dev_config_coherent_store(struct config_item *item,
						     const char *page,
						     size_t count)
{
	return fastrpc_sim_store_bool(item, page, count,
				      &to_fastrpc_sim_dev(item)->coherent);
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, coherent);

static const char * const fastrpc_sim_loaders[] = { "builtin", "host" };

static ssize_t fastrpc_sim_dev_config_loader_show(struct config_item *item,
						  char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	return sysfs_emit(page, "%s\n",
			  fastrpc_sim_loaders[READ_ONCE(sdev->dsp->host_loader)]);
}

/* How the DSP loads modules; takes effect at the next open, even live */
static ssize_t fastrpc_sim_dev_config_loader_store(struct config_item *item,
						   const char *page,
						   size_t count)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);
	int i;

	i = sysfs_match_string(fastrpc_sim_loaders, page);
	if (i < 0)
		return i;

	WRITE_ONCE(sdev->dsp->host_loader, i);
	return count;
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, loader);

static ssize_t fastrpc_sim_dev_config_heap_kib_show(struct config_item *item,
						    char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%u\n", sdev->heap_kib);
}

static ssize_t fastrpc_sim_dev_config_heap_kib_store(struct config_item *item,
						     const char *page,
						     size_t count)
{
	return fastrpc_sim_store_u32(item, page, count,
				     &to_fastrpc_sim_dev(item)->heap_kib, 0,
				     FASTRPC_SIM_HEAP_KIB_MAX);
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, heap_kib);

static ssize_t fastrpc_sim_dev_config_vmid_show(struct config_item *item,
						char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%u\n", sdev->vmid);
}

static ssize_t fastrpc_sim_dev_config_vmid_store(struct config_item *item,
						 const char *page,
						 size_t count)
{
	return fastrpc_sim_store_u32(item, page, count,
				     &to_fastrpc_sim_dev(item)->vmid, 0, 63);
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, vmid);

static ssize_t fastrpc_sim_dev_config_live_show(struct config_item *item,
						char *page)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	guard(mutex)(&sdev->lock);
	return sysfs_emit(page, "%d\n", sdev->live);
}

static ssize_t fastrpc_sim_dev_config_live_store(struct config_item *item,
						 const char *page,
						 size_t count)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);
	bool live;
	int ret;

	ret = kstrtobool(page, &live);
	if (ret)
		return ret;

	guard(mutex)(&sdev->lock);
	if (live == sdev->live)
		return count;

	if (live) {
		ret = fastrpc_sim_dev_activate_locked(sdev);
		if (ret)
			return ret;
	} else {
		fastrpc_sim_dev_deactivate_locked(sdev);
	}
	return count;
}

CONFIGFS_ATTR(fastrpc_sim_dev_config_, live);

static struct configfs_attribute *fastrpc_sim_dev_config_attrs[] = {
	&fastrpc_sim_dev_config_attr_label,
	&fastrpc_sim_dev_config_attr_sessions,
	&fastrpc_sim_dev_config_attr_nsessions,
	&fastrpc_sim_dev_config_attr_secure,
	&fastrpc_sim_dev_config_attr_smmu,
	&fastrpc_sim_dev_config_attr_coherent,
	&fastrpc_sim_dev_config_attr_loader,
	&fastrpc_sim_dev_config_attr_heap_kib,
	&fastrpc_sim_dev_config_attr_vmid,
	&fastrpc_sim_dev_config_attr_live,
	NULL
};

static void fastrpc_sim_dev_release(struct config_item *item)
{
	struct fastrpc_sim_dev *sdev = to_fastrpc_sim_dev(item);

	mutex_lock(&sdev->lock);
	if (sdev->live)
		fastrpc_sim_dev_deactivate_locked(sdev);
	mutex_unlock(&sdev->lock);

	fastrpc_sim_debugfs_remove(sdev->dsp);
	fastrpc_sim_dsp_destroy(sdev->dsp);
	ida_free(&fastrpc_sim_ida, sdev->id);
	mutex_destroy(&sdev->lock);
	kfree(sdev);
}

static struct configfs_item_operations fastrpc_sim_dev_item_ops = {
	.release = fastrpc_sim_dev_release,
};

static const struct config_item_type fastrpc_sim_dev_type = {
	.ct_item_ops = &fastrpc_sim_dev_item_ops,
	.ct_attrs = fastrpc_sim_dev_config_attrs,
	.ct_owner = THIS_MODULE,
};

/* The name ends up in a DT node name and a debugfs directory name. */
static bool fastrpc_sim_name_valid(const char *name)
{
	size_t len = strlen(name);
	size_t i;

	if (!len || len > FASTRPC_SIM_NAME_MAX)
		return false;

	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr(",._+-", name[i]))
			return false;

	return true;
}

static struct config_group *
fastrpc_sim_make_group(struct config_group *group, const char *name)
{
	struct fastrpc_sim_dev *sdev;
	int ret;

	if (!fastrpc_sim_name_valid(name))
		return ERR_PTR(-EINVAL);

	sdev = kzalloc(sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return ERR_PTR(-ENOMEM);

	ret = ida_alloc(&fastrpc_sim_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free_sdev;
	sdev->id = ret;

	/* The memory operations are set when the instance goes live. */
	sdev->dsp = fastrpc_sim_dsp_create(name, &fastrpc_sim_direct_mem_ops,
					   NULL);
	if (IS_ERR(sdev->dsp)) {
		ret = PTR_ERR(sdev->dsp);
		goto err_free_id;
	}
	mutex_init(&sdev->lock);
	fastrpc_sim_debugfs_add(sdev->dsp, fastrpc_sim_debugfs_root);
	fastrpc_sim_debugfs_add_smmu(sdev);

	strscpy(sdev->label, "cdsp");
	sdev->sessions = 1;
	sdev->nsessions = 1;
	sdev->smmu_enabled = fastrpc_sim_smmu_default;
	sdev->coherent = fastrpc_sim_coherent_default;
	config_group_init_type_name(&sdev->group, name, &fastrpc_sim_dev_type);
	fastrpc_sim_faults_init(sdev);
	return &sdev->group;

err_free_id:
	ida_free(&fastrpc_sim_ida, sdev->id);
err_free_sdev:
	kfree(sdev);
	return ERR_PTR(ret);
}

static struct configfs_group_operations fastrpc_sim_group_ops = {
	.make_group = fastrpc_sim_make_group,
};

static const struct config_item_type fastrpc_sim_subsys_type = {
	.ct_group_ops = &fastrpc_sim_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem fastrpc_sim_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "fastrpc-sim",
			.ci_type = &fastrpc_sim_subsys_type,
		},
	},
};

/**
 * fastrpc_sim_configfs_init() - register the configfs subsystem
 *
 * Return: 0 or a negative error code.
 */
int fastrpc_sim_configfs_init(void)
{
	config_group_init(&fastrpc_sim_subsys.su_group);
	mutex_init(&fastrpc_sim_subsys.su_mutex);
	return configfs_register_subsystem(&fastrpc_sim_subsys);
}

/**
 * fastrpc_sim_configfs_exit() - unregister the configfs subsystem
 */
void fastrpc_sim_configfs_exit(void)
{
	configfs_unregister_subsystem(&fastrpc_sim_subsys);
	ida_destroy(&fastrpc_sim_ida);
}
