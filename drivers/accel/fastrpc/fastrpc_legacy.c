// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: the legacy face, /dev/fastrpc-<domain>[-secure].
 *
 * Serves the UAPI of include/uapi/misc/fastrpc.h, with the structures,
 * numbers and error codes of drivers/misc/fastrpc.c, on the core of the
 * accel driver: a file of a legacy node is a &struct fastrpc_file like an
 * accel file, and every ioctl translates into the functions the accel
 * ioctls use. Nothing here builds a message for the DSP. See
 * Documentation/accel/fastrpc/legacy.rst.
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

#include "fastrpc_args.h"
#include "fastrpc_channel.h"
#include "fastrpc_drv.h"
#include "fastrpc_gem.h"
#include "fastrpc_invoke.h"
#include "fastrpc_legacy.h"
#include "fastrpc_mem.h"
#include "fastrpc_proc.h"
#include "fastrpc_proto.h"
#include "fastrpc_session.h"

/* Limits of the legacy UAPI, as drivers/misc/fastrpc.c has them */
#define FASTRPC_LEGACY_SHELL_MAX	SZ_2M
#define FASTRPC_LEGACY_NAME_MAX		128
#define FASTRPC_LEGACY_DOMAINS		5	/* adsp .. cdsp1 */
#define FASTRPC_LEGACY_NODE_NAME	32

/*
 * Where a 64-bit integer is 4-byte aligned (i386), the two structures with
 * tail padding are shorter and their ioctl numbers differ; everything before
 * the padding is laid out the same.
 */
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

/**
 * struct fastrpc_legacy_node - one legacy device node of a channel
 * @misc: the misc device
 * @channel: the channel; the node is removed before the channel stops
 * @secure: the node is the -secure one (or the only node of a secure
 *	channel)
 * @name: name of the node, "fastrpc-<label>[-secure]"
 */
struct fastrpc_legacy_node {
	struct miscdevice misc;
	struct fastrpc_channel *channel;
	bool secure;
	char name[FASTRPC_LEGACY_NODE_NAME];
};

/**
 * struct fastrpc_legacy - the legacy device nodes of a channel
 * @count: number of registered entries of @nodes
 * @nodes: the nodes
 */
struct fastrpc_legacy {
	unsigned int count;
	struct fastrpc_legacy_node nodes[2];
};

/**
 * struct fastrpc_legacy_file - an open legacy node
 * @ffile: the core file; bound to a session and a client id from open()
 *	until release()
 * @secure_node: opened on a secure node
 * @has_pd: an INIT_* ioctl succeeded; written under @ffile.lock
 */
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
	 * The -secure node of a domain that has both is privileged; so is
	 * the only node of one that has one: its daemons have no other way
	 * in (privilege.rst).
	 */
	lfile->ffile.privileged =
		node->secure ||
		!fastrpc_domain_runs_unsigned(channel->fdev->domain_id);

	/* As before: every open takes a session, or fails with -EBUSY */
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

	/* Sends INIT RELEASE, as the old driver did for every file */
	fastrpc_file_fini(&lfile->ffile);
	kfree(lfile);
	return 0;
}

/*
 * Where the legacy UAPI's user address of a dma-buf argument points in the
 * buffer: the offset of @ptr in the VMA that contains it (the caller's
 * mapping of the buffer), plus the VMA's own offset into @dmabuf when it
 * maps @dmabuf; with no VMA there, only the in-page offset of @ptr, as the
 * old driver did.
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

/*
 * The session mapping of [@ptr, @ptr + @len) of the dma-buf @fd. The
 * errors of the old driver's MEM_MAP and INIT_CREATE: dma_buf_get()'s for
 * a bad descriptor, -EINVAL for a range outside the buffer.
 */
static int fastrpc_legacy_get_map(struct fastrpc_file *ffile,
				  struct fastrpc_session *session, s32 fd,
				  u64 ptr, u64 len, struct fastrpc_karg *karg)
{
	struct dma_buf *dmabuf;
	u64 offset;
	int ret;

	/* One lookup: the offset is of the buffer that is mapped */
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
	/* -EINVAL for every buffer error, as before; out of memory is not one */
	if (ret && ret != -ENOMEM)
		return -EINVAL;
	return ret;
}

