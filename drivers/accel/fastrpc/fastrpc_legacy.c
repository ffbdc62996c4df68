// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/fastrpc-<domain>[-secure]: the UAPI of include/uapi/misc/fastrpc.h
 * on the accel core (Documentation/accel/fastrpc/legacy.rst).
 */

#include <linux/compat.h>
#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>
#include <uapi/misc/fastrpc.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"

/* Limits the legacy UAPI requires */
#define FASTRPC_LEGACY_SHELL_MAX	SZ_2M
#define FASTRPC_LEGACY_NAME_MAX		128
#define FASTRPC_LEGACY_DOMAINS		5	/* adsp .. cdsp1 */
#define FASTRPC_LEGACY_NODE_NAME	32

/* i386 layouts of the two structures with 64-bit tail padding */
#define FASTRPC_MEM_MAP_SIZE32		60
#define FASTRPC_MEM_UNMAP_SIZE32	44
#define FASTRPC_IOCTL_MEM_MAP32		_IOC(_IOC_READ | _IOC_WRITE, 'R', 10, \
					     FASTRPC_MEM_MAP_SIZE32)
#define FASTRPC_IOCTL_MEM_UNMAP32	_IOC(_IOC_READ | _IOC_WRITE, 'R', 11, \
					     FASTRPC_MEM_UNMAP_SIZE32)
static_assert(offsetofend(struct fastrpc_mem_map, reserved) == FASTRPC_MEM_MAP_SIZE32);
static_assert(offsetofend(struct fastrpc_mem_unmap, reserved) == FASTRPC_MEM_UNMAP_SIZE32);

/* @channel: the node is removed before the channel stops */
struct fastrpc_legacy_node {
	struct miscdevice misc;
	struct fastrpc_channel *channel;
	bool secure;
	char name[FASTRPC_LEGACY_NODE_NAME];
};

struct fastrpc_legacy {
	unsigned int count;
	struct fastrpc_legacy_node nodes[2];
};

/* @ffile is bound to a session from open() to release() */
struct fastrpc_legacy_file {
	struct fastrpc_file ffile;
	bool secure_node;
	bool has_pd;
};

static int fastrpc_legacy_open(struct inode *inode, struct file *filp)
{
	struct fastrpc_legacy_node *node =
		container_of(filp->private_data, struct fastrpc_legacy_node, misc);
	struct fastrpc_channel *channel = node->channel;
	struct fastrpc_legacy_file *lfile __free(kfree) = kzalloc(sizeof(*lfile), GFP_KERNEL);
	int ret;

	if (!lfile)
		return -ENOMEM;

	ret = fastrpc_file_init(&lfile->ffile, channel->fdev, NULL);
	if (ret)
		return ret;
	lfile->secure_node = node->secure;
	/*
	 * The only node of a domain with one is privileged too: its daemons
	 * have no other way in (privilege.rst).
	 */
	lfile->ffile.privileged =
		node->secure ||
		!fastrpc_domain_runs_unsigned(channel->fdev->domain_id);

	/* The legacy UAPI: every open takes a session or fails with -EBUSY */
	scoped_guard(mutex, &lfile->ffile.lock)
		ret = fastrpc_proc_bind_locked(&lfile->ffile, channel);
	if (ret) {
		fastrpc_file_fini(&lfile->ffile);
		return ret;
	}

	filp->private_data = no_free_ptr(lfile);
	return 0;
}

static int fastrpc_legacy_release(struct inode *inode, struct file *filp)
{
	struct fastrpc_legacy_file *lfile = filp->private_data;

	fastrpc_file_fini(&lfile->ffile);
	kfree(lfile);
	return 0;
}

/*
 * Offset of @ptr in @dmabuf through the caller's VMA mapping it; with no
 * such VMA, the in-page offset the legacy UAPI implies.
 */
static int fastrpc_legacy_buf_offset(struct dma_buf *dmabuf, u64 ptr, u64 *offset)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret;

	*offset = offset_in_page(ptr);
	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	vma = vma_lookup(mm, ptr);
	if (vma) {
		*offset = ptr - vma->vm_start;
		/* Pages into the dma-buf: fastrpc_gem_mmap() removed our fake offset */
		if (vma->vm_file == dmabuf->file)
			*offset += (u64)vma->vm_pgoff << PAGE_SHIFT;
	}
	mmap_read_unlock(mm);
	return 0;
}

