// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: buffer objects, PRIME and mappings on sessions.
 *
 * The DRM device does no DMA: an object is mapped, as one contiguous range, on
 * the context-bank device of each session that uses it (struct fastrpc_bo_map).
 * The device's dma-bufs carry the driver's ops (the core's plus CPU access
 * brackets), so they are recognised by their ops before priv is looked at. A
 * PRIME import is attached to the DRM device as drm_gem_prime_import_dev()
 * does, but never mapped there: that would only cost cache maintenance and
 * overlap the mappings the DSP uses.
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_drv.h"

static const struct dma_buf_ops fastrpc_dmabuf_ops;

static struct dma_buf *fastrpc_gem_prime_export(struct drm_gem_object *obj, int flags)
{
	struct dma_buf *dmabuf = drm_gem_prime_export(obj, flags);

	/* Not visible to anyone before it is given a descriptor */
	if (!IS_ERR(dmabuf))
		dmabuf->ops = &fastrpc_dmabuf_ops;
	return dmabuf;
}

/*
 * fdinfo: the pages of a shmem object exist once it is pinned or mapped; the
 * exporter holds the pages of an import for as long as it lives.
 */
static size_t fastrpc_gem_rss(struct drm_gem_object *obj)
{
	return READ_ONCE(to_fastrpc_bo(obj)->base.pages) ? obj->size : 0;
}

static enum drm_gem_object_status fastrpc_gem_status(struct drm_gem_object *obj)
{
	return to_fastrpc_bo(obj)->import || fastrpc_gem_rss(obj) ? DRM_GEM_OBJECT_RESIDENT : 0;
}

/*
 * 6.12's drm_gem_shmem_fault() ignores where the mapping starts in the object;
 * fastrpc_gem_mmap() leaves that offset in vm_pgoff, so vmf->pgoff is the
 * object's page.
 */
static vm_fault_t fastrpc_gem_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);
	vm_fault_t ret;

	dma_resv_lock(obj->resv, NULL);
	if (vmf->pgoff >= obj->size >> PAGE_SHIFT || !shmem->pages)
		ret = VM_FAULT_SIGBUS;
	else
		ret = vmf_insert_pfn(vma, vmf->address, page_to_pfn(shmem->pages[vmf->pgoff]));
	dma_resv_unlock(obj->resv);
	return ret;
}

/* The pages reference of a mapping, as the shmem helpers keep it */
static void fastrpc_gem_vm_open(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.open(vma);
}

static void fastrpc_gem_vm_close(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.close(vma);
}

static const struct vm_operations_struct fastrpc_gem_vm_ops = {
	.fault = fastrpc_gem_fault,
	.open = fastrpc_gem_vm_open,
	.close = fastrpc_gem_vm_close,
};

/*
 * drm_gem_mmap() and drm_gem_prime_mmap() both pass the fake offset: keep the
 * offset in the object. Objects are never purged or evicted, so nothing looks
 * for the mapping at the fake offset.
 */
static int fastrpc_gem_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	return drm_gem_shmem_object_mmap(obj, vma);
}

/* The list's reference moves to @put, to be dropped without the lock */
void fastrpc_bo_map_unlist_idle_locked(struct fastrpc_bo_map *map, struct list_head *put)
{
	if (map->listed && !map->users && !map->dsp_pins && !map->cached) {
		map->listed = false;
		list_move_tail(&map->node, put);
	}
}

void fastrpc_bo_map_uncache_locked(struct fastrpc_file *ffile, struct fastrpc_bo_map *map,
				   struct list_head *put)
{
	lockdep_assert_held(&ffile->maps_lock);

	if (map->cached) {
		map->cached = false;
		ffile->cache_entries--;
		ffile->cache_pages -= map->obj->size >> PAGE_SHIFT;
	}
	fastrpc_bo_map_unlist_idle_locked(map, put);
}

void fastrpc_bo_map_put_list(struct list_head *put)
{
	struct fastrpc_bo_map *map, *tmp;

	list_for_each_entry_safe(map, tmp, put, node) {
		list_del_init(&map->node);
		fastrpc_bo_map_put(map);
	}
}

