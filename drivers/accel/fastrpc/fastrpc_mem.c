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
			obj = fastrpc_gem_import_transient(ffile->drm, dmabuf);
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
	drm_gem_object_put(obj);
	return ret;
}

/* Gives back a use of @map or, with @pin, the pin of a DSP mapping */
static void fastrpc_mem_unuse_map(struct fastrpc_file *ffile,
				  struct fastrpc_bo_map *map, bool pin)
{
	LIST_HEAD(put);

	mutex_lock(&ffile->maps_lock);
	/* A use is off the list already once the file's session is released */
	if (pin)
		map->dsp_pins--;
	else if (map->listed)
		map->users--;
	fastrpc_bo_map_unlist_idle_locked(map, &put);
	mutex_unlock(&ffile->maps_lock);
	fastrpc_bo_map_put_list(&put);
}

void fastrpc_mem_put_map(struct fastrpc_file *ffile,
			 struct fastrpc_bo_map *map)
{
	if (!map)
		return;
	fastrpc_mem_unuse_map(ffile, map, false);
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

/*
 * For a dma-buf the caller already looked up, so that what it learnt of the
 * buffer and the mapping are of the same buffer even if the fd is reused.
 */
int fastrpc_mem_get_map_dmabuf(struct fastrpc_file *ffile,
			       struct fastrpc_session *session,
			       struct dma_buf *dmabuf, u64 offset, u64 len,
			       struct fastrpc_bo_map **mapp)
{
	return fastrpc_mem_map_buf(ffile, session, fastrpc_gem_from_dmabuf(ffile->drm, dmabuf),
				   dmabuf, dmabuf->size, offset, len, false, mapp);
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
		obj = ffile->file ? drm_gem_object_lookup(ffile->file, handle) : NULL;
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
	int ret = fastrpc_proc_get(ffile, proc);

	if (ret)
		return ret;

	/* Held across DSP calls by MAP and INIT */
	if (mutex_lock_killable(&ffile->lock)) {
		ret = -EINTR;
	} else if (ffile->session != proc->session ||
		   ffile->client_id != proc->client_id) {
		mutex_unlock(&ffile->lock);
		ret = -EPIPE;
	}
	if (ret)
		fastrpc_proc_put(proc);
	return ret;
}

/*
 * Takes over the caller's reference to @map; without @map, maps reserved
 * memory of @req->len bytes. A call that got no answer keeps its mapping,
 * unusable, until the process is released.
 */
int fastrpc_mem_dsp_map_locked(struct fastrpc_file *ffile,
			       struct fastrpc_bo_map *map,
			       struct fastrpc_mem_req *req)
{
	struct fastrpc_mem_map_req in0 = {
		.pgid = cpu_to_le32(ffile->client_id),
		.fd = cpu_to_le32(req->fd),
		.offset = cpu_to_le32(req->dsp_offset),
		.flags = cpu_to_le32(req->flags),
		.vaddrin = cpu_to_le64(req->vaddrin),
		.num = cpu_to_le32(sizeof(struct fastrpc_phy_page)),
	};
	struct fastrpc_mmap_req heap_in0 = {
		.pgid = cpu_to_le32(ffile->client_id),
		.flags = cpu_to_le32(req->flags),
		.num = cpu_to_le32(sizeof(struct fastrpc_phy_page)),
	};
	struct fastrpc_phy_page page = { .size = cpu_to_le64(req->len) };
	__le64 vaddr = 0;
	struct fastrpc_karg args[4] = {
		{ .len = sizeof(in0), .kptr = &in0 },
		{ .len = sizeof(page), .kptr = &page },
		{ .len = 0, .kptr = NULL },
		{ .len = sizeof(vaddr), .kptr = &vaddr },
	};
	u32 sc = FASTRPC_SC(FASTRPC_RMID_INIT_MEM_MAP, 3, 1);
	struct fastrpc_dsp_map *dsp;
	int ret;

	lockdep_assert_held(&ffile->lock);

	dsp = kzalloc(sizeof(*dsp), GFP_KERNEL);
	if (!dsp) {
		fastrpc_mem_put_map(ffile, map);
		return -ENOMEM;
	}
	dsp->map = map;
	dsp->offset = req->offset;
	dsp->len = req->len;
	dsp->fd = req->fd;
	dsp->heap = req->heap;

	/* Reserved memory goes by physical address, with no stream id */
	if (map) {
		fastrpc_mem_pin_map(ffile, map);
		fastrpc_bo_map_sync(map, req->offset, req->len, true);
		page.addr = cpu_to_le64(fastrpc_session_wire_addr(ffile->session,
								  map->iova + req->offset));
	} else {
		ret = fastrpc_rheap_alloc(ffile->channel->rheap, req->len,
					  &dsp->rbuf);
		if (ret) {
			kfree(dsp);
			return ret;
		}
		page.addr = cpu_to_le64(dsp->rbuf.phys);
	}

	/* MMAP: in0 mmap_req, in1 the page, out0 the DSP address */
	if (req->heap) {
		args[0] = (struct fastrpc_karg) { .len = sizeof(heap_in0), .kptr = &heap_in0 };
		args[2] = args[3];
		sc = FASTRPC_SC(FASTRPC_RMID_INIT_MMAP, 2, 1);
	}

	ret = fastrpc_proc_init_call_locked(ffile, sc, args, fastrpc_sc_nbufs(sc));
	trace_fastrpc_map(ffile->fdev->label, ffile->client_id, req->fd,
			  req->flags, req->heap, le64_to_cpu(page.addr), req->len,
			  ret ? 0 : le64_to_cpu(vaddr), ret);
	/* The DSP may have mapped it: keep it until the release */
	dsp->lost = fastrpc_proc_unanswered(ret, ffile->dsp_status);
	if (ret && !dsp->lost) {
		if (map)
			fastrpc_mem_unuse_map(ffile, map, true);
		fastrpc_dsp_map_free(ffile->channel, dsp);
		return ret;
	}