/* @ptr is the offset in dma-buf @fd or, with @user_ptr, a user address */
static int fastrpc_legacy_get_map(struct fastrpc_file *ffile, struct fastrpc_session *session,
				  s32 fd, u64 ptr, u64 len, bool user_ptr,
				  struct fastrpc_karg *karg)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);
	u64 offset = ptr;
	int ret = 0;

	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	if (user_ptr)
		ret = fastrpc_legacy_buf_offset(dmabuf, ptr, &offset);
	if (!ret)
		ret = fastrpc_mem_get_map_dmabuf(ffile, session, dmabuf, offset, len, &karg->map);
	dma_buf_put(dmabuf);
	if (ret == -ERANGE || ret == -EOVERFLOW)
		return -EINVAL;
	if (ret)
		return ret;
	karg->len = len;
	karg->offset = offset;
	return 0;
}

/*
 * A buffer of fd 0 or -1 is copied; an empty dma-buf argument is sent empty
 * too. attr (FASTRPC_ATTR_SECUREMAP) is ignored: see legacy.rst. A handle
 * goes as fd, ptr and length (the handle's fd, offset and length), with its
 * dma-buf mapped whole; values wider than the wire's 32 bits are rejected.
 */
static int fastrpc_legacy_read_arg(struct fastrpc_file *ffile, struct fastrpc_session *session,
				   const void *uargs, u32 i, bool handle, struct fastrpc_karg *karg)
{
	const struct fastrpc_invoke_args *args = uargs;
	const struct fastrpc_invoke_args *arg = &args[i];
	int ret;

	if (handle && (arg->ptr > U32_MAX || arg->length > U32_MAX))
		return -EINVAL;

	karg->fd = arg->fd;
	karg->offset = arg->ptr;
	karg->len = arg->length;
	if (arg->fd == 0 || arg->fd == -1 || !arg->length) {
		if (handle)
			return 0;
		if (fastrpc_args_check_range(arg->ptr, arg->length))
			return -EFAULT;
		karg->user = true;
		karg->uptr = u64_to_user_ptr(arg->ptr);
		return 0;
	}

	ret = fastrpc_legacy_get_map(ffile, session, arg->fd, arg->ptr,
				     arg->length, !handle, karg);
	/* The legacy UAPI reports every buffer error as -EINVAL */
	if (ret && ret != -ENOMEM)
		return -EINVAL;
	return ret;
}

/*
 * The legacy UAPI returns the DSP's result as the ioctl's value; one in the
 * kernel's errno range (-ERESTARTSYS and kin would restart the syscall and
 * resend the call) becomes -EREMOTEIO.
 */
static int fastrpc_legacy_dsp_result(u32 dsp_status)
{
	int ret = (int)dsp_status;

	if (ret <= -ERESTARTSYS && ret >= -ENOGRACE)
		return -EREMOTEIO;
	return ret;
}

static int fastrpc_legacy_invoke(struct fastrpc_legacy_file *lfile,
				 unsigned int cmd, void __user *argp)
{
	struct fastrpc_call_params params;
	struct fastrpc_invoke inv;
	int ret;

	if (copy_from_user(&inv, argp, sizeof(inv)))
		return -EFAULT;

	params = (struct fastrpc_call_params) {
		.handle = inv.handle,
		.sc = inv.sc,
		.nargs = fastrpc_sc_nargs(inv.sc),
	};
	struct fastrpc_invoke_args *uargs __free(kfree) =
		memdup_array_user(u64_to_user_ptr(inv.args), params.nargs, sizeof(*uargs));
	if (IS_ERR(uargs))
		return PTR_ERR(uargs);

	if (inv.handle == FASTRPC_HANDLE_INIT)
		return -EPERM;
	ret = fastrpc_user_invoke(&lfile->ffile, &params, fastrpc_legacy_read_arg, uargs);
	if (params.dsp_status)
		return fastrpc_legacy_dsp_result(params.dsp_status);
	return ret;
}