/* The file's handle of @obj is closed: its cache keeps no mapping of it */
static void fastrpc_gem_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;
	struct fastrpc_bo_map *map, *tmp;
	LIST_HEAD(put);

	scoped_guard(mutex, &ffile->maps_lock) {
		list_for_each_entry_safe(map, tmp, &ffile->bo_maps, node)
			if (map->obj == obj && map->cached)
				fastrpc_bo_map_uncache_locked(ffile, map, &put);
	}
	fastrpc_bo_map_put_list(&put);
}

static void fastrpc_gem_free(struct drm_gem_object *obj)
{
	struct fastrpc_bo *bo = to_fastrpc_bo(obj);

	fastrpc_uncount(to_fastrpc_device(obj->dev), FASTRPC_CNT_OBJECTS);
	mutex_destroy(&bo->lock);
	if (!bo->import) {
		drm_gem_shmem_free(&bo->base);
		return;
	}
	/* Detaches a PRIME import and drops its reference */
	if (obj->import_attach)
		drm_prime_gem_destroy(obj, NULL);
	else
		dma_buf_put(bo->import);
	drm_gem_object_release(obj);
	kfree(bo);
}

static const struct drm_gem_object_funcs fastrpc_gem_funcs = {
	.free = fastrpc_gem_free,
	.close = fastrpc_gem_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.export = fastrpc_gem_prime_export,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = fastrpc_gem_mmap,
	.status = fastrpc_gem_status,
	.rss = fastrpc_gem_rss,
	.vm_ops = &fastrpc_gem_vm_ops,
};

struct drm_gem_object *fastrpc_gem_create_object(struct drm_device *drm, size_t size)
{
	struct fastrpc_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);

	if (!bo)
		return ERR_PTR(-ENOMEM);

	bo->base.base.funcs = &fastrpc_gem_funcs;
	mutex_init(&bo->lock);
	INIT_LIST_HEAD(&bo->maps);
	return &bo->base.base;
}

static const struct drm_gem_object_funcs fastrpc_gem_import_funcs = {
	.free = fastrpc_gem_free,
	.close = fastrpc_gem_close,
	.status = fastrpc_gem_status,
};

/*
 * For a dma-buf named by fd: no handle and not a PRIME import. It lives as
 * long as the call or DSP mapping naming it, attached only to the session's
 * device.
 */
struct drm_gem_object *fastrpc_gem_import_transient(struct drm_device *drm,
						    struct dma_buf *dmabuf)
{
	struct drm_gem_object *obj;

	if (!dmabuf->size || !PAGE_ALIGNED(dmabuf->size))
		return ERR_PTR(-EINVAL);

	obj = fastrpc_gem_create_object(drm, dmabuf->size);
	if (IS_ERR(obj))
		return obj;

	obj->funcs = &fastrpc_gem_import_funcs;
	obj->resv = dmabuf->resv;
	drm_gem_private_object_init(drm, obj, dmabuf->size);
	/* Put in fastrpc_gem_free(), or by drm_prime_gem_destroy() */
	get_dma_buf(dmabuf);
	to_fastrpc_bo(obj)->import = dmabuf;
	fastrpc_count(to_fastrpc_device(drm), FASTRPC_CNT_OBJECTS);
	return obj;
}

/* NULL unless @drm exported @dmabuf */
struct drm_gem_object *fastrpc_gem_from_dmabuf(struct drm_device *drm, struct dma_buf *dmabuf)
{
	struct drm_gem_object *obj = dmabuf->priv;

	if (dmabuf->ops != &fastrpc_dmabuf_ops || obj->dev != drm)
		return NULL;
	drm_gem_object_get(obj);
	return obj;
}

struct drm_gem_object *fastrpc_gem_prime_import(struct drm_device *drm, struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;
	struct drm_gem_object *obj;

	obj = fastrpc_gem_from_dmabuf(drm, dmabuf);
	if (obj)
		return obj;

	obj = fastrpc_gem_import_transient(drm, dmabuf);
	if (IS_ERR(obj))
		return obj;

	attach = dma_buf_attach(dmabuf, drm->dev);
	if (IS_ERR(attach)) {
		drm_gem_object_put(obj);
		return ERR_CAST(attach);
	}
	obj->import_attach = attach;
	return obj;
}

