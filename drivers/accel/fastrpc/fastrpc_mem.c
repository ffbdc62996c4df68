// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: buffers of calls and DSP mappings.
 *
 * A buffer is mapped on the file's session when first needed and stays on
 * the file's list while a call or MAP uses it (users), a DSP mapping pins it
 * (dsp_pins) or the file's cache holds it (cached). Users share one mapping
 * so no two mappings of the same pages exist on one context bank.
 */

#include <linux/dma-buf.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"
#include "fastrpc_trace.h"

static unsigned int map_cache_entries = 32;
module_param(map_cache_entries, uint, 0644);
MODULE_PARM_DESC(map_cache_entries,
		 "Most buffer objects a file keeps mapped between calls (LRU)");

static unsigned int map_cache_mib = 64;
module_param(map_cache_mib, uint, 0644);
MODULE_PARM_DESC(map_cache_mib,
		 "Most MiB of buffer objects a file keeps mapped between calls");

/* Imports of one foreign dma-buf (by fd or by PRIME) share a mapping */
static struct fastrpc_bo_map *
fastrpc_mem_find_map_locked(struct fastrpc_file *ffile,
			    struct fastrpc_session *session,
			    struct drm_gem_object *obj, struct dma_buf *dmabuf)
{
	struct fastrpc_bo_map *map;

	lockdep_assert_held(&ffile->maps_lock);

	if (obj && to_fastrpc_bo(obj)->import)
		dmabuf = to_fastrpc_bo(obj)->import;

	list_for_each_entry(map, &ffile->bo_maps, node) {
		if (map->session != session)
			continue;
		if ((obj && map->obj == obj) ||
		    (dmabuf && to_fastrpc_bo(map->obj)->import == dmabuf)) {
			list_move_tail(&map->node, &ffile->bo_maps);
			fastrpc_bo_map_get(map);
			return map;
		}
	}
	return NULL;
}

static void fastrpc_mem_evict_locked(struct fastrpc_file *ffile,
				     struct list_head *put)
{
	u64 max_pages = (u64)READ_ONCE(map_cache_mib) << (20 - PAGE_SHIFT);
	struct fastrpc_bo_map *map, *tmp;

	lockdep_assert_held(&ffile->maps_lock);

	list_for_each_entry_safe(map, tmp, &ffile->bo_maps, node) {
		if (ffile->cache_entries <= READ_ONCE(map_cache_entries) &&
		    ffile->cache_pages <= max_pages)
			break;
		if (!map->cached)
			continue;
		fastrpc_bo_map_uncache_locked(ffile, map, put);
		fastrpc_count(ffile->fdev, FASTRPC_CNT_CACHE_EVICTIONS);
	}
}

/* Consumes the reference to @obj (NULL for a foreign dma-buf) */
static int fastrpc_mem_map_buf(struct fastrpc_file *ffile,
			       struct fastrpc_session *session,
			       struct drm_gem_object *obj,
			       struct dma_buf *dmabuf, u64 size, u64 offset,
			       u64 len, bool cache, struct fastrpc_bo_map **mapp)
{
	struct drm_device *drm = ffile->drm;
	struct fastrpc_bo_map *map;
	LIST_HEAD(put);
	int ret;

	*mapp = NULL;

	ret = fastrpc_args_check_buf(offset, len, size);
	if (ret || !len)
		goto out_put;

	mutex_lock(&ffile->maps_lock);
	map = fastrpc_mem_find_map_locked(ffile, session, obj, dmabuf);
	if (!map) {
		if (!obj) {
			obj = fastrpc_gem_import_transient(drm, dmabuf);
			if (IS_ERR(obj)) {
				ret = PTR_ERR(obj);
				obj = NULL;
				goto out_unlock;
			}
		}
		map = fastrpc_bo_map_create(obj, session);
		if (IS_ERR(map)) {
			ret = PTR_ERR(map);
			goto out_unlock;
		}
		/* The list keeps the reference of fastrpc_bo_map_create() */
		list_add_tail(&map->node, &ffile->bo_maps);
		map->listed = true;
		fastrpc_bo_map_get(map);
	}
	map->users++;
	if (cache && !map->cached) {
		map->cached = true;
		ffile->cache_entries++;
		ffile->cache_pages += map->obj->size >> PAGE_SHIFT;
		fastrpc_mem_evict_locked(ffile, &put);
	}
	*mapp = map;
out_unlock:
	mutex_unlock(&ffile->maps_lock);
	fastrpc_bo_map_put_list(&put);
out_put:
	if (obj)
		drm_gem_object_put(obj);
	return ret;
}

