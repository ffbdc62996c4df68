/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: buffer objects, PRIME and mappings on sessions.
 */
#ifndef __FASTRPC_GEM_H__
#define __FASTRPC_GEM_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/types.h>

#include <drm/drm_gem_shmem_helper.h>

struct dma_buf;
struct dma_buf_attachment;
struct drm_device;
struct drm_file;
struct fastrpc_cb;
struct fastrpc_device;
struct fastrpc_session;
struct sg_table;
struct vm_area_struct;

/**
 * struct fastrpc_bo - a buffer object of a FastRPC device
 * @base: the shmem object; only @base.base is used for an import
 * @import: for an object imported from another exporter, the dma-buf; NULL
 *	for an object of this device. Besides the attachment a PRIME import
 *	makes to the DRM device (@base.base.import_attach, never mapped), it
 *	is attached and mapped on a session's context-bank device when a
 *	process first needs it there.
 * @lock: protects @maps
 * @maps: the object's mappings on sessions, &fastrpc_bo_map.bo_node
 */
struct fastrpc_bo {
	struct drm_gem_shmem_object base;
	struct dma_buf *import;
	struct mutex lock; /* protects maps */
	struct list_head maps;
};

static inline struct fastrpc_bo *to_fastrpc_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct fastrpc_bo, base.base);
}

/**
 * struct fastrpc_bo_map - a buffer object mapped on one session
 * @ref: references: the file's list (until the file's session is released),
 *	each call that uses the mapping until the DSP answered, each DSP
 *	mapping
 * @node: entry in &fastrpc_file.bo_maps while a use, a DSP mapping or the
 *	file's cache keeps the mapping there
 * @listed: on &fastrpc_file.bo_maps (the list holds a reference), under
 *	&fastrpc_file.maps_lock
 * @users: uses by calls or MAP requests that looked the mapping up on the
 *	file's list and have not given it back (fastrpc_mem_put_map())
 * @cached: in the file's cache of recently used mappings
 * @dsp_pins: DSP mappings of the file that use the mapping
 * @cb_node: entry in &fastrpc_cb.maps, under &fastrpc_cb.maps_lock
 * @bo_node: entry in &fastrpc_bo.maps
 * @unmapped: undone at the unbind of the context bank's device, under
 *	&fastrpc_cb.maps_lock
 * @fdev: device of the object, for the counters
 * @mm: the address space the pinned pages are charged to (a reference), or
 *	NULL
 * @obj: the object (a reference)
 * @session: the session (a slot use: the context bank and its device stay
 *	and the slot is not handed out while the object is mapped)
 * @attach: the dma-buf attachment to the session's device, for an import
 * @sgt: the scatterlist mapped on the session's device
 * @iova: device address of the object's first byte, without the stream id;
 *	the object is one contiguous range [@iova, @iova + @obj->size)
 */
struct fastrpc_bo_map {
	struct kref ref;
	struct list_head node;
	bool listed;
	unsigned int users;
	bool cached;
	unsigned int dsp_pins;
	struct list_head cb_node;
	struct list_head bo_node;
	bool unmapped;
	struct fastrpc_device *fdev;
	struct mm_struct *mm;
	struct drm_gem_object *obj;
	struct fastrpc_session *session;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	dma_addr_t iova;
};

struct drm_gem_object *fastrpc_gem_create_object(struct drm_device *drm,
						 size_t size);
u64 fastrpc_gem_dmabuf_vma_offset(struct dma_buf *dmabuf,
				  struct vm_area_struct *vma);
struct drm_gem_object *fastrpc_gem_prime_import(struct drm_device *drm,
						struct dma_buf *dmabuf);
struct drm_gem_object *fastrpc_gem_import_transient(struct drm_device *drm,
						    struct dma_buf *dmabuf);
struct drm_gem_object *fastrpc_gem_from_dmabuf(struct drm_device *drm,
					       struct dma_buf *dmabuf);
struct drm_gem_object *fastrpc_gem_create_kernel(struct fastrpc_device *fdev,
						 u64 size, bool wc);
int fastrpc_gem_create_dmabuf_fd(struct fastrpc_device *fdev, u64 size,
				 bool wc, int fd_flags);
int fastrpc_ioctl_gem_create(struct drm_device *drm, void *data,
			     struct drm_file *file);
int fastrpc_ioctl_gem_mmap_offset(struct drm_device *drm, void *data,
				  struct drm_file *file);

struct fastrpc_bo_map *fastrpc_bo_map_create(struct drm_gem_object *obj,
					     struct fastrpc_session *session);
void fastrpc_bo_map_get(struct fastrpc_bo_map *map);
void fastrpc_bo_map_put(struct fastrpc_bo_map *map);
void fastrpc_bo_map_sync_for_device(struct fastrpc_bo_map *map, u64 offset,
				    u64 len);
void fastrpc_bo_map_sync_for_cpu(struct fastrpc_bo_map *map, u64 offset,
				 u64 len);
void fastrpc_bo_unmap_all(struct fastrpc_cb *cb);

#endif /* __FASTRPC_GEM_H__ */
