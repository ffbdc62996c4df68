// SPDX-License-Identifier: GPL-2.0-only
/*
 * One accel device per DSP domain, created at the first channel probe and
 * kept until module unload so it survives subsystem restarts: channels
 * attach and detach, switching it online and offline.
 */

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/rpmsg.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_channel.h"
#include "fastrpc_debugfs.h"
#include "fastrpc_drv.h"
#include "fastrpc_gem.h"
#include "fastrpc_invoke.h"
#include "fastrpc_mem.h"
#include "fastrpc_proc.h"
#include "fastrpc_proto.h"
#include "fastrpc_rpmsg.h"
#include "fastrpc_session.h"

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

int fastrpc_domain_from_label(const char *label)
{
	return match_string(fastrpc_domain_labels, FASTRPC_NUM_DOMAINS, label);
}

bool fastrpc_domain_runs_unsigned(u32 domain_id)
{
	return domain_id >= DRM_FASTRPC_DOMAIN_CDSP;
}

const char *fastrpc_domain_label(u32 domain_id)
{
	return fastrpc_domain_labels[domain_id];
}

int fastrpc_file_init(struct fastrpc_file *ffile, struct fastrpc_device *fdev,
		      struct drm_file *file)
{
	ffile->quota = fastrpc_quota_alloc();
	if (!ffile->quota)
		return -ENOMEM;
	ffile->fdev = fdev;
	ffile->drm = file ? file->minor->dev : &fdev->drm;
	ffile->privileged = ffile->drm != &fdev->drm;
	ffile->file = file;
	mutex_init(&ffile->lock);
	spin_lock_init(&ffile->proc_lock);
	init_rwsem(&ffile->calls_sem);
	ffile->pd = FASTRPC_PD_ROOT;
	INIT_LIST_HEAD(&ffile->dsp_maps);
	mutex_init(&ffile->maps_lock);
	INIT_LIST_HEAD(&ffile->bo_maps);
	return 0;
}

/* DRM released an accel file's handles already: mappings hold their BOs */
void fastrpc_file_fini(struct fastrpc_file *ffile)
{
	fastrpc_proc_release(ffile);
	fastrpc_quota_put(ffile->quota);
	mutex_destroy(&ffile->maps_lock);
	mutex_destroy(&ffile->lock);
}

static int fastrpc_open(struct drm_device *drm, struct drm_file *file)
{
	struct fastrpc_file *ffile;
	int ret;

	ffile = kzalloc(sizeof(*ffile), GFP_KERNEL);
	if (!ffile)
		return -ENOMEM;

	ret = fastrpc_file_init(ffile, to_fastrpc_device(drm), file);
	if (ret) {
		kfree(ffile);
		return ret;
	}
	file->driver_priv = ffile;
	return 0;
}

static void fastrpc_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;

	fastrpc_file_fini(ffile);
	kfree(ffile);
}

#define FASTRPC_IOCTL(_name, _func, _flags) \
	DRM_IOCTL_DEF_DRV(FASTRPC_##_name, fastrpc_ioctl_##_func, _flags)

static const struct drm_ioctl_desc fastrpc_ioctls[] = {
	FASTRPC_IOCTL(QUERY, query, 0),
	FASTRPC_IOCTL(PROCESS_INIT, process_init, 0),
	FASTRPC_IOCTL(INVOKE, invoke, 0),
	FASTRPC_IOCTL(GEM_CREATE, gem_create, 0),
	FASTRPC_IOCTL(GEM_MMAP_OFFSET, gem_mmap_offset, 0),
	FASTRPC_IOCTL(MAP, map, 0),
	FASTRPC_IOCTL(UNMAP, unmap, 0),
};

/* sizeof(drm_version32_t) of drm_ioc32.c */
#define FASTRPC_DRM_VERSION32_SIZE	36
#define FASTRPC_DRM_IOCTL_VERSION32	_IOC(_IOC_READ | _IOC_WRITE, \
					     DRM_IOCTL_BASE, 0x00, \
					     FASTRPC_DRM_VERSION32_SIZE)

/* Same layout for 32-bit processes */
static const unsigned int fastrpc_core_cmds[] = {
	DRM_IOCTL_GET_CAP,
	DRM_IOCTL_GEM_CLOSE,
	DRM_IOCTL_PRIME_HANDLE_TO_FD,
	DRM_IOCTL_PRIME_FD_TO_HANDLE,
};

/*
 * An accel file has no DRM master, yet drm_ioctl() and drm_compat_ioctl()
 * run every core ioctl of a primary node (GET_UNIQUE and GET_MAGIC
 * dereference the missing master) and drm_compat_ioctl() translates by
 * number alone: take only whole command words we know. A struct that grows
 * must list its old command words here.
 */