/* @init: the call was an INIT_*, which gives the file its PD if it succeeded */
static int fastrpc_legacy_unlock(struct fastrpc_legacy_file *lfile,
				 struct fastrpc_proc_ref *proc, int ret, bool init)
{
	if (init && !ret)
		WRITE_ONCE(lfile->has_pd, true);
	if (ret && lfile->ffile.dsp_status)
		ret = fastrpc_legacy_dsp_result(lfile->ffile.dsp_status);
	mutex_unlock(&lfile->ffile.lock);
	fastrpc_proc_put(proc);
	return ret;
}

/* @init: for INIT_*, of which a second would leak the first PD's memory */
static int fastrpc_legacy_lock(struct fastrpc_legacy_file *lfile,
			       struct fastrpc_proc_ref *proc, bool init)
{
	int ret = fastrpc_mem_lock_proc(&lfile->ffile, proc);

	if (ret)
		return ret;
	lfile->ffile.dsp_status = 0;
	if (init && lfile->has_pd)
		return fastrpc_legacy_unlock(lfile, proc, -EALREADY, true);
	return 0;
}

static int fastrpc_legacy_init_attach(struct fastrpc_legacy_file *lfile,
				      unsigned int cmd, void __user *argp)
{
	struct fastrpc_proc_ref proc;
	int ret;

	if (!lfile->ffile.privileged)
		return -EACCES;
	ret = fastrpc_legacy_lock(lfile, &proc, true);
	if (ret)
		return ret;
	ret = fastrpc_proc_attach_locked(&lfile->ffile,
					 cmd == FASTRPC_IOCTL_INIT_ATTACH_SNS ?
					 FASTRPC_PD_SENSORS : FASTRPC_PD_ROOT);
	return fastrpc_legacy_unlock(lfile, &proc, ret, true);
}

static int fastrpc_legacy_init_create(struct fastrpc_legacy_file *lfile,
				      unsigned int cmd, void __user *argp)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_init_create init;
	struct fastrpc_karg shell = {};
	struct fastrpc_proc_ref proc;
	int ret;

	if (copy_from_user(&init, argp, sizeof(init)))
		return -EFAULT;
	if (init.filelen > FASTRPC_LEGACY_SHELL_MAX)
		return -EINVAL;

	ret = fastrpc_legacy_lock(lfile, &proc, true);
	if (ret)
		return ret;

	/*
	 * The legacy UAPI's only policy: a non-secure node of a secure channel
	 * may create an unsigned PD, on a domain that runs them, and nothing
	 * else.
	 */
	if (!lfile->secure_node && ffile->channel->secure &&
	    (!(init.attrs & FASTRPC_MODE_UNSIGNED_MODULE) ||
	     !fastrpc_domain_runs_unsigned(ffile->fdev->domain_id))) {
		ret = -ECONNREFUSED;
		goto out_unlock;
	}

	if (init.filelen && init.filefd) {
		/* The DSP reads the shell from the dma-buf in place */
		ret = fastrpc_legacy_get_map(ffile, ffile->session, init.filefd,
					     init.file, init.filelen, true,
					     &shell);
		if (ret)
			goto out_unlock;
	} else {
		shell.len = init.filelen;
		shell.user = true;
		shell.uptr = u64_to_user_ptr(init.file);
	}

	ret = fastrpc_proc_create_locked(ffile, &shell, init.attrs, init.siglen);
	fastrpc_mem_put_map(ffile, shell.map);
out_unlock:
	return fastrpc_legacy_unlock(lfile, &proc, ret, true);
}

static int fastrpc_legacy_init_create_static(struct fastrpc_legacy_file *lfile, unsigned int cmd,
					     void __user *argp)
{
	struct fastrpc_init_create_static init;
	struct fastrpc_proc_ref proc;
	int ret;

	if (!lfile->ffile.privileged)
		return -EACCES;
	if (copy_from_user(&init, argp, sizeof(init)))
		return -EFAULT;
	if (init.namelen > FASTRPC_LEGACY_NAME_MAX)
		return -EINVAL;

	char *name __free(kfree) = memdup_user(u64_to_user_ptr(init.name), init.namelen);
	if (IS_ERR(name))
		return PTR_ERR(name);

	ret = fastrpc_legacy_lock(lfile, &proc, true);
	if (ret)
		return ret;
	ret = fastrpc_proc_create_static_locked(&lfile->ffile, name, init.namelen, init.memlen);
	return fastrpc_legacy_unlock(lfile, &proc, ret, true);
}

