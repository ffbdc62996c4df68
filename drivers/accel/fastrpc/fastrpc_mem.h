/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_MEM_H__
#define __FASTRPC_MEM_H__

#include <linux/list.h>
#include <linux/types.h>

#include "fastrpc_rheap.h"
#include "fastrpc_session.h"

struct dma_buf;
struct drm_device;
struct drm_file;
struct drm_gem_object;
struct fastrpc_bo_map;
struct fastrpc_channel;
struct fastrpc_file;
struct fastrpc_proc_ref;

/* A range of a buffer mapped into a DSP process, on &fastrpc_file.dsp_maps */
struct fastrpc_dsp_map {
	struct list_head node;
	u64 dsp_addr;
	u64 offset;
	u64 len;
	u32 fd;
	bool heap;
	bool lost;	/* unanswered: the DSP may use an unknown address */
	struct fastrpc_bo_map *map;	/* NULL for reserved memory */
	struct fastrpc_rheap_buf rbuf;
};

struct fastrpc_mem_req {
	u64 offset;
	u64 len;
	u32 fd;
	bool heap;
	u32 flags;
	u32 dsp_offset;
	u64 vaddrin;
	u64 dsp_addr;		/* out */
};

/*
 * Memory the DSP may use after an unanswered call, kept mapped until the
 * channel stops; @session keeps the context bank from other processes.
 */
struct fastrpc_kept {
	struct list_head node;
	struct fastrpc_session *session;
	struct fastrpc_dma buf;
	struct fastrpc_bo_map *map;
	struct fastrpc_rheap_buf rbuf;
};

int fastrpc_mem_get_map(struct fastrpc_file *ffile,
			struct fastrpc_session *session, u32 flags, u32 handle,
			u64 offset, u64 len, struct fastrpc_bo_map **mapp);
int fastrpc_mem_get_map_dmabuf(struct fastrpc_file *ffile,
			       struct fastrpc_session *session,
			       struct dma_buf *dmabuf, u64 offset, u64 len,
			       struct fastrpc_bo_map **mapp);
void fastrpc_mem_put_map(struct fastrpc_file *ffile,
			 struct fastrpc_bo_map *map);
void fastrpc_mem_forget_obj(struct fastrpc_file *ffile,
			    struct drm_gem_object *obj);
int fastrpc_mem_lock_proc(struct fastrpc_file *ffile,
			  struct fastrpc_proc_ref *proc);
int fastrpc_mem_dsp_map_locked(struct fastrpc_file *ffile,
			       struct fastrpc_bo_map *map,
			       struct fastrpc_mem_req *req);
int fastrpc_mem_dsp_unmap_locked(struct fastrpc_file *ffile,
				 struct fastrpc_dsp_map *dsp);
void fastrpc_mem_release_locked(struct fastrpc_file *ffile, bool dsp_forgot);
void fastrpc_mem_keep_dma(struct fastrpc_channel *channel,
			  struct fastrpc_session *session,
			  struct fastrpc_dma *buf);
void fastrpc_mem_reclaim_kept(struct fastrpc_channel *channel);
int fastrpc_mem_dsp_map_rheap_locked(struct fastrpc_file *ffile, u64 len,
				     u32 fd, u64 *dsp_addr);
int fastrpc_ioctl_map(struct drm_device *drm, void *data,
		      struct drm_file *file);
int fastrpc_ioctl_unmap(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __FASTRPC_MEM_H__ */