	list_add_tail(&dsp->node, &ffile->dsp_maps);
	fastrpc_count(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
	dsp->dsp_addr = ret ? 0 : le64_to_cpu(vaddr);
	if (!ret)
		req->dsp_addr = dsp->dsp_addr;
	return ret;
}

/* Reserved memory, assigned to the VMs of "qcom,vmids", by physical address */
int fastrpc_mem_dsp_map_rheap_locked(struct fastrpc_file *ffile, u64 len,
				     u32 fd, u64 *dsp_addr)
{
	struct fastrpc_mem_req req = {
		.len = len,
		.fd = fd,
		.heap = true,
		.flags = FASTRPC_MMAP_REMOTE_HEAP,
	};
	int ret;

	lockdep_assert_held(&ffile->lock);

	if (!ffile->channel->rheap)
		return -ENODEV;
	if (!len || !PAGE_ALIGNED(len) || len > SIZE_MAX)
		return -EINVAL;

	ret = fastrpc_mem_dsp_map_locked(ffile, NULL, &req);
	if (!ret)
		*dsp_addr = req.dsp_addr;
	return ret;
}

int fastrpc_ioctl_map(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;
	struct drm_fastrpc_map *req = data;
	bool rheap = req->flags == DRM_FASTRPC_MAP_REMOTE_HEAP;
	bool heap = req->flags & DRM_FASTRPC_MAP_HEAP;
	u32 kind = req->flags & DRM_FASTRPC_BUF_FLAGS;
	struct fastrpc_mem_req mreq = {
		.offset = req->offset,
		.len = req->length,
		.fd = req->handle,
		.heap = heap,
		.flags = heap ? FASTRPC_MMAP_ADD_PAGES : 0,
	};
	struct fastrpc_proc_ref proc;
	struct fastrpc_bo_map *map;
	int ret, idx;

	if (!req->length || !PAGE_ALIGNED(req->offset) || !PAGE_ALIGNED(req->length))
		return -EINVAL;
	if (rheap) {
		if (req->handle || req->offset)
			return -EINVAL;
		/* Reserved memory is for the privileged PDs */
		if (!ffile->privileged)
			return -EACCES;
	} else if ((req->flags & ~(DRM_FASTRPC_BUF_FLAGS | DRM_FASTRPC_MAP_HEAP)) ||
		   (kind != DRM_FASTRPC_BUF_GEM && kind != DRM_FASTRPC_BUF_DMABUF)) {
		return -EINVAL;
	}

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = fastrpc_mem_lock_proc(ffile, &proc);
	if (ret)
		goto out_exit;

	if (rheap) {
		ret = fastrpc_mem_dsp_map_rheap_locked(ffile, req->length,
						       U32_MAX, &req->dsp_addr);
	} else {
		ret = fastrpc_mem_get_map(ffile, ffile->session, kind, req->handle,
					  req->offset, req->length, &map);
		if (!ret)
			ret = fastrpc_mem_dsp_map_locked(ffile, map, &mreq);
		if (!ret)
			req->dsp_addr = mreq.dsp_addr;
	}
	mutex_unlock(&ffile->lock);
	fastrpc_proc_put(&proc);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

/* @dsp must not be lost; it is kept when the DSP refuses */
int fastrpc_mem_dsp_unmap_locked(struct fastrpc_file *ffile,
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
	int ret = -EBUSY;

	lockdep_assert_held(&ffile->lock);

	if (dsp->heap) {
		arg = (struct fastrpc_karg) { .len = sizeof(heap_in0), .kptr = &heap_in0 };
		sc = FASTRPC_SC(FASTRPC_RMID_INIT_MUNMAP, 1, 0);
	}
	/*
	 * A running call holds calls_sem, an abandoned one is still in the
	 * context table: either may use the range. Holding calls_sem keeps
	 * new calls out until the DSP unmapped it.
	 */
	if (down_write_trylock(&ffile->calls_sem)) {
		if (!fastrpc_channel_client_busy(ffile->channel,
						 ffile->client_id))
			ret = fastrpc_proc_init_call_locked(ffile, sc, &arg, 1);
		up_write(&ffile->calls_sem);
	}
	trace_fastrpc_unmap(ffile->fdev->label, ffile->client_id, dsp->fd,
			    dsp->heap, dsp->dsp_addr, dsp->len, ret);
	if (ret)
		return ret;

	list_del(&dsp->node);
	fastrpc_uncount(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
	if (dsp->map) {
		fastrpc_bo_map_sync(dsp->map, dsp->offset, dsp->len, false);
		fastrpc_mem_unuse_map(ffile, dsp->map, true);
	}
	fastrpc_dsp_map_free(ffile->channel, dsp);
	return 0;
}

int fastrpc_ioctl_unmap(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;
	struct drm_fastrpc_unmap *req = data;
	struct fastrpc_proc_ref proc;
	struct fastrpc_dsp_map *dsp;
	int ret, idx;

	if (req->flags || req->pad)
		return -EINVAL;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	ret = fastrpc_mem_lock_proc(ffile, &proc);
	if (ret)
		goto out_exit;

	ret = -ENOENT;
	list_for_each_entry(dsp, &ffile->dsp_maps, node) {
		if (!dsp->lost && dsp->dsp_addr == req->dsp_addr) {
			ret = fastrpc_mem_dsp_unmap_locked(ffile, dsp);
			break;
		}
	}

	mutex_unlock(&ffile->lock);
	fastrpc_proc_put(&proc);
out_exit:
	drm_dev_exit(idx);
	return ret;
}