static int fastrpc_legacy_alloc_dma_buf(struct fastrpc_legacy_file *lfile,
					unsigned int cmd, void __user *argp)
{
	struct fastrpc_alloc_dma_buf req;
	int fd;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;

	/*
	 * flags are ignored and there is no O_CLOEXEC, as the legacy UAPI
	 * has it. Its users never sync this memory, so it is not synced.
	 */
	fd = fastrpc_gem_create_dmabuf_fd(lfile->ffile.fdev, req.size,
					  lfile->ffile.channel->noncoherent, O_RDWR);
	if (fd < 0)
		return fd;

	req.fd = fd;
	/* The fd is installed: process exit closes it */
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

/* Undo the DSP mapping just added when its address cannot be returned */
static int fastrpc_legacy_reply_locked(struct fastrpc_file *ffile, void __user *argp,
				       const void *req, size_t size)
{
	lockdep_assert_held(&ffile->lock);

	if (!copy_to_user(argp, req, size))
		return 0;
	fastrpc_mem_dsp_unmap_locked(ffile, list_last_entry(&ffile->dsp_maps,
							    struct fastrpc_dsp_map, node));
	ffile->dsp_status = 0;
	return -EFAULT;
}

static int fastrpc_legacy_mmap(struct fastrpc_legacy_file *lfile,
			       unsigned int cmd, void __user *argp)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_mem_req mreq;
	struct fastrpc_proc_ref proc;
	struct fastrpc_req_mmap req;
	struct drm_gem_object *obj;
	struct fastrpc_bo_map *map;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.vaddrin ||
	    (req.flags != FASTRPC_MMAP_ADD_PAGES && req.flags != FASTRPC_MMAP_REMOTE_HEAP))
		return -EINVAL;

	/* Its size check (1 byte to 2 GiB) serves the reserved memory too */
	obj = fastrpc_gem_create_kernel(ffile->fdev, req.size, false);
	if (IS_ERR(obj))
		return PTR_ERR(obj);

	ret = fastrpc_legacy_lock(lfile, &proc, false);
	if (ret)
		goto out_put_obj;

	mreq = (struct fastrpc_mem_req) {
		.len = req.size,
		.fd = req.fd,
		.heap = true,
		.flags = req.flags,
	};
	/*
	 * REMOTE_HEAP takes reserved memory, which is for privileged PDs;
	 * without it the pages come from the file's context bank as for
	 * ADD_PAGES, freed at MUNMAP.
	 */
	if (req.flags == FASTRPC_MMAP_REMOTE_HEAP && ffile->channel->rheap) {
		if (ffile->privileged)
			ret = fastrpc_mem_dsp_map_rheap_locked(ffile, PAGE_ALIGN(req.size),
							       req.fd, &mreq.dsp_addr);
		else
			ret = -EACCES;
	} else {
		map = fastrpc_bo_map_create(obj, ffile->session);
		if (IS_ERR(map))
			ret = PTR_ERR(map);
		else
			ret = fastrpc_mem_dsp_map_locked(ffile, map, &mreq);
	}
	if (!ret) {
		req.vaddrout = mreq.dsp_addr;
		ret = fastrpc_legacy_reply_locked(ffile, argp, &req, sizeof(req));
	}
	ret = fastrpc_legacy_unlock(lfile, &proc, ret, false);
out_put_obj:
	drm_gem_object_put(obj);
	return ret;
}

/* MUNMAP names a heap mapping by its size, MEM_UNMAP others by their fd */
static int fastrpc_legacy_unmap(struct fastrpc_legacy_file *lfile, bool heap,
				u64 dsp_addr, u64 len, s32 fd)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_dsp_map *dsp, *found = NULL;
	struct fastrpc_proc_ref proc;
	int ret;

	ret = fastrpc_legacy_lock(lfile, &proc, false);
	if (ret)
		return ret;

	list_for_each_entry(dsp, &ffile->dsp_maps, node) {
		if (dsp->heap == heap && !dsp->lost &&
		    dsp->dsp_addr == dsp_addr &&
		    (heap ? dsp->len == len : (fd < 0 || dsp->fd == fd))) {
			found = dsp;
			break;
		}
	}
	ret = found ? fastrpc_mem_dsp_unmap_locked(ffile, found) : -EINVAL;
	return fastrpc_legacy_unlock(lfile, &proc, ret, false);
}

