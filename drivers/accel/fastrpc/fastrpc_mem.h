/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: buffers of calls and DSP mappings.
 */
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
struct fastrpc_file;
struct fastrpc_session;

/**
 * struct fastrpc_dsp_map - a range of a buffer mapped into a DSP process
 * @node: entry in &fastrpc_file.dsp_maps
 * @dsp_addr: address of the mapping in the DSP process
 * @offset: start of the mapping in the buffer
 * @len: length of the mapping
 * @fd: buffer identifier sent with MEM_MAP (the GEM handle or dma-buf fd)
 * @heap: given to the process's heap with MMAP, undone with MUNMAP
 * @lost: MEM_MAP got no answer: the DSP may have mapped the range at an
 *	address the driver does not know, so the mapping stays until the
 *	process is released
 * @map: the buffer's mapping on the session (a reference), or NULL for
 *	reserved memory
 * @rbuf: the channel's reserved memory given with MMAP REMOTE_HEAP (@map
 *	NULL), else empty
 */
struct fastrpc_dsp_map {
	struct list_head node;
	u64 dsp_addr;
	u64 offset;
	u64 len;
	u32 fd;
	bool heap;
	bool lost;
	struct fastrpc_bo_map *map;
	struct fastrpc_rheap_buf rbuf;
};

/**
 * struct fastrpc_mem_req - a range of a buffer to map into a DSP process
 * @offset: start of the range in the buffer
 * @len: length of the range
 * @fd: buffer identifier sent to the DSP
 * @heap: give the range to the process's heap (INIT MMAP) instead of
 *	mapping it (INIT MEM_MAP)
 * @flags: flags of MEM_MAP in0, or of MMAP in0 for @heap
 * @dsp_offset: offset field of MEM_MAP in0
 * @vaddrin: address hint of MEM_MAP in0
 * @dsp_addr: Out. Address of the mapping in the DSP process
 */
struct fastrpc_mem_req {
	u64 offset;
	u64 len;
	u32 fd;
	bool heap;
	u32 flags;
	u32 dsp_offset;
	u64 vaddrin;
	u64 dsp_addr;
};

/**
 * struct fastrpc_kept - something the DSP may still use, kept until it restarts
 * @node: entry in &fastrpc_channel.kept
 * @session: the slot it is mapped on (a use): the context bank is not handed
 *	to another process meanwhile
 * @buf: memory of the driver's own (init memory), or not allocated
 * @map: a buffer's mapping on @session (a reference), or NULL
 * @rbuf: reserved memory of the channel, or empty
 *
 * When a call that makes the DSP use memory (CREATE, MEM_MAP, RELEASE of a
 * process that has mappings) gets no answer, the DSP may go on using that
 * memory, so it is neither unmapped nor freed. It is given back when the
 * channel stops: a restarted DSP has forgotten everything.
 */
struct fastrpc_kept {
	struct list_head node;
	struct fastrpc_session *session;
	struct fastrpc_dma buf;
	struct fastrpc_bo_map *map;
	struct fastrpc_rheap_buf rbuf;
};

struct fastrpc_channel;
struct fastrpc_dma;
struct fastrpc_proc_ref;

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
void fastrpc_mem_keep_map(struct fastrpc_channel *channel,
			  struct fastrpc_bo_map *map);
void fastrpc_mem_reclaim_kept(struct fastrpc_channel *channel);
int fastrpc_mem_dsp_map_rheap_locked(struct fastrpc_file *ffile, u64 len,
				     u32 fd, u64 *dsp_addr);
int fastrpc_ioctl_map(struct drm_device *drm, void *data,
		      struct drm_file *file);
int fastrpc_ioctl_unmap(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __FASTRPC_MEM_H__ */