void fastrpc_mem_put_map(struct fastrpc_file *ffile,
			 struct fastrpc_bo_map *map)
{
	LIST_HEAD(put);

	if (!map)
		return;
	mutex_lock(&ffile->maps_lock);
	/* Off the list already once the file's session is released */
	if (map->listed) {
		map->users--;
		fastrpc_bo_map_unlist_idle_locked(map, &put);
	}
	mutex_unlock(&ffile->maps_lock);
	fastrpc_bo_map_put_list(&put);
	fastrpc_bo_map_put(map);
}

/*
 * The caller's use becomes the DSP mapping's pin. A map not yet listed (the
 * driver's own buffer, legacy MMAP) is listed so calls find it.
 */
static void fastrpc_mem_pin_map(struct fastrpc_file *ffile,
				struct fastrpc_bo_map *map)
{
	mutex_lock(&ffile->maps_lock);
	if (map->listed) {
		map->users--;
	} else if (list_empty(&map->node)) {
		fastrpc_bo_map_get(map);
		list_add_tail(&map->node, &ffile->bo_maps);
		map->listed = true;
	}
	map->dsp_pins++;
	mutex_unlock(&ffile->maps_lock);
}

static void fastrpc_mem_unpin_map(struct fastrpc_file *ffile,
				  struct fastrpc_bo_map *map)
{
	LIST_HEAD(put);

	mutex_lock(&ffile->maps_lock);
	map->dsp_pins--;
	fastrpc_bo_map_unlist_idle_locked(map, &put);
	mutex_unlock(&ffile->maps_lock);
	fastrpc_bo_map_put_list(&put);
}

/*
 * For a dma-buf the caller already looked up, so that what it learnt of the
 * buffer and the mapping are of the same buffer even if the fd is reused.
 */
int fastrpc_mem_get_map_dmabuf(struct fastrpc_file *ffile,
			       struct fastrpc_session *session,
			       struct dma_buf *dmabuf, u64 offset, u64 len,
			       struct fastrpc_bo_map **mapp)
{
	struct drm_gem_object *obj;

	obj = fastrpc_gem_from_dmabuf(ffile->drm, dmabuf);
	return fastrpc_mem_map_buf(ffile, session, obj, dmabuf, dmabuf->size,
				   offset, len, false, mapp);
}

/**
 * fastrpc_mem_get_map() - the session mapping of a buffer argument
 * @ffile: the file
 * @session: the file's session
 * @flags: %DRM_FASTRPC_BUF_GEM (accel files only) or %DRM_FASTRPC_BUF_DMABUF
 * @handle: GEM handle of the file's DRM file, or dma-buf fd
 * @offset: offset of the range in the buffer
 * @len: length of the range
 * @mapp: written: the mapping with a reference and a use for the caller,
 *	given back with fastrpc_mem_put_map(); NULL for an empty range
 *
 * A buffer named by GEM handle stays in the file's cache after its last
 * use. A foreign dma-buf is imported only while it is used.
 *
 * Return: 0 or a negative errno.
 */
int fastrpc_mem_get_map(struct fastrpc_file *ffile,
			struct fastrpc_session *session, u32 flags, u32 handle,
			u64 offset, u64 len, struct fastrpc_bo_map **mapp)
{
	struct drm_gem_object *obj;
	struct dma_buf *dmabuf;
	int ret;

	*mapp = NULL;

	if (flags == DRM_FASTRPC_BUF_GEM) {
		if (!ffile->file)
			return -ENOENT;
		obj = drm_gem_object_lookup(ffile->file, handle);
		if (!obj)
			return -ENOENT;
		return fastrpc_mem_map_buf(ffile, session, obj, NULL,
					   obj->size, offset, len, true, mapp);
	}

	if (handle > INT_MAX)
		return -EBADF;
	dmabuf = dma_buf_get(handle);
	if (IS_ERR(dmabuf))
		return -EBADF;
	ret = fastrpc_mem_get_map_dmabuf(ffile, session, dmabuf, offset, len,
					 mapp);
	dma_buf_put(dmabuf);
	return ret;
}

