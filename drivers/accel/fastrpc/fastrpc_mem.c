// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: buffers of calls and DSP mappings.
 *
 * A buffer named by a call or by MAP (a GEM handle of the file or a dma-buf
 * fd) is mapped on the file's session when it is first needed and stays on
 * the file's list while something uses it: a call or MAP that looked it up
 * (&fastrpc_bo_map.users), a DSP mapping (&fastrpc_bo_map.dsp_pins), or the
 * file's cache of recently used buffers named by GEM handle
 * (&fastrpc_bo_map.cached). Users of one buffer share its mapping, so that
 * no two mappings of the same pages exist on one context bank. MAP adds a
 * mapping in the DSP process with INIT MEM_MAP, or gives the range to the
 * process's heap with INIT MMAP (ADD_PAGES); it lasts until UNMAP (INIT
 * MEM_UNMAP or MUNMAP) or until the DSP releases the process.
 */

#include <linux/dma-buf.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_args.h"
#include "fastrpc_channel.h"
#include "fastrpc_drv.h"
#include "fastrpc_gem.h"
#include "fastrpc_invoke.h"
#include "fastrpc_mem.h"
#include "fastrpc_proc.h"
#include "fastrpc_proto.h"
#include "fastrpc_session.h"
#include "fastrpc_trace.h"

static unsigned int map_cache_entries = 32;
module_param(map_cache_entries, uint, 0644);
MODULE_PARM_DESC(map_cache_entries,
		 "Most buffer objects a file keeps mapped between calls (LRU)");

static unsigned int map_cache_mib = 64;
module_param(map_cache_mib, uint, 0644);
MODULE_PARM_DESC(map_cache_mib,
		 "Most MiB of buffer objects a file keeps mapped between calls");

/*
 * The mapping of @obj, or of any import of the foreign dma-buf @dmabuf (an
 * import made for a dma-buf fd and one made by PRIME for the same dma-buf
 * share it), on @session, with a reference for the caller. A mapping found
 * becomes the most recently used one.
 */
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

/*
 * A mapping nothing keeps on the file's list any more leaves it; the list's
 * reference moves to @put, to be dropped without the lock.
 */
static void fastrpc_mem_unlist_idle_locked(struct fastrpc_bo_map *map,
					   struct list_head *put)
{
	if (map->listed && !map->users && !map->dsp_pins && !map->cached) {
		map->listed = false;
		list_move_tail(&map->node, put);
	}
}

/* Take @map out of the file's cache */
static void fastrpc_mem_uncache_locked(struct fastrpc_file *ffile,
				       struct fastrpc_bo_map *map,
				       struct list_head *put)
{
	lockdep_assert_held(&ffile->maps_lock);

	if (map->cached) {
		map->cached = false;
		ffile->cache_entries--;
		ffile->cache_pages -= map->obj->size >> PAGE_SHIFT;
	}
	fastrpc_mem_unlist_idle_locked(map, put);
}

/* Evict the least recently used mappings while the cache is over a limit */
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
		fastrpc_mem_uncache_locked(ffile, map, put);
		fastrpc_count(ffile->fdev, FASTRPC_CNT_CACHE_EVICTIONS);
	}
}

/* Drop the references of mappings taken off the file's list */
static void fastrpc_mem_put_list(struct list_head *put)
{
	struct fastrpc_bo_map *map, *tmp;

	list_for_each_entry_safe(map, tmp, put, node) {
		list_del_init(&map->node);
		fastrpc_bo_map_put(map);
	}
}

/*
 * The session mapping of [@offset, @offset + @len) of @obj (a reference,
 * dropped here; NULL for a dma-buf of another exporter) or @dmabuf, of
 * @size bytes, for a use given back with fastrpc_mem_put_map(). With @cache
 * the mapping stays in the file's cache after the caller is done with it.
 * See fastrpc_mem_get_map().
 */
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
	fastrpc_mem_put_list(&put);
out_put:
	if (obj)
		drm_gem_object_put(obj);
	return ret;
}

