// SPDX-License-Identifier: GPL-2.0-only
/*
 * The accel face: the DRM driver's file operations, its ioctl table and
 * the INVOKE ioctl, whose call path the legacy face shares.
 */

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"

#define FASTRPC_ARG_MAX_SIZE	4096

/**
 * fastrpc_user_invoke() - a user's call to the DSP, from either face
 * @ffile: the caller's file
 * @params: the call's handle, sc, nargs and timeout; the rest is set here
 * @read_arg: reads argument @i of @uargs into a zeroed &struct fastrpc_karg
 * @uargs: the arguments as the face has them
 *
 * Return: 0 or a negative errno; @params->dsp_status is the DSP's result.
 */
int fastrpc_user_invoke(struct fastrpc_file *ffile,
			struct fastrpc_call_params *params,
			fastrpc_read_arg_t read_arg, const void *uargs)
{
	u32 nbufs = fastrpc_sc_nbufs(params->sc);
	struct fastrpc_proc_ref proc;
	struct fastrpc_karg *kargs;
	u32 i;
	int ret;

	ret = fastrpc_proc_get(ffile, &proc);
	if (ret)
		return ret;

	kargs = kcalloc(params->nargs, sizeof(*kargs), GFP_KERNEL);
	if (!kargs) {
		ret = -ENOMEM;
		goto out_put_proc;
	}

	for (i = 0; i < params->nargs && !ret; i++)
		ret = read_arg(ffile, proc.session, uargs, i, i >= nbufs,
			       &kargs[i]);
	if (!ret) {
		params->pid = proc.client_id;
		params->client = proc.client_id;
		params->pd = proc.pd;
		params->args = kargs;
		params->killable = true;
		params->user_file = ffile;
		ret = fastrpc_call_sync(proc.channel, proc.session, params);
	}

	for (i = 0; i < params->nargs; i++)
		fastrpc_mem_put_map(ffile, kargs[i].map);
	kfree(kargs);
out_put_proc:
	fastrpc_proc_put(&proc);
	return ret;
}

/* The DSP gets a handle's @handle as the fd, as %DRM_IOCTL_FASTRPC_MAP sends it */
static int fastrpc_invoke_read_arg(struct fastrpc_file *ffile,
				   struct fastrpc_session *session,
				   const void *uargs, u32 i, bool handle,
				   struct fastrpc_karg *karg)
{
	const struct drm_fastrpc_invoke *inv = uargs;
	const u8 __user *uarg = u64_to_user_ptr(inv->args);
	struct drm_fastrpc_arg arg;
	int ret;

	ret = copy_struct_from_user(&arg, sizeof(arg),
				    uarg + (size_t)i * inv->arg_size,
				    inv->arg_size);
	/* Unknown trailing bytes are reserved fields */
	if (ret == -E2BIG)
		return -EINVAL;
	if (ret)
		return ret;
	if (arg.flags & ~DRM_FASTRPC_BUF_FLAGS ||
	    arg.flags == DRM_FASTRPC_BUF_FLAGS)
		return -EINVAL;

	karg->len = arg.length;
	if (!arg.flags && !handle) {
		if (arg.handle || arg.offset)
			return -EINVAL;
		ret = fastrpc_args_check_range(arg.ptr, arg.length);
		if (ret)
			return ret;
		karg->user = true;
		karg->uptr = u64_to_user_ptr(arg.ptr);
		return 0;
	}

	if (!arg.flags || arg.ptr)
		return -EINVAL;
	ret = fastrpc_mem_get_map(ffile, session, arg.flags, arg.handle,
				  arg.offset, arg.length, &karg->map);
	if (ret)
		return ret;
	if (handle && (arg.offset > U32_MAX || arg.length > U32_MAX))
		return -EOVERFLOW;
	karg->offset = arg.offset;
	karg->fd = arg.handle;
	return 0;
}

static int fastrpc_ioctl_invoke(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct drm_fastrpc_invoke *inv = data;
	struct fastrpc_call_params params = {
		.handle = inv->handle,
		.sc = inv->sc,
		.nargs = inv->num_args,
		.timeout_ms = inv->timeout_ms,
	};
	int ret, idx;

	inv->dsp_status = 0;
	if (inv->flags || inv->pad || inv->sc & FASTRPC_SC_ATTR)
		return -EINVAL;
	if (inv->handle == FASTRPC_HANDLE_INIT)
		return -EPERM;
	if (inv->num_args != fastrpc_sc_nargs(inv->sc) ||
	    inv->arg_size < DRM_FASTRPC_ARG_MIN_SIZE ||
	    inv->arg_size > FASTRPC_ARG_MAX_SIZE)
		return -EINVAL;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	ret = fastrpc_user_invoke(file->driver_priv, &params,
				  fastrpc_invoke_read_arg, inv);
	inv->dsp_status = params.dsp_status;
	drm_dev_exit(idx);
	return ret;
}

static int fastrpc_open(struct drm_device *drm, struct drm_file *file)
{
	struct fastrpc_file *ffile __free(kfree) =
		kzalloc(sizeof(*ffile), GFP_KERNEL);
	int ret;

	if (!ffile)
		return -ENOMEM;
	ret = fastrpc_file_init(ffile, to_fastrpc_device(drm), file);
	if (!ret)
		file->driver_priv = no_free_ptr(ffile);
	return ret;
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

/* DRM_IOCTL_VERSION of 32-bit processes: 36 is sizeof(drm_version32_t) */
#define FASTRPC_DRM_IOCTL_VERSION32	_IOC(_IOC_READ | _IOC_WRITE, \
					     DRM_IOCTL_BASE, 0x00, 36)

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
	bool compat = in_compat_syscall();
	int ret;

	ret = fastrpc_check_cmd(cmd, compat);
	if (ret)
		return ret;
#ifdef CONFIG_COMPAT
	if (compat)
		return drm_compat_ioctl(filp, cmd, arg);
#endif
	return drm_ioctl(filp, cmd, arg);
}

static const struct file_operations fastrpc_accel_fops = {
	.owner = THIS_MODULE,
	.open = accel_open,
	.release = drm_release,
	.unlocked_ioctl = fastrpc_accel_ioctl,
	.compat_ioctl = fastrpc_accel_ioctl,
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

const struct drm_driver fastrpc_drm_driver = {
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