/* On success &fastrpc_file.lock is held and @proc is the file's process */
int fastrpc_mem_lock_proc(struct fastrpc_file *ffile,
			  struct fastrpc_proc_ref *proc)
{
	int ret;

	ret = fastrpc_proc_get(ffile, proc);
	if (ret)
		return ret;

	/* Held across DSP calls by MAP and INIT */
	if (mutex_lock_killable(&ffile->lock)) {
		fastrpc_proc_put(proc);
		return -EINTR;
	}
	if (ffile->session != proc->session ||
	    ffile->client_id != proc->client_id) {
		mutex_unlock(&ffile->lock);
		fastrpc_proc_put(proc);
		return -EPIPE;
	}
	return 0;
}

static int fastrpc_mem_map_call_locked(struct fastrpc_file *ffile,
				       const struct fastrpc_mem_req *req,
				       struct fastrpc_dsp_map *dsp)
{
	struct fastrpc_session *session = ffile->session;
	struct fastrpc_mem_map_req in0;
	struct fastrpc_mmap_req heap_in0;
	struct fastrpc_phy_page page;
	struct fastrpc_karg args[4];
	u32 dsp_status = 0;
	__le64 vaddr = 0;
	u32 sc;
	int ret;

	lockdep_assert_held(&ffile->lock);

	in0 = (struct fastrpc_mem_map_req) {
		.pgid = cpu_to_le32(ffile->client_id),
		.fd = cpu_to_le32(req->fd),
		.offset = cpu_to_le32(req->dsp_offset),
		.flags = cpu_to_le32(req->flags),
		.vaddrin = cpu_to_le64(req->vaddrin),
		.num = cpu_to_le32(sizeof(page)),
		.data_len = 0,
	};
	/* Reserved memory goes by physical address, with no stream id */
	page = (struct fastrpc_phy_page) {
		.addr = cpu_to_le64(dsp->map ?
				    fastrpc_session_wire_addr(session,
							      dsp->map->iova +
							      req->offset) :
				    dsp->rbuf.phys),
		.size = cpu_to_le64(req->len),
	};
	args[0] = (struct fastrpc_karg) { .len = sizeof(in0), .kptr = &in0 };
	args[1] = (struct fastrpc_karg) { .len = sizeof(page), .kptr = &page };
	args[2] = (struct fastrpc_karg) { .len = 0, .kptr = NULL };
	args[3] = (struct fastrpc_karg) { .len = sizeof(vaddr), .kptr = &vaddr };
	sc = FASTRPC_SC(FASTRPC_RMID_INIT_MEM_MAP, 3, 1);

	/* MMAP: in0 mmap_req, in1 the page, out0 the DSP address */
	if (req->heap) {
		heap_in0 = (struct fastrpc_mmap_req) {
			.pgid = cpu_to_le32(ffile->client_id),
			.flags = cpu_to_le32(req->flags),
			.vaddr = 0,
			.num = cpu_to_le32(sizeof(page)),
		};
		args[0] = (struct fastrpc_karg) {
			.len = sizeof(heap_in0), .kptr = &heap_in0
		};
		args[2] = args[3];
		sc = FASTRPC_SC(FASTRPC_RMID_INIT_MMAP, 2, 1);
	}

	ret = fastrpc_proc_init_call_locked(ffile, sc, args,
					    fastrpc_sc_nbufs(sc), &dsp_status);
	trace_fastrpc_map(ffile->fdev->label, ffile->client_id, req->fd,
			  req->flags, req->heap, le64_to_cpu(page.addr), req->len,
			  ret ? 0 : le64_to_cpu(vaddr), ret);
	if (fastrpc_proc_unanswered(ret, dsp_status)) {
		/* The DSP may have mapped it: keep it until the release */
		dsp->lost = true;
		return ret;
	}
	if (ret)
		return ret;

	dsp->dsp_addr = le64_to_cpu(vaddr);
	return 0;
}

/*
 * Takes over the caller's reference to @map. A call that got no answer
 * keeps its mapping, unusable, until the process is released.
 */
int fastrpc_mem_dsp_map_locked(struct fastrpc_file *ffile,
			       struct fastrpc_bo_map *map,
			       struct fastrpc_mem_req *req)
{
	struct fastrpc_dsp_map *dsp;
	int ret;

	lockdep_assert_held(&ffile->lock);