/**
 * fastrpc_mem_put_map() - give back a use of a mapping
 * @ffile: the file
 * @map: a mapping of fastrpc_mem_get_map() or fastrpc_mem_get_map_dmabuf(),
 *	may be NULL; the caller's reference is dropped
 *
 * A mapping that nothing else keeps on the file's list leaves it, and is
 * unmapped once calls still in flight are done with it.
 */
void fastrpc_mem_put_map(struct fastrpc_file *ffile,
			 struct fastrpc_bo_map *map)
{
	LIST_HEAD(put);

	if (!map)
		return;
	mutex_lock(&ffile->maps_lock);
	/* Off the list already when the file's session was released */
	if (map->listed) {
		map->users--;
		fastrpc_mem_unlist_idle_locked(map, &put);
	}
	mutex_unlock(&ffile->maps_lock);
	fastrpc_mem_put_list(&put);
	fastrpc_bo_map_put(map);
}

/*
 * A DSP mapping takes over @map and the caller's reference: the mapping
 * stays on the file's list, where calls find it, until the last DSP mapping
 * of it is undone. A mapping on the list was looked up for the caller: the
 * caller's use becomes the DSP mapping's. One not listed (a buffer of the
 * driver's own, legacy MMAP) is listed.
 */
static void fastrpc_mem_pin_map(struct fastrpc_file *ffile,
				struct fastrpc_bo_map *map)
{
	mutex_lock(&ffile->maps_lock);
	if (map->listed) {
		map->users--;
	} else if (list_empty(&map->node)) {
		/* Put when it leaves the list */
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
	fastrpc_mem_unlist_idle_locked(map, &put);
	mutex_unlock(&ffile->maps_lock);
	fastrpc_mem_put_list(&put);
}

/**
 * fastrpc_mem_forget_obj() - drop a file's cached mappings of an object
 * @ffile: the file
 * @obj: an object whose handle in the file is being closed
 *
 * The cache keeps no mapping of a buffer past its handle. Mappings held by
 * DSP mappings stay until those are undone; calls in flight keep theirs.
 */
void fastrpc_mem_forget_obj(struct fastrpc_file *ffile,
			    struct drm_gem_object *obj)
{
	struct fastrpc_bo_map *map, *tmp;
	LIST_HEAD(put);

	mutex_lock(&ffile->maps_lock);
	list_for_each_entry_safe(map, tmp, &ffile->bo_maps, node)
		if (map->obj == obj && map->cached)
			fastrpc_mem_uncache_locked(ffile, map, &put);
	mutex_unlock(&ffile->maps_lock);
	fastrpc_mem_put_list(&put);
}

/**
 * fastrpc_mem_get_map_dmabuf() - the session mapping of a range of a dma-buf
 * @ffile: the file
 * @session: the file's session
 * @dmabuf: the buffer; the caller keeps its reference
 * @offset: offset of the range in the buffer
 * @len: length of the range
 * @mapp: written: the mapping with a reference and a use for the caller
 *	(given back with fastrpc_mem_put_map()), or NULL for an empty range
 *	(nothing to map)
 *
 * fastrpc_mem_get_map() for a dma-buf the caller has looked up already, so
 * that what it learnt of the buffer (e.g. @offset) and the mapping are of
 * the same buffer, whatever happens to its descriptor meanwhile.
 *
 * Return: 0, -EOVERFLOW when the range wraps around, -ERANGE when it goes
 * past the end of the buffer, -EINVAL when the buffer is not one
 * contiguous range for the session's device, or -ENOMEM.
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
 * @mapp: written: the mapping with a reference and a use for the caller
 *	(given back with fastrpc_mem_put_map()), or NULL for an empty range
 *	(nothing to map)
 *
 * The buffer is mapped on @session when it is first needed and shared by
 * its users; a buffer named by GEM handle stays in the file's cache after
 * its last use. A dma-buf exported by this device names its object; any
 * other dma-buf is imported for as long as it is used and found again
 * through its mapping.
 *
 * Return: 0, -ENOENT for an unknown GEM handle (or a file without GEM
 * handles), -EBADF for a descriptor that is not a dma-buf, -EOVERFLOW
 * when the range wraps around, -ERANGE when it goes past the end of the
 * buffer, -EINVAL when the buffer is not
 * one contiguous range for the session's device, or -ENOMEM.
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

static void fastrpc_mem_kept_free(struct fastrpc_channel *channel,
				  struct fastrpc_kept *kept)
{
	fastrpc_rheap_free(channel->rheap, &kept->rbuf);
	fastrpc_bo_map_put(kept->map);
	if (kept->session) {
		fastrpc_session_dma_free(kept->session, &kept->buf);
		fastrpc_session_put(kept->session);
	}
	kfree(kept);
}

/* Kept until the channel stops; given back at once if it stopped already */
static void fastrpc_mem_keep(struct fastrpc_channel *channel,
			     struct fastrpc_kept *kept)
{
	bool reclaimed;