struct drm_gem_object *fastrpc_gem_create_kernel(struct fastrpc_device *fdev, u64 size, bool wc)
{
	struct drm_gem_shmem_object *shmem;

	if (!size || size > DRM_FASTRPC_GEM_MAX_SIZE)
		return ERR_PTR(-EINVAL);

	shmem = drm_gem_shmem_create(&fdev->drm, PAGE_ALIGN(size));
	/* shmem reports an inode it could not allocate as -ENOSPC: that is memory */
	if (PTR_ERR_OR_ZERO(shmem) == -ENOSPC)
		return ERR_PTR(-ENOMEM);
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	/* Before any page is allocated or mapped */
	shmem->map_wc = wc;
	fastrpc_count(fdev, FASTRPC_CNT_OBJECTS);
	return &shmem->base;
}

int fastrpc_ioctl_gem_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_fastrpc_gem_create *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags & ~DRM_FASTRPC_GEM_WC)
		return -EINVAL;

	obj = fastrpc_gem_create_kernel(to_fastrpc_device(drm), args->size,
					args->flags & DRM_FASTRPC_GEM_WC);
	if (IS_ERR(obj))
		return PTR_ERR(obj);

	ret = drm_gem_handle_create(file, obj, &args->handle);
	/* The handle keeps the object */
	drm_gem_object_put(obj);
	return ret;
}

int fastrpc_ioctl_gem_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_fastrpc_gem_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	ret = to_fastrpc_bo(obj)->import ? -EINVAL : drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return ret;
}

/* The object's own export: a file of the device importing it gets the object */
int fastrpc_gem_create_dmabuf_fd(struct fastrpc_device *fdev, u64 size, bool wc, int fd_flags)
{
	struct drm_gem_object *obj;
	struct dma_buf *dmabuf;
	int fd;

	obj = fastrpc_gem_create_kernel(fdev, size, wc);
	if (IS_ERR(obj))
		return PTR_ERR(obj);

	dmabuf = fastrpc_gem_prime_export(obj, O_RDWR);
	/* The dma-buf keeps the object */
	drm_gem_object_put(obj);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	fd = dma_buf_fd(dmabuf, fd_flags);
	if (fd < 0)
		dma_buf_put(dmabuf);
	return fd;
}

/*
 * Under fastrpc_cb.maps_lock. Several sessions may map one object, so no
 * mapping owns its cache lines: the driver syncs explicitly, around calls and
 * in the dma-buf's CPU access brackets. A write-combined object is cleaned
 * here, once, of what its zeroing left in the caches.
 */