	dsp = kzalloc(sizeof(*dsp), GFP_KERNEL);
	if (!dsp) {
		fastrpc_mem_put_map(ffile, map);
		return -ENOMEM;
	}
	dsp->map = map;
	dsp->len = req->len;
	dsp->fd = req->fd;
	dsp->heap = req->heap;

	fastrpc_mem_pin_map(ffile, map);
	fastrpc_bo_map_sync_for_device(map, req->offset, req->len);
	ret = fastrpc_mem_map_call_locked(ffile, req, dsp);
	if (ret && !dsp->lost) {
		fastrpc_mem_unpin_map(ffile, map);
		fastrpc_bo_map_put(map);
		kfree(dsp);
		return ret;
	}
	dsp->offset = req->offset;

	list_add_tail(&dsp->node, &ffile->dsp_maps);
	fastrpc_count(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
	if (!ret)
		req->dsp_addr = dsp->dsp_addr;
	return ret;
}

/* Reserved memory, assigned to the VMs of "qcom,vmids", by physical address */
int fastrpc_mem_dsp_map_rheap_locked(struct fastrpc_file *ffile, u64 len,
				     u32 fd, u64 *dsp_addr)
{
	struct fastrpc_channel *channel = ffile->channel;
	struct fastrpc_mem_req req = {
		.len = len,
		.fd = fd,
		.heap = true,
		.flags = FASTRPC_MMAP_REMOTE_HEAP,
	};
	struct fastrpc_dsp_map *dsp;
	int ret;

	lockdep_assert_held(&ffile->lock);

	if (!channel->rheap)
		return -ENODEV;
	if (!len || !PAGE_ALIGNED(len) || len > SIZE_MAX)
		return -EINVAL;

	dsp = kzalloc(sizeof(*dsp), GFP_KERNEL);
	if (!dsp)
		return -ENOMEM;
	ret = fastrpc_rheap_alloc(channel->rheap, len, &dsp->rbuf);
	if (ret) {
		kfree(dsp);
		return ret;
	}
	dsp->len = len;
	dsp->fd = fd;
	dsp->heap = true;

	ret = fastrpc_mem_map_call_locked(ffile, &req, dsp);
	if (ret && !dsp->lost) {
		fastrpc_dsp_map_free(channel, dsp);
		return ret;
	}

	list_add_tail(&dsp->node, &ffile->dsp_maps);
	fastrpc_count(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
	if (!ret)
		*dsp_addr = dsp->dsp_addr;
	return ret;
}

static int fastrpc_mem_map_remote_heap(struct drm_device *drm,
				       struct fastrpc_file *ffile,
				       struct drm_fastrpc_map *req)
{
	struct fastrpc_proc_ref proc;
	int ret, idx;

	if (req->handle || req->offset || !req->length ||
	    !PAGE_ALIGNED(req->length))
		return -EINVAL;
	/* Reserved memory is for the privileged PDs */
	if (!ffile->privileged)
		return -EACCES;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = fastrpc_mem_lock_proc(ffile, &proc);
	if (ret)
		goto out_exit;

	ret = fastrpc_mem_dsp_map_rheap_locked(ffile, req->length, U32_MAX,
					       &req->dsp_addr);

	mutex_unlock(&ffile->lock);
	fastrpc_proc_put(&proc);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

int fastrpc_ioctl_map(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;
	struct drm_fastrpc_map *req = data;
	struct fastrpc_proc_ref proc;
	u32 kind = req->flags & DRM_FASTRPC_BUF_FLAGS;
	struct fastrpc_mem_req mreq;
	struct fastrpc_bo_map *map;
	int ret, idx;

	if (req->flags == DRM_FASTRPC_MAP_REMOTE_HEAP)
		return fastrpc_mem_map_remote_heap(drm, ffile, req);
	if ((req->flags & ~(DRM_FASTRPC_BUF_FLAGS | DRM_FASTRPC_MAP_HEAP)) ||
	    (kind != DRM_FASTRPC_BUF_GEM && kind != DRM_FASTRPC_BUF_DMABUF))
		return -EINVAL;
	if (!req->length || !PAGE_ALIGNED(req->offset) ||
	    !PAGE_ALIGNED(req->length))
		return -EINVAL;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = fastrpc_mem_lock_proc(ffile, &proc);
	if (ret)
		goto out_exit;

	ret = fastrpc_mem_get_map(ffile, ffile->session, kind, req->handle,
				  req->offset, req->length, &map);
	if (ret)
		goto out_unlock;

	mreq = (struct fastrpc_mem_req) {
		.offset = req->offset,
		.len = req->length,
		.fd = req->handle,
		.heap = req->flags & DRM_FASTRPC_MAP_HEAP,
		.flags = req->flags & DRM_FASTRPC_MAP_HEAP ?
			 FASTRPC_MMAP_ADD_PAGES : 0,
	};
	ret = fastrpc_mem_dsp_map_locked(ffile, map, &mreq);
	if (!ret)
		req->dsp_addr = mreq.dsp_addr;

out_unlock:
	mutex_unlock(&ffile->lock);
	fastrpc_proc_put(&proc);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

static int fastrpc_mem_unmap_locked(struct fastrpc_file *ffile,
				    struct fastrpc_dsp_map *dsp)
{
	struct fastrpc_mem_unmap_req in0 = {
		.pgid = cpu_to_le32(ffile->client_id),
		.fd = cpu_to_le32(dsp->fd),
		.vaddrin = cpu_to_le64(dsp->dsp_addr),
		.len = cpu_to_le64(dsp->len),
	};
	struct fastrpc_munmap_req heap_in0 = {
		.pgid = cpu_to_le32(ffile->client_id),
		.vaddr = cpu_to_le64(dsp->dsp_addr),
		.size = cpu_to_le64(dsp->len),
	};
	struct fastrpc_karg arg = { .len = sizeof(in0), .kptr = &in0 };
	u32 sc = FASTRPC_SC(FASTRPC_RMID_INIT_MEM_UNMAP, 1, 0);
	u32 dsp_status = 0;

	lockdep_assert_held(&ffile->lock);

	if (dsp->heap) {
		arg = (struct fastrpc_karg) {
			.len = sizeof(heap_in0), .kptr = &heap_in0
		};
		sc = FASTRPC_SC(FASTRPC_RMID_INIT_MUNMAP, 1, 0);
	}
	return fastrpc_proc_init_call_locked(ffile, sc, &arg, 1, &dsp_status);
}

/* @dsp must not be lost; it is kept when the DSP refuses */
int fastrpc_mem_dsp_unmap_locked(struct fastrpc_file *ffile,
				 struct fastrpc_dsp_map *dsp)
{
	int ret;

	lockdep_assert_held(&ffile->lock);

	/*
	 * A running call holds calls_sem, an abandoned one is still in the
	 * context table: either may use the range. Holding calls_sem keeps
	 * new calls out until the DSP unmapped it.
	 */
	if (down_write_trylock(&ffile->calls_sem)) {
		if (fastrpc_channel_client_busy(ffile->channel,
						ffile->client_id))
			ret = -EBUSY;
		else
			ret = fastrpc_mem_unmap_locked(ffile, dsp);
		up_write(&ffile->calls_sem);
	} else {
		ret = -EBUSY;
	}
	trace_fastrpc_unmap(ffile->fdev->label, ffile->client_id, dsp->fd,
			    dsp->heap, dsp->dsp_addr, dsp->len, ret);
	if (ret)
		return ret;

	list_del(&dsp->node);
	fastrpc_uncount(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
	if (dsp->map) {
		fastrpc_bo_map_sync_for_cpu(dsp->map, dsp->offset, dsp->len);
		fastrpc_mem_unpin_map(ffile, dsp->map);
	}
	fastrpc_dsp_map_free(ffile->channel, dsp);
	return 0;
}

int fastrpc_ioctl_unmap(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;
	struct drm_fastrpc_unmap *req = data;
	struct fastrpc_dsp_map *dsp, *found = NULL;
	struct fastrpc_proc_ref proc;
	int ret, idx;

	if (req->flags || req->pad)
		return -EINVAL;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = fastrpc_mem_lock_proc(ffile, &proc);
	if (ret)
		goto out_exit;

	list_for_each_entry(dsp, &ffile->dsp_maps, node) {
		if (!dsp->lost && dsp->dsp_addr == req->dsp_addr) {
			found = dsp;
			break;
		}
	}
	if (!found) {
		ret = -ENOENT;
		goto out_unlock;
	}

	ret = fastrpc_mem_dsp_unmap_locked(ffile, found);

out_unlock:
	mutex_unlock(&ffile->lock);
	fastrpc_proc_put(&proc);
out_exit:
	drm_dev_exit(idx);
	return ret;
}
