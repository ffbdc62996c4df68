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
static_assert(offsetofend(struct fastrpc_mem_map, reserved) ==
	      FASTRPC_MEM_MAP_SIZE32);
static_assert(offsetofend(struct fastrpc_mem_unmap, reserved) ==
	      FASTRPC_MEM_UNMAP_SIZE32);

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
		container_of(filp->private_data, struct fastrpc_legacy_node,
			     misc);
	struct fastrpc_channel *channel = node->channel;
	struct fastrpc_legacy_file *lfile;
	int ret;

	lfile = kzalloc(sizeof(*lfile), GFP_KERNEL);
	if (!lfile)
		return -ENOMEM;

	ret = fastrpc_file_init(&lfile->ffile, channel->fdev, NULL);
	if (ret) {
		kfree(lfile);
		return ret;
	}
	lfile->secure_node = node->secure;
	/*
	 * The only node of a domain with one is privileged too: its daemons
	 * have no other way in (privilege.rst).
	 */
	lfile->ffile.privileged =
		node->secure ||
		!fastrpc_domain_runs_unsigned(channel->fdev->domain_id);

	/* The legacy UAPI: every open takes a session or fails with -EBUSY */
	mutex_lock(&lfile->ffile.lock);
	ret = fastrpc_proc_bind_locked(&lfile->ffile, channel);
	mutex_unlock(&lfile->ffile.lock);
	if (ret) {
		fastrpc_file_fini(&lfile->ffile);
		kfree(lfile);
		return ret;
	}

	filp->private_data = lfile;
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
static int fastrpc_legacy_buf_offset(struct dma_buf *dmabuf, u64 ptr,
				     u64 *offset)
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
		if (vma->vm_file == dmabuf->file)
			*offset += fastrpc_gem_dmabuf_vma_offset(dmabuf, vma);
	}
	mmap_read_unlock(mm);
	return 0;
}

static int fastrpc_legacy_get_map(struct fastrpc_file *ffile,
				  struct fastrpc_session *session, s32 fd,
				  u64 ptr, u64 len, struct fastrpc_karg *karg)
{
	struct dma_buf *dmabuf;
	u64 offset;
	int ret;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = fastrpc_legacy_buf_offset(dmabuf, ptr, &offset);
	if (!ret)
		ret = fastrpc_mem_get_map_dmabuf(ffile, session, dmabuf, offset,
						 len, &karg->map);
	dma_buf_put(dmabuf);
	switch (ret) {
	case 0:
		break;
	case -ERANGE:
	case -EOVERFLOW:
		return -EINVAL;
	default:
		return ret;
	}
	karg->len = len;
	karg->offset = offset;
	return 0;
}

static int fastrpc_legacy_read_arg(struct fastrpc_file *ffile,
				   struct fastrpc_session *session,
				   const struct fastrpc_invoke_args *arg,
				   struct fastrpc_karg *karg)
{
	int ret;

	/* fd 0 or -1: copied; an empty dma-buf argument is sent empty too */
	if (arg->fd == 0 || arg->fd == -1 || !arg->length) {
		if (fastrpc_args_check_range(arg->ptr, arg->length))
			return -EFAULT;
		karg->len = arg->length;
		karg->user = true;
		karg->uptr = u64_to_user_ptr(arg->ptr);
		return 0;
	}
	/* attr (FASTRPC_ATTR_SECUREMAP) is ignored: see legacy.rst */
	ret = fastrpc_legacy_get_map(ffile, session, arg->fd, arg->ptr,
				     arg->length, karg);
	/* The legacy UAPI reports every buffer error as -EINVAL */
	if (ret && ret != -ENOMEM)
		return -EINVAL;
	return ret;
}

/*
 * The legacy UAPI sends fd, ptr and length as the handle's fd, offset and
 * length; a dma-buf is mapped whole. Values wider than the wire's 32 bits
 * or a range outside the buffer are rejected.
 */
static int fastrpc_legacy_read_handle(struct fastrpc_file *ffile,
				      struct fastrpc_session *session,
				      const struct fastrpc_invoke_args *arg,
				      struct fastrpc_karg *karg)
{
	struct dma_buf *dmabuf;
	int ret;