/*
 * A handle argument, laid out as the old driver did: @arg->fd is sent as
 * the buffer's fd, @arg->ptr as the offset into it and @arg->length as the
 * length. With a dma-buf fd (neither 0 nor -1) and a length, the buffer is
 * mapped and the DSP gets the whole of its mapping. Values the wire cannot
 * hold (more than 32 bits), which the old driver cut short, and a range
 * outside the buffer (which it did not check) give -EINVAL, like every
 * other buffer error of this face.
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
	/* As before: with no fd or nothing to map, only the values are sent */
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
 * The old driver returned the DSP's result as the ioctl's value. A value in
 * the range of the kernel's own error codes (include/linux/errno.h,
 * -ERESTARTSYS down to -ENOGRACE) must not leave the kernel: on the way
 * out -ERESTARTSYS and its kin restart the system call, which would send
 * the call to the DSP again. Such a result is -EREMOTEIO.
 */
static int fastrpc_legacy_dsp_result(u32 dsp_status)
{
	int ret = (int)dsp_status;

	if (ret <= -ERESTARTSYS && ret >= -ENOGRACE)
		return -EREMOTEIO;
	return ret;
}

static void fastrpc_legacy_put_args(struct fastrpc_file *ffile,
				    struct fastrpc_karg *kargs, u32 nargs)
{
	u32 i;

	for (i = 0; i < nargs; i++)
		fastrpc_mem_put_map(ffile, kargs[i].map);
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
	/* The DSP's result is the ioctl's value */
	if (params.dsp_status)
		ret = fastrpc_legacy_dsp_result(params.dsp_status);

out_put_args:
	fastrpc_legacy_put_args(ffile, kargs, nargs);
	kfree(kargs);
out_put_proc:
	fastrpc_proc_put(&proc);
out_free_uargs:
	kfree(uargs);
	return ret;
}

/* Lock the file for ioctls that make INIT calls, as fastrpc_mem_lock_proc() */
static int fastrpc_legacy_lock(struct fastrpc_legacy_file *lfile,
			       struct fastrpc_proc_ref *proc)
{
	int ret;

	ret = fastrpc_mem_lock_proc(&lfile->ffile, proc);
	if (!ret)
		lfile->ffile.dsp_status = 0;
	return ret;
}

/*
 * Lock the file for an INIT_* ioctl: -EALREADY once the file has a PD (the
 * old driver sent the request again and lost the first PD's memory).
 */
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