	mutex_lock(&channel->kept_lock);
	reclaimed = channel->kept_reclaimed;
	if (!reclaimed)
		list_add_tail(&kept->node, &channel->kept);
	mutex_unlock(&channel->kept_lock);

	if (reclaimed)
		fastrpc_mem_kept_free(channel, kept);
	else
		fastrpc_count(channel->fdev, FASTRPC_CNT_KEPT);
}

/**
 * fastrpc_mem_keep_dma() - keep memory the DSP may still use until it restarts
 * @channel: the channel of the DSP
 * @session: the slot @buf is mapped on; the kept memory takes a use
 * @buf: the memory; handed over (not allocated afterwards)
 *
 * If no record can be allocated, the memory is leaked rather than freed
 * under the DSP (it stays mapped, and the slot taken, for good).
 */
void fastrpc_mem_keep_dma(struct fastrpc_channel *channel,
			  struct fastrpc_session *session,
			  struct fastrpc_dma *buf)
{
	struct fastrpc_kept *kept;

	if (!buf->vaddr)
		return;
	kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
	/* Put in fastrpc_mem_reclaim_kept() */
	fastrpc_session_get(session);
	kept->session = session;
	fastrpc_session_dma_move(session, &kept->buf, buf);
	fastrpc_mem_keep(channel, kept);
}

/**
 * fastrpc_mem_keep_map() - keep a buffer mapping the DSP may still use
 * @channel: the channel of the DSP
 * @map: the mapping; the caller's reference is handed over
 */
void fastrpc_mem_keep_map(struct fastrpc_channel *channel,
			  struct fastrpc_bo_map *map)
{
	struct fastrpc_kept *kept;

	kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
	kept->map = map;
	fastrpc_mem_keep(channel, kept);
}

/* Keep the reserved memory of a DSP mapping; @dsp->rbuf is handed over */
static void fastrpc_mem_keep_rbuf(struct fastrpc_channel *channel,
				  struct fastrpc_dsp_map *dsp)
{
	struct fastrpc_kept *kept;

	kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
	kept->rbuf = dsp->rbuf;
	dsp->rbuf.size = 0;
	fastrpc_mem_keep(channel, kept);
}

/* Give back what a DSP mapping holds, once the DSP no longer uses it */
static void fastrpc_mem_dsp_map_free(struct fastrpc_channel *channel,
				     struct fastrpc_dsp_map *dsp)
{
	fastrpc_rheap_free(channel->rheap, &dsp->rbuf);
	fastrpc_bo_map_put(dsp->map);
	kfree(dsp);
}

/**
 * fastrpc_mem_reclaim_kept() - give back what was kept for a DSP
 * @channel: the channel, stopped (the DSP restarts or the driver unbinds),
 *	with its context banks still bound
 */
void fastrpc_mem_reclaim_kept(struct fastrpc_channel *channel)
{
	struct fastrpc_kept *kept, *tmp;
	LIST_HEAD(list);

	mutex_lock(&channel->kept_lock);
	list_splice_init(&channel->kept, &list);
	/* Whatever a caller still keeps on the channel is given back at once */
	channel->kept_reclaimed = true;
	mutex_unlock(&channel->kept_lock);

	list_for_each_entry_safe(kept, tmp, &list, node) {
		list_del(&kept->node);
		fastrpc_mem_kept_free(channel, kept);
		fastrpc_uncount(channel->fdev, FASTRPC_CNT_KEPT);
	}
}

/**
 * fastrpc_mem_release_locked() - drop a file's mappings with its session
 * @ffile: the file, whose session is being released
 * @dsp_forgot: the DSP released the process (or is gone) and uses none of
 *	its DSP mappings any more
 *
 * DSP mappings are dropped without MEM_UNMAP: the DSP forgets them with the
 * process. When it may not have (@dsp_forgot false: RELEASE got no answer),
 * their buffers are kept on the channel, mapped, with the session slot,
 * until the DSP restarts. The file's
 * reference to every session mapping is dropped; calls still unanswered keep
 * theirs, so a mapping is unmapped once the DSP is done with it.
 */
void fastrpc_mem_release_locked(struct fastrpc_file *ffile, bool dsp_forgot)
{
	struct fastrpc_dsp_map *dsp, *dsp_tmp;
	struct fastrpc_bo_map *map;
	LIST_HEAD(maps);

	lockdep_assert_held(&ffile->lock);

	list_for_each_entry_safe(dsp, dsp_tmp, &ffile->dsp_maps, node) {
		list_del(&dsp->node);
		fastrpc_uncount(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
		if (!dsp_forgot) {
			drm_dbg_driver(&ffile->fdev->drm,
				       "client %u: DSP mapping %#llx kept\n",
				       ffile->client_id, dsp->dsp_addr);
			if (dsp->map)
				fastrpc_mem_keep_map(ffile->channel, dsp->map);
			else
				fastrpc_mem_keep_rbuf(ffile->channel, dsp);
			dsp->map = NULL;
		}
		fastrpc_mem_dsp_map_free(ffile->channel, dsp);
	}

	mutex_lock(&ffile->maps_lock);
	list_for_each_entry(map, &ffile->bo_maps, node) {
		map->cached = false;
		map->listed = false;
	}
	list_splice_init(&ffile->bo_maps, &maps);
	ffile->cache_entries = 0;
	ffile->cache_pages = 0;
	mutex_unlock(&ffile->maps_lock);

	fastrpc_mem_put_list(&maps);
}

/**
 * fastrpc_mem_lock_proc() - take a file's process and lock the file
 * @ffile: the file
 * @proc: written, as fastrpc_proc_get() does
 *
 * On success the file's lock is held and the file's process is the one
 * @proc refers to.
 *
 * Return: 0, an error of fastrpc_proc_get(), -EINTR when killed while
 * waiting for the file's lock, or -EPIPE when the process changed in
 * between (a new process after a DSP restart).
 */
int fastrpc_mem_lock_proc(struct fastrpc_file *ffile,
			  struct fastrpc_proc_ref *proc)
{
	int ret;

	ret = fastrpc_proc_get(ffile, proc);
	if (ret)
		return ret;

	/* Another MAP or INIT of the file may hold it across a DSP call */
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

/*
 * Map [@req->offset, @req->offset + @req->len) of @dsp->map into the DSP
 * process: INIT MEM_MAP, or INIT MMAP to give it to the process's heap.
 */
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
	/*
	 * The page list describes exactly the range mapped. Reserved memory
	 * goes by physical address, with no stream id.
	 */
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

/**
 * fastrpc_mem_dsp_map_locked() - map a buffer range into the file's process
 * @ffile: the file, with a process
 * @map: the buffer's mapping on the file's session; the caller's reference
 *	is handed over (kept by the DSP mapping, or dropped on error)
 * @req: what to map and how; @req->dsp_addr is written on success
 *
 * Return: 0, -ENOMEM, or the errno of the DSP call. A call that got no
 * answer keeps its mapping (unusable) until the process is released.
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
	/* The DSP reads and writes the range from now on */
	fastrpc_bo_map_sync_for_device(map, req->offset, req->len);
	ret = fastrpc_mem_map_call_locked(ffile, req, dsp);
	if (ret && !dsp->lost) {
		fastrpc_mem_unpin_map(ffile, map);
		fastrpc_bo_map_put(map);
		kfree(dsp);
		return ret;
	}
	dsp->offset = req->offset;

	/* The DSP mapping holds the caller's reference to @map */
	list_add_tail(&dsp->node, &ffile->dsp_maps);
	fastrpc_count(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
	if (!ret)
		req->dsp_addr = dsp->dsp_addr;
	return ret;
}

/**
 * fastrpc_mem_dsp_map_rheap_locked() - give reserved memory to the DSP
 * @ffile: the file, with a process
 * @len: bytes wanted, a multiple of the page size
 * @fd: identifier sent with the request (the legacy fd, or -1)
 * @dsp_addr: Out. Address the DSP gave the memory
 *
 * Allocates @len bytes of the channel's reserved memory (assigned to the
 * VMs of "qcom,vmids") and sends INIT MMAP with REMOTE_HEAP and the physical
 * address. The memory is the file's DSP mapping until UNMAP or the release
 * of the process.
 *
 * Return: 0, -ENODEV when the channel has no reserved memory, -ENOMEM,
 * -EOPNOTSUPP when it cannot be assigned to its VMs, or the errno of the
 * DSP call.
 */
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
		fastrpc_mem_dsp_map_free(channel, dsp);
		return ret;
	}

	list_add_tail(&dsp->node, &ffile->dsp_maps);
	fastrpc_count(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
	if (!ret)
		*dsp_addr = dsp->dsp_addr;
	return ret;
}

/* DRM_IOCTL_FASTRPC_MAP with DRM_FASTRPC_MAP_REMOTE_HEAP */
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

/**
 * fastrpc_ioctl_map() - DRM_IOCTL_FASTRPC_MAP
 * @drm: the DRM device
 * @data: &struct drm_fastrpc_map
 * @file: the DRM file
 *
 * Return: 0, -EINVAL for a malformed request or a buffer that is not
 * contiguous for the session's device, -ENOTCONN before PROCESS_INIT, the
 * errors of a buffer argument (-ENOENT, -EBADF, -EOVERFLOW, -ERANGE),
 * -ENODEV or -EPIPE when the DSP is or went away, -ENOMEM, or the errno of
 * the DSP call.
 */
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

/**
 * fastrpc_mem_dsp_unmap_locked() - undo a DSP mapping of the file's process
 * @ffile: the file
 * @dsp: one of the file's DSP mappings, not lost
 *
 * Sends INIT MEM_UNMAP (or MUNMAP for the heap) and, once the DSP agreed,
 * forgets the mapping and drops its buffer.
 *
 * Return: 0, -EBUSY while a call of the file is in flight, or the errno of
 * the DSP call (the mapping is then kept).
 */
int fastrpc_mem_dsp_unmap_locked(struct fastrpc_file *ffile,
				 struct fastrpc_dsp_map *dsp)
{
	int ret;

	lockdep_assert_held(&ffile->lock);

	/*
	 * A call in flight may use the range: one running now holds the
	 * semaphore, one its caller gave up on is still in the table. Holding
	 * it keeps new calls from starting until the DSP unmapped the range.
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
	fastrpc_mem_dsp_map_free(ffile->channel, dsp);
	return 0;
}

/**
 * fastrpc_ioctl_unmap() - DRM_IOCTL_FASTRPC_UNMAP
 * @drm: the DRM device
 * @data: &struct drm_fastrpc_unmap
 * @file: the DRM file
 *
 * Return: 0, -EINVAL for a malformed request, -ENOTCONN before
 * PROCESS_INIT, -ENOENT for an address that is not a mapping of the file,
 * -EBUSY while a call of the file is in flight, -ENODEV or -EPIPE when the
 * DSP is or went away, or the errno of the DSP call (the mapping is then
 * kept).
 */
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