	if (arg->ptr > U32_MAX || arg->length > U32_MAX)
		return -EINVAL;

	karg->fd = arg->fd;
	karg->offset = arg->ptr;
	karg->len = arg->length;
	if (arg->fd == 0 || arg->fd == -1 || !arg->length)
		return 0;

	dmabuf = dma_buf_get(arg->fd);
	if (IS_ERR(dmabuf))
		return -EINVAL;
	ret = fastrpc_mem_get_map_dmabuf(ffile, session, dmabuf, arg->ptr,
					 arg->length, &karg->map);
	dma_buf_put(dmabuf);
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
				 void __user *argp)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_invoke_args *uargs = NULL;
	struct fastrpc_call_params params;
	struct fastrpc_karg *kargs = NULL;
	struct fastrpc_proc_ref proc;
	struct fastrpc_invoke inv;
	u32 nargs, nbufs, i;
	int ret;

	if (copy_from_user(&inv, argp, sizeof(inv)))
		return -EFAULT;

	nargs = fastrpc_sc_nargs(inv.sc);
	nbufs = fastrpc_sc_nbufs(inv.sc);
	if (nargs) {
		uargs = memdup_array_user(u64_to_user_ptr(inv.args), nargs,
					  sizeof(*uargs));
		if (IS_ERR(uargs))
			return PTR_ERR(uargs);
	}

	if (inv.handle == FASTRPC_HANDLE_INIT) {
		ret = -EPERM;
		goto out_free_uargs;
	}

	ret = fastrpc_proc_get(ffile, &proc);
	if (ret)
		goto out_free_uargs;

	kargs = kcalloc(nargs, sizeof(*kargs), GFP_KERNEL);
	if (!kargs) {
		ret = -ENOMEM;
		goto out_put_proc;
	}

	for (i = 0; i < nargs; i++) {
		if (i < nbufs)
			ret = fastrpc_legacy_read_arg(ffile, proc.session,
						      &uargs[i], &kargs[i]);
		else
			ret = fastrpc_legacy_read_handle(ffile, proc.session,
							 &uargs[i], &kargs[i]);
		if (ret)
			goto out_put_args;
	}

	params = (struct fastrpc_call_params) {
		.handle = inv.handle,
		.sc = inv.sc,
		.pid = proc.client_id,
		.client = proc.client_id,
		.pd = proc.pd,
		.args = kargs,
		.nargs = nargs,
		.killable = true,
		.user_file = ffile,
	};
	ret = fastrpc_call_sync(proc.channel, proc.session, &params);
	if (params.dsp_status)
		ret = fastrpc_legacy_dsp_result(params.dsp_status);

out_put_args:
	for (i = 0; i < nargs; i++)
		fastrpc_mem_put_map(ffile, kargs[i].map);
	kfree(kargs);
out_put_proc:
	fastrpc_proc_put(&proc);
out_free_uargs:
	kfree(uargs);
	return ret;
}

static int fastrpc_legacy_lock(struct fastrpc_legacy_file *lfile,
			       struct fastrpc_proc_ref *proc)
{
	int ret;

	ret = fastrpc_mem_lock_proc(&lfile->ffile, proc);
	if (!ret)
		lfile->ffile.dsp_status = 0;
	return ret;
}

/* A second INIT_* would leak the first PD's memory */
static int fastrpc_legacy_lock_init(struct fastrpc_legacy_file *lfile,
				    struct fastrpc_proc_ref *proc)
{
	int ret;

	ret = fastrpc_legacy_lock(lfile, proc);
	if (ret)
		return ret;
	if (lfile->has_pd) {
		mutex_unlock(&lfile->ffile.lock);
		fastrpc_proc_put(proc);
		return -EALREADY;
	}
	return 0;
}

static int fastrpc_legacy_unlock(struct fastrpc_legacy_file *lfile,
				 struct fastrpc_proc_ref *proc, int ret)
{
	if (ret && lfile->ffile.dsp_status)
		ret = fastrpc_legacy_dsp_result(lfile->ffile.dsp_status);
	mutex_unlock(&lfile->ffile.lock);
	fastrpc_proc_put(proc);
	return ret;
}