/*
 * Unlock the file after an INIT call; the old driver returned the DSP's
 * result of a failed call as the ioctl's value.
 */
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

	/* The root and sensors PDs are for privileged nodes */
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
 * The old driver's only policy: a file of a non-secure node of a secure
 * channel may create an unsigned PD, on a domain that runs them, and
 * nothing else.
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
		/* The DSP reads the shell from the dma-buf, in place */
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

	/* Static PDs and their heap are for privileged nodes */
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
	 * flags were never looked at; no O_CLOEXEC, as before. The old driver
	 * gave coherent DMA memory, uncached where the context bank is not
	 * coherent: applications never synced it, so neither do they here.
	 */
	fd = fastrpc_gem_create_dmabuf_fd(lfile->ffile.fdev, req.size,
					  lfile->ffile.channel->noncoherent,
					  O_RDWR);
	if (fd < 0)
		return fd;

	req.fd = fd;
	/* The fd is installed: the process exit closes it */
	if (copy_to_user(argp, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

/* The file's DSP mapping that was added last, for undoing it */
static struct fastrpc_dsp_map *
fastrpc_legacy_last_map_locked(struct fastrpc_file *ffile)
{
	lockdep_assert_held(&ffile->lock);

	return list_last_entry(&ffile->dsp_maps, struct fastrpc_dsp_map, node);
}

/* Undo the last DSP mapping of the file when its address cannot be told */
static int fastrpc_legacy_mmap_reply_locked(struct fastrpc_file *ffile,
					    void __user *argp,
					    struct fastrpc_req_mmap *req,
					    u64 dsp_addr)
{
	req->vaddrout = dsp_addr;
	if (!copy_to_user(argp, req, sizeof(*req)))
		return 0;
	fastrpc_mem_dsp_unmap_locked(ffile,
				     fastrpc_legacy_last_map_locked(ffile));
	ffile->dsp_status = 0;
	return -EFAULT;
}

/*
 * MMAP with REMOTE_HEAP on a channel with reserved memory: the DSP gets
 * pages of it, as the old driver gave it pages of its reserved pool. The
 * reserved memory is for the privileged PDs, so for privileged nodes only.
 * Without reserved memory, the pages come from the file's context bank as
 * for ADD_PAGES.
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
	return fastrpc_legacy_mmap_reply_locked(ffile, argp, req, dsp_addr);
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

	/* Only the DSP mapping below uses it: freed at MUNMAP */
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
	if (!ret)
		ret = fastrpc_legacy_mmap_reply_locked(ffile, argp, &req,
						       mreq.dsp_addr);
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
	/* version, attrs and reserved were never looked at */
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
	if (ret)
		goto out_unlock;

	req.vaddrout = mreq.dsp_addr;
	if (copy_to_user(argp, &req, usize)) {
		fastrpc_mem_dsp_unmap_locked(ffile,
					     fastrpc_legacy_last_map_locked(ffile));
		ffile->dsp_status = 0;
		ret = -EFAULT;
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
	/* Attribute 0 is the library's to fill in, as before */
	if (!ret)
		cap.capability = cap.attribute_id ? attrs[cap.attribute_id] : 0;
	kfree(attrs);
	if (ret)
		return ret;

	if (copy_to_user(argp, &cap, sizeof(cap)))
		return -EFAULT;
	return 0;
}

/*
 * A file that made no process talks to the root PD: INVOKE, MMAP and
 * MEM_MAP reach it then. Only a file of a privileged node may.
 */
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
	/*
	 * Only a 64-bit kernel has the short forms as commands of their own:
	 * where a 64-bit integer is 4-byte aligned, they are the native ones.
	 */
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
		/* FREE_DMA_BUFF was never implemented */
		return -ENOTTY;
	}

	/* A file whose DSP went away gets what the old driver gave it */
	return ret == -ENODEV ? -EPIPE : ret;
}

static long fastrpc_legacy_ioctl(struct file *filp, unsigned int cmd,
				 unsigned long arg)
{
#ifdef CONFIG_COMPAT
	/* The short forms are for 32-bit processes only */
	if (cmd == FASTRPC_IOCTL_MEM_MAP32 || cmd == FASTRPC_IOCTL_MEM_UNMAP32)
		return -ENOTTY;
#endif
	return fastrpc_legacy_do_ioctl(filp, cmd, (void __user *)arg);
}

#ifdef CONFIG_COMPAT
static long fastrpc_legacy_compat_ioctl(struct file *filp, unsigned int cmd,
					unsigned long arg)
{
	/* Every structure is the same for 32-bit processes but for its size */
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

/**
 * fastrpc_legacy_register() - create the legacy device nodes of a channel
 * @channel: the channel, started, with its context banks bound
 *
 * The names are those of drivers/misc/fastrpc.c: for adsp, mdsp and sdsp
 * one node, "-secure" on a secure channel; for cdsp, cdsp1, gdsp0 and
 * gdsp1 both the plain and the "-secure" node.
 *
 * Return: 0, -ENOMEM, or the error of misc_register() (e.g. -EBUSY when
 * another driver has the name); no node is left registered then.
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

/**
 * fastrpc_legacy_unregister() - remove the legacy device nodes of a channel
 * @channel: the channel, before it stops
 *
 * No open() of the nodes runs any more when this returns; files already
 * open stay valid and see the channel go away like accel files.
 */
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