static int fastrpc_legacy_munmap(struct fastrpc_legacy_file *lfile,
				 unsigned int cmd, void __user *argp)
{
	struct fastrpc_req_munmap req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return fastrpc_legacy_unmap(lfile, true, req.vaddrout, req.size, -1);
}

/* MEM_UNMAP and MEM_MAP copy the command's size: 32-bit forms are shorter */
static int fastrpc_legacy_mem_unmap(struct fastrpc_legacy_file *lfile,
				    unsigned int cmd, void __user *argp)
{
	struct fastrpc_mem_unmap req = {};

	if (copy_from_user(&req, argp, _IOC_SIZE(cmd)))
		return -EFAULT;
	return fastrpc_legacy_unmap(lfile, false, req.vaddr, 0, req.fd);
}

static int fastrpc_legacy_mem_map(struct fastrpc_legacy_file *lfile,
				  unsigned int cmd, void __user *argp)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_karg buf = {};
	struct fastrpc_mem_req mreq;
	struct fastrpc_proc_ref proc;
	struct fastrpc_mem_map req = {};
	int ret;

	if (copy_from_user(&req, argp, _IOC_SIZE(cmd)))
		return -EFAULT;
	/* version, attrs and reserved are ignored by the legacy UAPI */
	if (!req.length)
		return -EINVAL;

	ret = fastrpc_legacy_lock(lfile, &proc, false);
	if (ret)
		return ret;

	/* The whole buffer from its start, whatever vaddrin says */
	ret = fastrpc_legacy_get_map(ffile, ffile->session, req.fd, 0, req.length, false, &buf);
	if (ret)
		goto out_unlock;

	mreq = (struct fastrpc_mem_req) {
		.len = req.length,
		.fd = req.fd,
		.flags = req.flags,
		.dsp_offset = req.offset,
		.vaddrin = req.vaddrin,
	};
	ret = fastrpc_mem_dsp_map_locked(ffile, buf.map, &mreq);
	if (!ret) {
		req.vaddrout = mreq.dsp_addr;
		ret = fastrpc_legacy_reply_locked(ffile, argp, &req, _IOC_SIZE(cmd));
	}
out_unlock:
	return fastrpc_legacy_unlock(lfile, &proc, ret, false);
}

static int fastrpc_legacy_get_dsp_info(struct fastrpc_legacy_file *lfile,
				       unsigned int cmd, void __user *argp)
{
	struct fastrpc_ioctl_capability cap;
	int ret;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;

	/* domain is only checked: the query goes to the file's DSP */
	if (cap.domain >= FASTRPC_LEGACY_DOMAINS || cap.domain == DRM_FASTRPC_DOMAIN_MDSP)
		return -ECHRNG;
	if (cap.attribute_id >= DRM_FASTRPC_DSP_ATTR_COUNT)
		return -EOVERFLOW;

	u32 *attrs __free(kfree) = kcalloc(DRM_FASTRPC_DSP_ATTR_COUNT, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return -ENOMEM;
	ret = fastrpc_proc_dsp_attrs(&lfile->ffile, attrs);
	if (ret)
		return ret;
	/* Attribute 0 is the library's to fill in */
	cap.capability = cap.attribute_id ? attrs[cap.attribute_id] : 0;
	return copy_to_user(argp, &cap, sizeof(cap)) ? -EFAULT : 0;
}

struct fastrpc_legacy_ioctl {
	unsigned int cmd;
	int (*func)(struct fastrpc_legacy_file *lfile, unsigned int cmd, void __user *argp);
	bool root;	/* reaches the root PD from a file with no process */
	bool compat;	/* 32-bit processes only */
};

static const struct fastrpc_legacy_ioctl fastrpc_legacy_ioctls[] = {
	{ FASTRPC_IOCTL_INVOKE, fastrpc_legacy_invoke, .root = true },
	{ FASTRPC_IOCTL_INIT_ATTACH, fastrpc_legacy_init_attach },
	{ FASTRPC_IOCTL_INIT_ATTACH_SNS, fastrpc_legacy_init_attach },
	{ FASTRPC_IOCTL_INIT_CREATE, fastrpc_legacy_init_create },
	{ FASTRPC_IOCTL_INIT_CREATE_STATIC, fastrpc_legacy_init_create_static },
	{ FASTRPC_IOCTL_ALLOC_DMA_BUFF, fastrpc_legacy_alloc_dma_buf },
	{ FASTRPC_IOCTL_MMAP, fastrpc_legacy_mmap, .root = true },
	{ FASTRPC_IOCTL_MUNMAP, fastrpc_legacy_munmap },
	{ FASTRPC_IOCTL_MEM_MAP, fastrpc_legacy_mem_map, .root = true },
	{ FASTRPC_IOCTL_MEM_UNMAP, fastrpc_legacy_mem_unmap },
	{ FASTRPC_IOCTL_GET_DSP_INFO, fastrpc_legacy_get_dsp_info },
#ifdef CONFIG_COMPAT
	/* Where u64 is 4-byte aligned, the short forms are the native ones */
	{ FASTRPC_IOCTL_MEM_MAP32, fastrpc_legacy_mem_map, .root = true, .compat = true },
	{ FASTRPC_IOCTL_MEM_UNMAP32, fastrpc_legacy_mem_unmap, .compat = true },
#endif
};

static long fastrpc_legacy_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct fastrpc_legacy_file *lfile = filp->private_data;
	const struct fastrpc_legacy_ioctl *ioc = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fastrpc_legacy_ioctls) && !ioc; i++) {
		if (fastrpc_legacy_ioctls[i].cmd == cmd &&
		    (!fastrpc_legacy_ioctls[i].compat || in_compat_syscall()))
			ioc = &fastrpc_legacy_ioctls[i];
	}
	/* FREE_DMA_BUFF is not implemented */
	if (!ioc)
		return -ENOTTY;
	/* A file with no process talks to the root PD: privileged nodes only */
	if (ioc->root && !lfile->ffile.privileged && !READ_ONCE(lfile->has_pd))
		return -EACCES;

	ret = ioc->func(lfile, cmd, (void __user *)arg);
	/* The legacy UAPI reports a lost DSP as -EPIPE */
	return ret == -ENODEV ? -EPIPE : ret;
}