static int fastrpc_legacy_init_attach(struct fastrpc_legacy_file *lfile,
				      u32 pd)
{
	struct fastrpc_proc_ref proc;
	int ret;

	if (!lfile->ffile.privileged)
		return -EACCES;
	ret = fastrpc_legacy_lock_init(lfile, &proc);
	if (ret)
		return ret;
	ret = fastrpc_proc_attach_locked(&lfile->ffile, pd);
	if (!ret)
		WRITE_ONCE(lfile->has_pd, true);
	return fastrpc_legacy_unlock(lfile, &proc, ret);
}

/*
 * The legacy UAPI's only policy: a non-secure node of a secure channel
 * may create an unsigned PD, on a domain that runs them, and nothing else.
 */
static bool fastrpc_legacy_rejected(struct fastrpc_legacy_file *lfile,
				    u32 attrs)
{
	struct fastrpc_channel *channel = lfile->ffile.channel;

	if (lfile->secure_node || !channel->secure)
		return false;
	return !(attrs & FASTRPC_MODE_UNSIGNED_MODULE) ||
	       !fastrpc_domain_runs_unsigned(channel->fdev->domain_id);
}

static int fastrpc_legacy_init_create(struct fastrpc_legacy_file *lfile,
				      void __user *argp)
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

	ret = fastrpc_legacy_lock_init(lfile, &proc);
	if (ret)
		return ret;

	if (fastrpc_legacy_rejected(lfile, init.attrs)) {
		ret = -ECONNREFUSED;
		goto out_unlock;
	}

	if (init.filelen && init.filefd) {
		/* The DSP reads the shell from the dma-buf in place */
		ret = fastrpc_legacy_get_map(ffile, ffile->session, init.filefd,
					     init.file, init.filelen, &shell);
		if (ret)
			goto out_unlock;
	} else {
		shell.len = init.filelen;
		shell.user = true;
		shell.uptr = u64_to_user_ptr(init.file);
	}

	ret = fastrpc_proc_create_locked(ffile, &shell, init.attrs,
					 init.siglen);
	if (!ret)
		WRITE_ONCE(lfile->has_pd, true);
	fastrpc_mem_put_map(ffile, shell.map);
out_unlock:
	return fastrpc_legacy_unlock(lfile, &proc, ret);
}

static int fastrpc_legacy_init_create_static(struct fastrpc_legacy_file *lfile,
					     void __user *argp)
{
	struct fastrpc_init_create_static init;
	struct fastrpc_proc_ref proc;
	char *name;
	int ret;

	if (!lfile->ffile.privileged)
		return -EACCES;
	if (copy_from_user(&init, argp, sizeof(init)))
		return -EFAULT;
	if (init.namelen > FASTRPC_LEGACY_NAME_MAX)
		return -EINVAL;

	name = memdup_user(u64_to_user_ptr(init.name), init.namelen);
	if (IS_ERR(name))
		return PTR_ERR(name);

	ret = fastrpc_legacy_lock_init(lfile, &proc);
	if (ret)
		goto out_free;
	ret = fastrpc_proc_create_static_locked(&lfile->ffile, name,
						init.namelen, init.memlen);
	if (!ret)
		WRITE_ONCE(lfile->has_pd, true);
	ret = fastrpc_legacy_unlock(lfile, &proc, ret);
out_free:
	kfree(name);
	return ret;
}

