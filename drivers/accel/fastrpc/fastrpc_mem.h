/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: buffers of calls and DSP mappings.
 */
#ifndef __FASTRPC_MEM_H__
#define __FASTRPC_MEM_H__

#include <linux/list.h>
#include <linux/types.h>

struct drm_device;
struct drm_file;
struct fastrpc_bo_map;
struct fastrpc_file;
struct fastrpc_session;

/**
 * struct fastrpc_dsp_map - a range of a buffer mapped into a DSP process
 * @node: entry in &fastrpc_file.dsp_maps
 * @dsp_addr: address of the mapping in the DSP process
 * @len: length of the mapping
 * @fd: buffer identifier sent with MEM_MAP (the GEM handle or dma-buf fd)
 * @heap: given to the process's heap with MMAP, undone with MUNMAP
 * @lost: MEM_MAP got no answer: the DSP may have mapped the range at an
 *	address the driver does not know, so the mapping stays until the
 *	process is released
 * @map: the buffer's mapping on the session (a reference)
 */
struct fastrpc_dsp_map {
	struct list_head node;
	u64 dsp_addr;
	u64 len;
	u32 fd;
	bool heap;
	bool lost;
	struct fastrpc_bo_map *map;
};

int fastrpc_mem_get_map(struct drm_file *file, struct fastrpc_session *session,
			u32 flags, u32 handle, u64 offset, u64 len,
			struct fastrpc_bo_map **mapp);
void fastrpc_mem_release_locked(struct fastrpc_file *ffile, bool dsp_forgot);
int fastrpc_ioctl_map(struct drm_device *drm, void *data,
		      struct drm_file *file);
int fastrpc_ioctl_unmap(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __FASTRPC_MEM_H__ */