static int fastrpc_check_cmd(unsigned int cmd, bool compat)
{
	unsigned int nr = _IOC_NR(cmd);
	unsigned int version, i;

	if (_IOC_TYPE(cmd) != DRM_IOCTL_BASE)
		return -ENOTTY;

	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END) {
		i = nr - DRM_COMMAND_BASE;
		if (i < ARRAY_SIZE(fastrpc_ioctls) &&
		    fastrpc_ioctls[i].cmd == cmd)
			return 0;
		return -EINVAL;
	}

	version = compat ? FASTRPC_DRM_IOCTL_VERSION32 : DRM_IOCTL_VERSION;
	if (nr == _IOC_NR(version))
		return cmd == version ? 0 : -EINVAL;
	for (i = 0; i < ARRAY_SIZE(fastrpc_core_cmds); i++) {
		if (nr == _IOC_NR(fastrpc_core_cmds[i]))
			return cmd == fastrpc_core_cmds[i] ? 0 : -EINVAL;
	}
	return -ENOTTY;
}

static long fastrpc_accel_ioctl(struct file *filp, unsigned int cmd,
				unsigned long arg)
{
	int ret;

	ret = fastrpc_check_cmd(cmd, false);
	if (ret)
		return ret;
	return drm_ioctl(filp, cmd, arg);
}

#ifdef CONFIG_COMPAT
static long fastrpc_accel_compat_ioctl(struct file *filp, unsigned int cmd,
				       unsigned long arg)
{
	int ret;

	ret = fastrpc_check_cmd(cmd, true);
	if (ret)
		return ret;
	return drm_compat_ioctl(filp, cmd, arg);
}
#else
#define fastrpc_accel_compat_ioctl NULL
#endif

static const struct file_operations fastrpc_accel_fops = {
	.owner = THIS_MODULE,
	.open = accel_open,
	.release = drm_release,
	.unlocked_ioctl = fastrpc_accel_ioctl,
	.compat_ioctl = fastrpc_accel_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
	.fop_flags = FOP_UNSIGNED_OFFSET,
	.show_fdinfo = drm_show_fdinfo,
};

static void fastrpc_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;

	drm_printf(p, "drm-engine-dsp:\t%llu ns\n",
		   fastrpc_quota_busy_ns(ffile->quota));
	drm_show_memory_stats(p, file);
}

/*
 * PRIME imports attach to the parent. It never does DMA, but an exporter
 * may map its dma-buf at attach time, so accept any address and size.
 */
static struct device *fastrpc_root_register(const char *name)
{
	struct device_dma_parameters *parms;
	struct device *root;
	int ret;

	root = root_device_register(name);
	if (IS_ERR(root))
		return root;
	parms = devm_kzalloc(root, sizeof(*parms), GFP_KERNEL);
	if (!parms) {
		ret = -ENOMEM;
		goto err_unregister;
	}
	root->dma_parms = parms;
	dma_set_max_seg_size(root, UINT_MAX);
	ret = dma_coerce_mask_and_coherent(root, DMA_BIT_MASK(64));
	if (ret)
		goto err_unregister;
	return root;

err_unregister:
	root_device_unregister(root);
	return ERR_PTR(ret);
}

static const struct drm_driver fastrpc_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_COMPUTE_ACCEL,
	.open = fastrpc_open,
	.postclose = fastrpc_postclose,
	.gem_create_object = fastrpc_gem_create_object,
	.gem_prime_import = fastrpc_gem_prime_import,
	.show_fdinfo = fastrpc_show_fdinfo,
	.ioctls = fastrpc_ioctls,
	.num_ioctls = ARRAY_SIZE(fastrpc_ioctls),
	.fops = &fastrpc_accel_fops,
	.name = "fastrpc",
	.desc = "Qualcomm FastRPC (Hexagon DSP)",
	.major = FASTRPC_DRIVER_MAJOR,
	.minor = FASTRPC_DRIVER_MINOR,
};

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
 * Its own root device lets udev tell the two nodes apart. It holds a
 * reference to the ordinary device, which owns @fdev.
 */
static int fastrpc_device_create_priv(struct fastrpc_device *fdev)
{
	struct fastrpc_priv_drm *priv;
	struct device *root;
	char name[48];
	int ret;

	snprintf(name, sizeof(name), "fastrpc-%s-privileged", fdev->label);
	root = fastrpc_root_register(name);
	if (IS_ERR(root))
		return PTR_ERR(root);
	dev_set_drvdata(root, fdev);

	priv = devm_drm_dev_alloc(root, &fastrpc_drm_driver,
				  struct fastrpc_priv_drm, drm);
	if (IS_ERR(priv)) {
		ret = PTR_ERR(priv);
		goto err_unregister_root;
	}
	drm_dev_get(&fdev->drm);
	ret = drmm_add_action_or_reset(&priv->drm, fastrpc_device_put_drm,
				       &fdev->drm);
	if (ret)
		goto err_unregister_root;

	ret = drm_dev_register(&priv->drm, 0);
	if (ret)
		goto err_unregister_root;

	fdev->priv = priv;
	fdev->priv_root = root;
	return 0;

err_unregister_root:
	root_device_unregister(root);
	return ret;
}