static int fastrpc_legacy_alloc_dma_buf(struct fastrpc_legacy_file *lfile,
					void __user *argp)
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
					  lfile->ffile.channel->noncoherent,
					  O_RDWR);
	if (fd < 0)
		return fd;

	req.fd = fd;
	/* The fd is installed: process exit closes it */
	if (copy_to_user(argp, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

/* Undo the DSP mapping just added when its address cannot be returned */
static int fastrpc_legacy_reply_locked(struct fastrpc_file *ffile,
				       void __user *argp, const void *req,
				       size_t size)
{
	lockdep_assert_held(&ffile->lock);

	if (!copy_to_user(argp, req, size))
		return 0;
	fastrpc_mem_dsp_unmap_locked(ffile,
				     list_last_entry(&ffile->dsp_maps,
						     struct fastrpc_dsp_map,
						     node));
	ffile->dsp_status = 0;
	return -EFAULT;
}

/*
 * REMOTE_HEAP takes reserved memory, which is for privileged PDs; without
 * it the pages come from the file's context bank as for ADD_PAGES.
 */
static int fastrpc_legacy_mmap_rheap_locked(struct fastrpc_file *ffile,
					    void __user *argp,
					    struct fastrpc_req_mmap *req)
{
	u64 dsp_addr;
	int ret;

	lockdep_assert_held(&ffile->lock);

	if (!ffile->privileged)
		return -EACCES;
	if (!req->size || req->size > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;

	ret = fastrpc_mem_dsp_map_rheap_locked(ffile, PAGE_ALIGN(req->size),
					       req->fd, &dsp_addr);
	if (ret)
		return ret;
	req->vaddrout = dsp_addr;
	return fastrpc_legacy_reply_locked(ffile, argp, req, sizeof(*req));
}

static int fastrpc_legacy_mmap(struct fastrpc_legacy_file *lfile,
			       void __user *argp)
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
	if (req.flags != FASTRPC_MMAP_ADD_PAGES &&
	    req.flags != FASTRPC_MMAP_REMOTE_HEAP)
		return -EINVAL;
	if (req.vaddrin)
		return -EINVAL;

	obj = fastrpc_gem_create_kernel(ffile->fdev, req.size, false);
	if (IS_ERR(obj))
		return PTR_ERR(obj);

	ret = fastrpc_legacy_lock(lfile, &proc);
	if (ret)
		goto out_put_obj;

	if (req.flags == FASTRPC_MMAP_REMOTE_HEAP && ffile->channel->rheap) {
		ret = fastrpc_legacy_mmap_rheap_locked(ffile, argp, &req);
		goto out_unlock;
	}

	/* Freed at MUNMAP */
	map = fastrpc_bo_map_create(obj, ffile->session);
	if (IS_ERR(map)) {
		ret = PTR_ERR(map);
		goto out_unlock;
	}

	mreq = (struct fastrpc_mem_req) {
		.len = req.size,
		.fd = req.fd,
		.heap = true,
		.flags = req.flags,
	};
	ret = fastrpc_mem_dsp_map_locked(ffile, map, &mreq);
	if (!ret) {
		req.vaddrout = mreq.dsp_addr;
		ret = fastrpc_legacy_reply_locked(ffile, argp, &req,
						  sizeof(req));
	}
out_unlock:
	ret = fastrpc_legacy_unlock(lfile, &proc, ret);
out_put_obj:
	drm_gem_object_put(obj);
	return ret;
}

static int fastrpc_legacy_munmap(struct fastrpc_legacy_file *lfile,
				 void __user *argp)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_dsp_map *dsp, *found = NULL;
	struct fastrpc_req_munmap req;
	struct fastrpc_proc_ref proc;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;

	ret = fastrpc_legacy_lock(lfile, &proc);
	if (ret)
		return ret;

	list_for_each_entry(dsp, &ffile->dsp_maps, node) {
		if (dsp->heap && !dsp->lost && dsp->dsp_addr == req.vaddrout &&
		    dsp->len == req.size) {
			found = dsp;
			break;
		}
	}
	ret = found ? fastrpc_mem_dsp_unmap_locked(ffile, found) : -EINVAL;
	return fastrpc_legacy_unlock(lfile, &proc, ret);
}

static int fastrpc_legacy_mem_map(struct fastrpc_legacy_file *lfile,
				  void __user *argp, size_t usize)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_karg buf = {};
	struct fastrpc_mem_req mreq;
	struct fastrpc_proc_ref proc;
	struct fastrpc_mem_map req = {};
	int ret;

	if (copy_from_user(&req, argp, usize))
		return -EFAULT;
	/* version, attrs and reserved are ignored by the legacy UAPI */
	if (!req.length)
		return -EINVAL;

	ret = fastrpc_legacy_lock(lfile, &proc);
	if (ret)
		return ret;

	/* The whole buffer from its start, whatever vaddrin says */
	ret = fastrpc_legacy_get_map(ffile, ffile->session, req.fd, 0,
				     req.length, &buf);
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
		ret = fastrpc_legacy_reply_locked(ffile, argp, &req, usize);
	}