static const struct file_operations fastrpc_legacy_fops = {
	.owner = THIS_MODULE,
	.open = fastrpc_legacy_open,
	.release = fastrpc_legacy_release,
	.unlocked_ioctl = fastrpc_legacy_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static int fastrpc_legacy_add_node(struct fastrpc_legacy *legacy, struct fastrpc_channel *channel,
				   bool secure)
{
	struct fastrpc_legacy_node *node = &legacy->nodes[legacy->count];
	int ret;

	snprintf(node->name, sizeof(node->name), "fastrpc-%s%s",
		 channel->fdev->label, secure ? "-secure" : "");
	node->channel = channel;
	node->secure = secure;
	node->misc.minor = MISC_DYNAMIC_MINOR;
	node->misc.name = node->name;
	node->misc.fops = &fastrpc_legacy_fops;

	ret = misc_register(&node->misc);
	if (ret)
		drm_err(&channel->fdev->drm, "registering /dev/%s: %d\n", node->name, ret);
	else
		legacy->count++;
	return ret;
}

/*
 * Node names follow the legacy UAPI: adsp, mdsp and sdsp have one node,
 * "-secure" on a secure channel; cdsp and later have both.
 */
int fastrpc_legacy_register(struct fastrpc_channel *channel)
{
	struct fastrpc_legacy *legacy = kzalloc(sizeof(*legacy), GFP_KERNEL);
	int ret;

	if (!legacy)
		return -ENOMEM;

	if (fastrpc_domain_runs_unsigned(channel->fdev->domain_id)) {
		ret = fastrpc_legacy_add_node(legacy, channel, true);
		if (!ret)
			ret = fastrpc_legacy_add_node(legacy, channel, false);
	} else {
		ret = fastrpc_legacy_add_node(legacy, channel, channel->secure);
	}
	channel->legacy = legacy;
	if (ret)
		fastrpc_legacy_unregister(channel);
	return ret;
}

/* Open files stay valid and see the channel go away like accel files */
void fastrpc_legacy_unregister(struct fastrpc_channel *channel)
{
	struct fastrpc_legacy *legacy = channel->legacy;
	unsigned int i;

	if (!legacy)
		return;
	for (i = 0; i < legacy->count; i++)
		misc_deregister(&legacy->nodes[i].misc);
	channel->legacy = NULL;
	kfree(legacy);
}