static struct fastrpc_device *fastrpc_device_create(u32 domain_id)
{
	const char *label = fastrpc_domain_labels[domain_id];
	struct fastrpc_device *fdev;
	struct device *root;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "fastrpc-%s", label);
	root = fastrpc_root_register(name);
	if (IS_ERR(root))
		return ERR_CAST(root);

	fdev = devm_drm_dev_alloc(root, &fastrpc_drm_driver,
				  struct fastrpc_device, drm);
	if (IS_ERR(fdev)) {
		ret = PTR_ERR(fdev);
		goto err_unregister_root;
	}
	dev_set_drvdata(root, fdev);

	fdev->root = root;
	fdev->domain_id = domain_id;
	fdev->label = label;
	xa_init_flags(&fdev->clients, XA_FLAGS_ALLOC1);
	ret = drmm_add_action_or_reset(&fdev->drm, fastrpc_device_fini_clients,
				       fdev);
	if (ret)
		goto err_unregister_root;
	ret = drmm_mutex_init(&fdev->drm, &fdev->lock);
	if (ret)
		goto err_unregister_root;

	fastrpc_debugfs_init(fdev);

	ret = drm_dev_register(&fdev->drm, 0);
	if (ret)
		goto err_unregister_root;

	ret = fastrpc_device_create_priv(fdev);
	if (ret)
		goto err_unplug;

	return fdev;

err_unplug:
	drm_dev_unplug(&fdev->drm);
err_unregister_root:
	root_device_unregister(root);
	return ERR_PTR(ret);
}

static void fastrpc_device_destroy(struct fastrpc_device *fdev)
{
	struct device *root = fdev->root;

	drm_dev_unplug(&fdev->priv->drm);
	drm_dev_unplug(&fdev->drm);
	root_device_unregister(fdev->priv_root);
	/* Frees @fdev */
	root_device_unregister(root);
}

struct fastrpc_device *fastrpc_device_get_or_create(u32 domain_id)
{
	struct fastrpc_device *fdev;

	if (domain_id >= FASTRPC_NUM_DOMAINS)
		return ERR_PTR(-EINVAL);

	mutex_lock(&fastrpc_devices_lock);
	fdev = fastrpc_devices[domain_id];
	if (!fdev) {
		fdev = fastrpc_device_create(domain_id);
		if (!IS_ERR(fdev))
			fastrpc_devices[domain_id] = fdev;
	}
	mutex_unlock(&fastrpc_devices_lock);

	return fdev;
}

int fastrpc_device_attach(struct fastrpc_device *fdev,
			  struct fastrpc_channel *channel)
{
	int ret = 0;

	mutex_lock(&fdev->lock);
	if (fdev->channel) {
		ret = -EBUSY;
	} else {
		/* Put in fastrpc_device_detach() */
		fdev->channel = fastrpc_channel_get(channel);
		fdev->secure = channel->secure;
	}
	mutex_unlock(&fdev->lock);

	return ret;
}

void fastrpc_device_detach(struct fastrpc_device *fdev,
			   struct fastrpc_channel *channel)
{
	struct fastrpc_channel *old = NULL;

	mutex_lock(&fdev->lock);
	if (fdev->channel == channel) {
		old = fdev->channel;
		fdev->channel = NULL;
	}
	mutex_unlock(&fdev->lock);

	fastrpc_channel_put(old);
}

/* Return: a reference to the channel, NULL while offline */
struct fastrpc_channel *fastrpc_device_get_channel(struct fastrpc_device *fdev)
{
	struct fastrpc_channel *channel = NULL;

	mutex_lock(&fdev->lock);
	if (fdev->channel)
		channel = fastrpc_channel_get(fdev->channel);
	mutex_unlock(&fdev->lock);

	return channel;
}

bool fastrpc_device_is_online(struct fastrpc_device *fdev)
{
	bool online;

	mutex_lock(&fdev->lock);
	online = fdev->channel;
	mutex_unlock(&fdev->lock);

	return online;
}

static int __init fastrpc_init(void)
{
	int ret;

	ret = fastrpc_invoke_init();
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
	fastrpc_invoke_exit();
	return ret;
}
module_init(fastrpc_init);

static void __exit fastrpc_exit(void)
{
	int i;

	unregister_rpmsg_driver(&fastrpc_rpmsg_driver);
	platform_driver_unregister(&fastrpc_cb_driver);
	/* Queued calls may hold the last channel references */
	fastrpc_invoke_exit();

	for (i = FASTRPC_NUM_DOMAINS - 1; i >= 0; i--) {
		if (fastrpc_devices[i])
			fastrpc_device_destroy(fastrpc_devices[i]);
		fastrpc_devices[i] = NULL;
	}
}
module_exit(fastrpc_exit);

MODULE_DESCRIPTION("Qualcomm FastRPC accel driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
