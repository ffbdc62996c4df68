/* SPDX-License-Identifier: GPL-2.0-only */
/* FastRPC accel driver: buffer objects, PRIME and mappings on sessions. */
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

struct fastrpc_bo {
	struct drm_gem_shmem_object base; /* only base.base for an import */
	/* foreign dma-buf or NULL; mapped per session, not via the PRIME attach */
	struct dma_buf *import;
	struct mutex lock; /* protects maps */
	struct list_head maps;
};

static inline struct fastrpc_bo *to_fastrpc_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct fastrpc_bo, base.base);
}

/*
 * References: the file's list (until its session is released), each call
 * until the DSP answered, each DSP mapping.
 */
struct fastrpc_bo_map {
	struct kref ref;
	/* under fastrpc_file.maps_lock: */
	struct list_head node; /* in fastrpc_file.bo_maps */
	bool listed; /* the list holds a reference */
	unsigned int users; /* lookups not yet given back (fastrpc_mem_put_map()) */
	bool cached;
	unsigned int dsp_pins;
	struct list_head cb_node; /* under fastrpc_cb.maps_lock */
	struct list_head bo_node; /* under fastrpc_bo.lock */
	bool unmapped; /* undone at unbind; under fastrpc_cb.maps_lock */
	struct fastrpc_device *fdev;
	struct mm_struct *mm; /* pinned pages are charged to it; a reference */
	struct drm_gem_object *obj; /* a reference */
	struct fastrpc_session *session; /* a slot use: bank and device stay */
	struct dma_buf_attachment *attach; /* imports only */
	struct sg_table *sgt;
	dma_addr_t iova; /* one contiguous range, without the stream id */
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