out_unlock:
	return fastrpc_legacy_unlock(lfile, &proc, ret);
}

static int fastrpc_legacy_mem_unmap(struct fastrpc_legacy_file *lfile,
				    void __user *argp, size_t usize)
{
	struct fastrpc_file *ffile = &lfile->ffile;
	struct fastrpc_dsp_map *dsp, *found = NULL;
	struct fastrpc_proc_ref proc;
	struct fastrpc_mem_unmap req = {};
	int ret;

	if (copy_from_user(&req, argp, usize))
		return -EFAULT;

	ret = fastrpc_legacy_lock(lfile, &proc);
	if (ret)
		return ret;

	list_for_each_entry(dsp, &ffile->dsp_maps, node) {
		if (!dsp->heap && !dsp->lost && dsp->dsp_addr == req.vaddr &&
		    (req.fd < 0 || dsp->fd == req.fd)) {
			found = dsp;
			break;
		}
	}
	ret = found ? fastrpc_mem_dsp_unmap_locked(ffile, found) : -EINVAL;
	return fastrpc_legacy_unlock(lfile, &proc, ret);
}

static int fastrpc_legacy_get_dsp_info(struct fastrpc_legacy_file *lfile,
				       void __user *argp)
{
	struct fastrpc_ioctl_capability cap;
	u32 *attrs;
	int ret;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;

	/* domain is only checked: the query goes to the file's DSP */
	if (cap.domain >= FASTRPC_LEGACY_DOMAINS ||
	    cap.domain == DRM_FASTRPC_DOMAIN_MDSP)
		return -ECHRNG;
	if (cap.attribute_id >= DRM_FASTRPC_DSP_ATTR_COUNT)
		return -EOVERFLOW;

	attrs = kcalloc(DRM_FASTRPC_DSP_ATTR_COUNT, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return -ENOMEM;
	ret = fastrpc_proc_dsp_attrs(&lfile->ffile, attrs);
	/* Attribute 0 is the library's to fill in */
	if (!ret)
		cap.capability = cap.attribute_id ? attrs[cap.attribute_id] : 0;
	kfree(attrs);
	if (ret)
		return ret;

	if (copy_to_user(argp, &cap, sizeof(cap)))
		return -EFAULT;
	return 0;
}

/* A file with no process talks to the root PD: privileged nodes only */
static bool fastrpc_legacy_root_denied(struct fastrpc_legacy_file *lfile,
				       unsigned int cmd)
{
	if (lfile->ffile.privileged || READ_ONCE(lfile->has_pd))
		return false;
	switch (cmd) {
	case FASTRPC_IOCTL_INVOKE:
	case FASTRPC_IOCTL_MMAP:
	case FASTRPC_IOCTL_MEM_MAP:
#ifdef CONFIG_COMPAT
	case FASTRPC_IOCTL_MEM_MAP32:
#endif
		return true;
	default:
		return false;
	}
}

static long fastrpc_legacy_do_ioctl(struct file *filp, unsigned int cmd,
				    void __user *argp)
{
	struct fastrpc_legacy_file *lfile = filp->private_data;
	int ret;

	if (fastrpc_legacy_root_denied(lfile, cmd))
		return -EACCES;

	switch (cmd) {
	case FASTRPC_IOCTL_INVOKE:
		ret = fastrpc_legacy_invoke(lfile, argp);
		break;
	case FASTRPC_IOCTL_INIT_ATTACH:
		ret = fastrpc_legacy_init_attach(lfile, FASTRPC_PD_ROOT);
		break;
	case FASTRPC_IOCTL_INIT_ATTACH_SNS:
		ret = fastrpc_legacy_init_attach(lfile, FASTRPC_PD_SENSORS);
		break;
	case FASTRPC_IOCTL_INIT_CREATE:
		ret = fastrpc_legacy_init_create(lfile, argp);
		break;
	case FASTRPC_IOCTL_INIT_CREATE_STATIC:
		ret = fastrpc_legacy_init_create_static(lfile, argp);
		break;
	case FASTRPC_IOCTL_ALLOC_DMA_BUFF:
		ret = fastrpc_legacy_alloc_dma_buf(lfile, argp);
		break;
	case FASTRPC_IOCTL_MMAP:
		ret = fastrpc_legacy_mmap(lfile, argp);
		break;
	case FASTRPC_IOCTL_MUNMAP:
		ret = fastrpc_legacy_munmap(lfile, argp);
		break;
	case FASTRPC_IOCTL_MEM_MAP:
		ret = fastrpc_legacy_mem_map(lfile, argp,
					     sizeof(struct fastrpc_mem_map));
		break;
	case FASTRPC_IOCTL_MEM_UNMAP:
		ret = fastrpc_legacy_mem_unmap(lfile, argp,
					       sizeof(struct fastrpc_mem_unmap));
		break;
	case FASTRPC_IOCTL_GET_DSP_INFO:
		ret = fastrpc_legacy_get_dsp_info(lfile, argp);
		break;
#ifdef CONFIG_COMPAT
	/* Where u64 is 4-byte aligned, the short forms are the native ones */
	case FASTRPC_IOCTL_MEM_MAP32:
		ret = fastrpc_legacy_mem_map(lfile, argp,
					     FASTRPC_MEM_MAP_SIZE32);
		break;
	case FASTRPC_IOCTL_MEM_UNMAP32:
		ret = fastrpc_legacy_mem_unmap(lfile, argp,
					       FASTRPC_MEM_UNMAP_SIZE32);
		break;
#endif
	default:
		/* FREE_DMA_BUFF is not implemented */
		return -ENOTTY;
	}

	/* The legacy UAPI reports a lost DSP as -EPIPE */
	return ret == -ENODEV ? -EPIPE : ret;
}

static long fastrpc_legacy_ioctl(struct file *filp, unsigned int cmd,
				 unsigned long arg)
{
#ifdef CONFIG_COMPAT
	if (cmd == FASTRPC_IOCTL_MEM_MAP32 || cmd == FASTRPC_IOCTL_MEM_UNMAP32)
		return -ENOTTY;
#endif
	return fastrpc_legacy_do_ioctl(filp, cmd, (void __user *)arg);
}

#ifdef CONFIG_COMPAT
static long fastrpc_legacy_compat_ioctl(struct file *filp, unsigned int cmd,
					unsigned long arg)
{
	return fastrpc_legacy_do_ioctl(filp, cmd, compat_ptr(arg));
}
#else
#define fastrpc_legacy_compat_ioctl NULL
#endif

static const struct file_operations fastrpc_legacy_fops = {
	.owner = THIS_MODULE,
	.open = fastrpc_legacy_open,
	.release = fastrpc_legacy_release,
	.unlocked_ioctl = fastrpc_legacy_ioctl,
	.compat_ioctl = fastrpc_legacy_compat_ioctl,
	.llseek = noop_llseek,
};

static int fastrpc_legacy_add_node(struct fastrpc_legacy *legacy,
				   struct fastrpc_channel *channel,
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
	if (ret) {
		drm_err(&channel->fdev->drm, "registering /dev/%s: %d\n",
			node->name, ret);
		return ret;
	}
	legacy->count++;
	return 0;
}

/*
 * Node names follow the legacy UAPI: adsp, mdsp and sdsp have one node,
 * "-secure" on a secure channel; cdsp and later have both.
 */
int fastrpc_legacy_register(struct fastrpc_channel *channel)
{
	struct fastrpc_legacy *legacy;
	int ret;

	legacy = kzalloc(sizeof(*legacy), GFP_KERNEL);
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