static int fastrpc_bo_map_pages(struct fastrpc_bo_map *map, struct device *dev)
{
	struct fastrpc_bo *bo = to_fastrpc_bo(map->obj);
	int ret;

	/* On failure the caller frees @map: nothing looks at its fields */
	if (bo->import) {
		map->attach = dma_buf_attach(bo->import, dev);
		if (IS_ERR(map->attach))
			return PTR_ERR(map->attach);
		map->sgt = dma_buf_map_attachment_unlocked(map->attach, DMA_BIDIRECTIONAL);
		if (IS_ERR(map->sgt)) {
			dma_buf_detach(bo->import, map->attach);
			return PTR_ERR(map->sgt);
		}
		return 0;
	}

	ret = drm_gem_shmem_pin(&bo->base);
	if (ret)
		return ret;
	/* A table of our own: the helper's cached one is for the DRM device */
	map->sgt = drm_gem_shmem_get_sg_table(&bo->base);
	ret = PTR_ERR_OR_ZERO(map->sgt);
	if (ret)
		goto err_unpin;
	ret = dma_map_sgtable(dev, map->sgt, DMA_BIDIRECTIONAL,
			      bo->base.map_wc ? 0 : DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto err_free_sgt;
	if (bo->base.map_wc)
		fastrpc_count_add(map->fdev, FASTRPC_CNT_SYNCED_BYTES, map->obj->size);
	return 0;

err_free_sgt:
	sg_free_table(map->sgt);
	kfree(map->sgt);
err_unpin:
	drm_gem_shmem_unpin(&bo->base);
	return ret;
}

static void fastrpc_bo_unmap(struct fastrpc_bo_map *map)
{
	struct fastrpc_bo *bo = to_fastrpc_bo(map->obj);

	if (map->attach) {
		dma_buf_unmap_attachment_unlocked(map->attach, map->sgt, DMA_BIDIRECTIONAL);
		dma_buf_detach(bo->import, map->attach);
		return;
	}
	dma_unmap_sgtable(map->session->cb->dev, map->sgt, DMA_BIDIRECTIONAL,
			  bo->base.map_wc ? 0 : DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(map->sgt);
	kfree(map->sgt);
	drm_gem_shmem_unpin(&bo->base);
}

/*
 * The caller makes sure @obj has no mapping on @session yet. Without an IOMMU,
 * an object with scattered pages is not one contiguous range and fails.
 */
struct fastrpc_bo_map *fastrpc_bo_map_create(struct drm_gem_object *obj,
					     struct fastrpc_session *session)
{
	struct fastrpc_bo_map *map __free(kfree) = kzalloc(sizeof(*map), GFP_KERNEL);
	struct fastrpc_device *fdev = to_fastrpc_device(obj->dev);
	struct fastrpc_bo *bo = to_fastrpc_bo(obj);
	struct fastrpc_cb *cb = session->cb;
	int ret;

	if (!map)
		return ERR_PTR(-ENOMEM);

	kref_init(&map->ref);
	INIT_LIST_HEAD(&map->node);
	map->fdev = fdev;
	map->obj = obj;
	map->session = session;

	/* Mapped and listed under the lock: the unbind undoes both at once */
	scoped_guard(mutex, &cb->maps_lock) {
		if (cb->unmapped)
			return ERR_PTR(-EPIPE);
		ret = fastrpc_bo_map_pages(map, cb->dev);
		if (ret)
			return ERR_PTR(ret);
		ret = fastrpc_sgt_contiguous(map->sgt, obj->size, &map->iova);
		if (ret) {
			drm_dbg_driver(obj->dev, "object of %zu bytes not contiguous on %s\n",
				       obj->size, dev_name(cb->dev));
			fastrpc_bo_unmap(map);
			return ERR_PTR(ret);
		}
		list_add_tail(&map->cb_node, &cb->maps);
	}

	/* All three put in fastrpc_bo_map_release() */
	drm_gem_object_get(obj);
	fastrpc_session_get(session);
	/* The pages stay pinned for the process: charge them to it, as RDMA does */
	if (current->mm) {
		mmgrab(current->mm);
		map->mm = current->mm;
		atomic64_add(obj->size >> PAGE_SHIFT, &map->mm->pinned_vm);
	}

	scoped_guard(mutex, &bo->lock)
		list_add_tail(&map->bo_node, &bo->maps);

	fastrpc_count(fdev, FASTRPC_CNT_BO_MAPS);
	fastrpc_count_add(fdev, FASTRPC_CNT_PINNED_PAGES, obj->size >> PAGE_SHIFT);
	return_ptr(map);
}

static void fastrpc_bo_map_release(struct kref *ref)
{
	struct fastrpc_bo_map *map = container_of(ref, struct fastrpc_bo_map, ref);
	s64 npages = map->obj->size >> PAGE_SHIFT;

	scoped_guard(mutex, &to_fastrpc_bo(map->obj)->lock)
		list_del(&map->bo_node);

	scoped_guard(mutex, &map->session->cb->maps_lock) {
		if (!map->unmapped) {
			list_del(&map->cb_node);
			fastrpc_bo_unmap(map);
		}
	}

	if (map->mm) {
		atomic64_sub(npages, &map->mm->pinned_vm);
		mmdrop(map->mm);
	}
	fastrpc_uncount(map->fdev, FASTRPC_CNT_BO_MAPS);
	fastrpc_count_add(map->fdev, FASTRPC_CNT_PINNED_PAGES, -npages);
	fastrpc_session_put(map->session);
	drm_gem_object_put(map->obj);
	kfree(map);
}

void fastrpc_bo_map_get(struct fastrpc_bo_map *map)
{
	kref_get(&map->ref);
}

/* Process context; nothing may use the mapping on the DSP once it is freed */
void fastrpc_bo_map_put(struct fastrpc_bo_map *map)
{
	if (map)
		kref_put(&map->ref, fastrpc_bo_map_release);
}

/*
 * Each sg entry is contiguous both physically and in the device's address
 * space: one sync each. Imports are the exporter's to sync (CPU access is
 * bracketed with DMA_BUF_IOCTL_SYNC); write-combined objects bypass the caches.
 */
void fastrpc_bo_map_sync(struct fastrpc_bo_map *map, u64 offset, u64 len, bool for_device)
{
	struct fastrpc_cb *cb = map->session->cb;
	u64 start, end, pos = 0, synced = 0;
	struct scatterlist *sg;
	unsigned int i;

	if (map->attach || to_fastrpc_bo(map->obj)->base.map_wc || !len ||
	    offset >= map->obj->size)
		return;
	start = round_down(offset, PAGE_SIZE);
	end = min_t(u64, PAGE_ALIGN(offset + len), map->obj->size);

	guard(mutex)(&cb->maps_lock);
	if (map->unmapped)
		return;
	for_each_sgtable_sg(map->sgt, sg, i) {
		u64 from = max(start, pos), to = min(end, pos + sg->length);

		pos += sg->length;
		if (from >= to)
			continue;
		if (for_device)
			dma_sync_single_for_device(cb->dev, map->iova + from,
						   to - from, DMA_BIDIRECTIONAL);
		else
			dma_sync_single_for_cpu(cb->dev, map->iova + from,
						to - from, DMA_BIDIRECTIONAL);
		synced += to - from;
		if (pos >= end)
			break;
	}
	fastrpc_count_add(map->fdev, FASTRPC_CNT_SYNCED_BYTES, synced);
}

/*
 * The whole object, on every session and for every importer whose mapping the
 * dma-buf caches: it may stay mapped on the DSP (a DSP mapping, or a call its
 * caller gave up on).
 */
static int fastrpc_gem_cpu_access(struct dma_buf *dmabuf, bool begin)
{
	struct drm_gem_object *obj = dmabuf->priv;
	struct fastrpc_bo *bo = to_fastrpc_bo(obj);
	struct dma_buf_attachment *attach;
	struct fastrpc_bo_map *map;
	int ret;

	if (bo->base.map_wc)
		return 0;

	scoped_guard(mutex, &bo->lock) {
		list_for_each_entry(map, &bo->maps, bo_node)
			fastrpc_bo_map_sync(map, 0, obj->size, !begin);
	}

	ret = dma_resv_lock_interruptible(dmabuf->resv, NULL);
	if (ret)
		return ret;
	list_for_each_entry(attach, &dmabuf->attachments, node) {
		if (!attach->sgt)
			continue;
		/* As the importer mapped it */
		if (begin)
			dma_sync_sgtable_for_cpu(attach->dev, attach->sgt, attach->dir);
		else
			dma_sync_sgtable_for_device(attach->dev, attach->sgt, attach->dir);
	}
	dma_resv_unlock(dmabuf->resv);
	return 0;
}

static int fastrpc_gem_begin_cpu_access(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	return fastrpc_gem_cpu_access(dmabuf, true);
}

static int fastrpc_gem_end_cpu_access(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	return fastrpc_gem_cpu_access(dmabuf, false);
}

/* The core's PRIME callbacks, with CPU access brackets */
static const struct dma_buf_ops fastrpc_dmabuf_ops = {
	.cache_sgt_mapping = true,
	.attach = drm_gem_map_attach,
	.detach = drm_gem_map_detach,
	.map_dma_buf = drm_gem_map_dma_buf,
	.unmap_dma_buf = drm_gem_unmap_dma_buf,
	.release = drm_gem_dmabuf_release,
	.begin_cpu_access = fastrpc_gem_begin_cpu_access,
	.end_cpu_access = fastrpc_gem_end_cpu_access,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

/*
 * Before the unbound bank's DMA setup goes away. The mappings stay, as files
 * and calls may hold them, but map nothing; nothing new is mapped on @cb.
 */
void fastrpc_bo_unmap_all(struct fastrpc_cb *cb)
{
	struct fastrpc_bo_map *map, *tmp;

	guard(mutex)(&cb->maps_lock);
	cb->unmapped = true;
	list_for_each_entry_safe(map, tmp, &cb->maps, cb_node) {
		list_del_init(&map->cb_node);
		fastrpc_bo_unmap(map);
		map->unmapped = true;
	}
}
