// SPDX-License-Identifier: GPL-2.0-only
/* FastRPC accel driver: DSP processes, capability and device queries */

#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"
#include "fastrpc_trace.h"

static_assert(DRM_FASTRPC_DSP_ATTR_COUNT == FASTRPC_DSP_ATTR_COUNT);

static void fastrpc_kept_free(struct fastrpc_channel *channel,
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

static void fastrpc_keep(struct fastrpc_channel *channel,
			 struct fastrpc_kept *kept)
{
	bool reclaimed;

	mutex_lock(&channel->kept_lock);
	reclaimed = channel->kept_reclaimed;
	if (!reclaimed)
		list_add_tail(&kept->node, &channel->kept);
	mutex_unlock(&channel->kept_lock);

	if (reclaimed)
		fastrpc_kept_free(channel, kept);
	else
		fastrpc_count(channel->fdev, FASTRPC_CNT_KEPT);
}

/* Takes over @buf; the kept memory takes a use of @session */
static void fastrpc_keep_dma(struct fastrpc_channel *channel,
			     struct fastrpc_session *session,
			  struct fastrpc_dma *buf)
{
	struct fastrpc_kept *kept;

	if (!buf->vaddr)
		return;
	kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
	fastrpc_session_get(session);
	kept->session = session;
	fastrpc_session_dma_move(session, &kept->buf, buf);
	fastrpc_keep(channel, kept);
}

static void fastrpc_keep_map(struct fastrpc_channel *channel,
			     struct fastrpc_bo_map *map)
{
	struct fastrpc_kept *kept;

	kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
	kept->map = map;
	fastrpc_keep(channel, kept);
}

static void fastrpc_keep_rbuf(struct fastrpc_channel *channel,
			      struct fastrpc_dsp_map *dsp)
{
	struct fastrpc_kept *kept;

	kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
	kept->rbuf = dsp->rbuf;
	dsp->rbuf.size = 0;
	fastrpc_keep(channel, kept);
}

void fastrpc_dsp_map_free(struct fastrpc_channel *channel,
			  struct fastrpc_dsp_map *dsp)
{
	fastrpc_rheap_free(channel->rheap, &dsp->rbuf);
	fastrpc_bo_map_put(dsp->map);
	kfree(dsp);
}

/* @channel is stopped, with its context banks still bound */
void fastrpc_reclaim_kept(struct fastrpc_channel *channel)
{
	struct fastrpc_kept *kept, *tmp;
	LIST_HEAD(list);

	mutex_lock(&channel->kept_lock);
	list_splice_init(&channel->kept, &list);
	channel->kept_reclaimed = true;
	mutex_unlock(&channel->kept_lock);

	list_for_each_entry_safe(kept, tmp, &list, node) {
		list_del(&kept->node);
		fastrpc_kept_free(channel, kept);
		fastrpc_uncount(channel->fdev, FASTRPC_CNT_KEPT);
	}
}

/*
 * No MEM_UNMAP: the DSP forgets mappings with the process. When it may not
 * have (!@dsp_forgot: RELEASE got no answer), the buffers stay mapped on
 * the channel until the DSP restarts. Unanswered calls keep their own
 * references.
 */
static void fastrpc_proc_release_maps_locked(struct fastrpc_file *ffile, bool dsp_forgot)
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
				fastrpc_keep_map(ffile->channel, dsp->map);
			else
				fastrpc_keep_rbuf(ffile->channel, dsp);
			dsp->map = NULL;
		}
		fastrpc_dsp_map_free(ffile->channel, dsp);
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

	fastrpc_bo_map_put_list(&maps);
}

int fastrpc_proc_get(struct fastrpc_file *ffile, struct fastrpc_proc_ref *ref)
{
	bool dead = false;
	int ret = 0;

	memset(ref, 0, sizeof(*ref));

	/* Not &fastrpc_file.lock: that one is held across DSP calls */
	spin_lock(&ffile->proc_lock);
	if (!ffile->session) {
		ret = -ENOTCONN;
	} else if (fastrpc_channel_is_dead(ffile->channel) ||
		   fastrpc_session_is_dead(ffile->session)) {
		dead = true;
	} else if (fastrpc_channel_client_down(ffile->channel,
					       ffile->client_id)) {
		ret = -ECONNRESET;
	} else {
		ref->channel = fastrpc_channel_get(ffile->channel);
		fastrpc_session_get(ffile->session);
		ref->session = ffile->session;
		ref->client_id = ffile->client_id;
		ref->pd = ffile->pd;
	}
	spin_unlock(&ffile->proc_lock);

	if (dead)
		ret = fastrpc_device_is_online(ffile->fdev) ? -EPIPE : -ENODEV;
	return ret;
}

void fastrpc_proc_put(struct fastrpc_proc_ref *ref)
{
	fastrpc_session_put(ref->session);
	fastrpc_channel_put(ref->channel);
	memset(ref, 0, sizeof(*ref));
}

/* @dsp_forgot: the DSP released the process or is gone */
static void fastrpc_proc_unbind_locked(struct fastrpc_file *ffile,
				       bool dsp_forgot)
{
	struct fastrpc_channel *channel = ffile->channel;
	struct fastrpc_session *session = ffile->session;
	u32 client_id = ffile->client_id;

	lockdep_assert_held(&ffile->lock);

	/* Before the slot use goes: the mappings hold their own */
	fastrpc_proc_release_maps_locked(ffile, dsp_forgot);
	fastrpc_session_dma_free(session, &ffile->init_mem);

	spin_lock(&ffile->proc_lock);
	ffile->session = NULL;
	ffile->channel = NULL;
	ffile->client_id = 0;
	ffile->pd = FASTRPC_PD_ROOT;
	spin_unlock(&ffile->proc_lock);

	fastrpc_session_put(session);
	xa_erase(&ffile->fdev->clients, client_id);
	/* No notification can mark the id down again */
	fastrpc_channel_forget_client(channel, client_id);
	fastrpc_channel_put(channel);
}

static bool fastrpc_proc_lost_locked(struct fastrpc_file *ffile)
{
	lockdep_assert_held(&ffile->lock);

	return fastrpc_channel_is_dead(ffile->channel) ||
	       fastrpc_session_is_dead(ffile->session) ||
	       fastrpc_channel_client_down(ffile->channel, ffile->client_id);
}

static void fastrpc_proc_set_pd_locked(struct fastrpc_file *ffile, u32 pd)
{
	lockdep_assert_held(&ffile->lock);

	spin_lock(&ffile->proc_lock);
	ffile->pd = pd;
	spin_unlock(&ffile->proc_lock);
}

/* Unanswered CREATE or RELEASE: the DSP may still write the init memory */
static void fastrpc_proc_keep_init_mem_locked(struct fastrpc_file *ffile)
{
	lockdep_assert_held(&ffile->lock);

	if (!ffile->init_mem.vaddr)
		return;
	drm_dbg_driver(&ffile->fdev->drm,
		       "client %u: DSP did not answer, %zu bytes of init memory kept\n",
		       ffile->client_id, ffile->init_mem.size);
	fastrpc_keep_dma(ffile->channel, ffile->session, &ffile->init_mem);
}

/* The DSP may still act on a call its caller gave up on */
bool fastrpc_proc_unanswered(int ret, u32 dsp_status)
{
	return (ret == -ETIMEDOUT || ret == -EINTR) && !dsp_status;
}

/*
 * Not killable, bounded by the kernel timeout: a caller killed while the DSP
 * sets up a process or mapping would leave memory kept until the DSP
 * restarts; waiting lets the caller's exit release it at once.
 */
int fastrpc_proc_init_call_locked(struct fastrpc_file *ffile, u32 sc,
				  struct fastrpc_karg *args, u32 nargs,
				  u32 *dsp_status)
{
	struct fastrpc_call_params params = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = sc,
		.pid = 0,
		.client = ffile->client_id,
		.pd = ffile->pd,
		.args = args,
		.nargs = nargs,
		.timeout_ms = fastrpc_kernel_timeout_ms(),
		.killable = false,
	};
	int ret;

	lockdep_assert_held(&ffile->lock);

	ret = fastrpc_call_sync(ffile->channel, ffile->session, &params);
	*dsp_status = params.dsp_status;
	ffile->dsp_status = params.dsp_status;
	return ret;
}

/* On failure the file is left bound, with no PD */
int fastrpc_proc_create_locked(struct fastrpc_file *ffile,
			       const struct fastrpc_karg *shell, u32 attrs,
			       u32 siglen)
{
	struct fastrpc_create_req req;
	struct fastrpc_phy_page page;
	struct fastrpc_karg args[4];
	char name[TASK_COMM_LEN];
	u32 method, dsp_status = 0;
	size_t memlen;
	int ret;

	lockdep_assert_held(&ffile->lock);

	memlen = ALIGN(max_t(size_t, SZ_2M, 4 * (size_t)shell->len), SZ_1M);
	ret = fastrpc_session_dma_alloc(ffile->session, memlen,
					&ffile->init_mem);
	if (ret)
		return ret;

	method = attrs ? FASTRPC_RMID_INIT_CREATE_ATTR : FASTRPC_RMID_INIT_CREATE;

	get_task_comm(name, current);
	req = (struct fastrpc_create_req) {
		.pgid = cpu_to_le32(ffile->client_id),
		.namelen = cpu_to_le32(strlen(name) + 1),
		.filelen = cpu_to_le32(shell->len),
		.pageslen = cpu_to_le32(1),
		.attrs = cpu_to_le32(attrs),
		.siglen = cpu_to_le32(siglen),
	};
	page = (struct fastrpc_phy_page) {
		.addr = cpu_to_le64(fastrpc_session_wire_addr(ffile->session,
							      ffile->init_mem.dma)),
		.size = cpu_to_le64(memlen),
	};

	args[0] = (struct fastrpc_karg) { .len = sizeof(req), .kptr = &req };
	args[1] = (struct fastrpc_karg) { .len = strlen(name) + 1, .kptr = name };
	args[2] = *shell;
	args[3] = (struct fastrpc_karg) { .len = sizeof(page), .kptr = &page };

	fastrpc_proc_set_pd_locked(ffile, FASTRPC_PD_USER);
	ret = fastrpc_proc_init_call_locked(ffile,
					    FASTRPC_SC(method, ARRAY_SIZE(args), 0),
					    args, ARRAY_SIZE(args), &dsp_status);
	trace_fastrpc_pd_create(ffile->fdev->label, ffile->client_id,
				"dynamic", attrs, ret, dsp_status);
	if (!ret)
		return 0;

	if (fastrpc_proc_unanswered(ret, dsp_status))
		fastrpc_proc_keep_init_mem_locked(ffile);
	else
		fastrpc_session_dma_free(ffile->session, &ffile->init_mem);
	fastrpc_proc_set_pd_locked(ffile, FASTRPC_PD_ROOT);
	return ret;
}

int fastrpc_proc_attach_locked(struct fastrpc_file *ffile, u32 pd)
{
	__le32 pgid = cpu_to_le32(ffile->client_id);
	struct fastrpc_karg arg = { .len = sizeof(pgid), .kptr = &pgid };
	u32 dsp_status;
	int ret;

	lockdep_assert_held(&ffile->lock);

	fastrpc_proc_set_pd_locked(ffile, pd);
	ret = fastrpc_proc_init_call_locked(ffile,
					    FASTRPC_SC(FASTRPC_RMID_INIT_ATTACH, 1, 0),
					    &arg, 1, &dsp_status);
	trace_fastrpc_pd_create(ffile->fdev->label, ffile->client_id,
				pd == FASTRPC_PD_SENSORS ? "sensors" : "root",
				0, ret, dsp_status);
	if (ret)
		fastrpc_proc_set_pd_locked(ffile, FASTRPC_PD_ROOT);
	return ret;
}

/*
 * The static PD outlives its creator, so its heap belongs to the channel and
 * is sized by the first caller: reserved memory when the device tree gives
 * some, else on the first caller's context bank, which stays taken until
 * the channel goes away. @namelen includes the NUL.
 */
int fastrpc_proc_create_static_locked(struct fastrpc_file *ffile,
				      const char *name, u32 namelen,
				      u64 memlen)
{
	struct fastrpc_channel *channel = ffile->channel;
	struct fastrpc_create_static_req req;
	struct fastrpc_phy_page page;
	struct fastrpc_karg args[3];
	u32 dsp_status = 0;
	bool fresh = false;
	int ret;

	lockdep_assert_held(&ffile->lock);

	mutex_lock(&channel->heap_lock);
	if (!channel->heap_session && !channel->heap_rbuf.size) {
		if (!memlen || memlen > FASTRPC_STATIC_HEAP_MAX) {
			ret = -EINVAL;
			goto out_unlock;
		}
		if (channel->rheap) {
			ret = fastrpc_rheap_alloc(channel->rheap,
						  PAGE_ALIGN(memlen),
						  &channel->heap_rbuf);
			if (ret)
				goto out_unlock;
		} else {
			ret = fastrpc_session_dma_alloc(ffile->session,
							PAGE_ALIGN(memlen),
							&channel->heap);
			if (ret)
				goto out_unlock;
			fastrpc_session_get(ffile->session);
			channel->heap_session = ffile->session;
		}
		fresh = true;
	}

	req = (struct fastrpc_create_static_req) {
		.pgid = cpu_to_le32(ffile->client_id),
		.namelen = cpu_to_le32(namelen),
		.pageslen = 0,
	};
	/* Reserved memory goes by physical address, with no stream id */
	if (channel->heap_rbuf.size)
		page = (struct fastrpc_phy_page) {
			.addr = cpu_to_le64(channel->heap_rbuf.phys),
			.size = cpu_to_le64(channel->heap_rbuf.size),
		};
	else
		page = (struct fastrpc_phy_page) {
			.addr = cpu_to_le64(fastrpc_session_wire_addr(channel->heap_session,
								      channel->heap.dma)),
			.size = cpu_to_le64(channel->heap.size),
		};
	args[0] = (struct fastrpc_karg) { .len = sizeof(req), .kptr = &req };
	args[1] = (struct fastrpc_karg) { .len = namelen, .kptr = (void *)name };
	args[2] = (struct fastrpc_karg) { .len = sizeof(page), .kptr = &page };

	fastrpc_proc_set_pd_locked(ffile, FASTRPC_PD_USER);
	ret = fastrpc_proc_init_call_locked(ffile,
					    FASTRPC_SC(FASTRPC_RMID_INIT_CREATE_STATIC,
						       ARRAY_SIZE(args), 0),
					    args, ARRAY_SIZE(args), &dsp_status);
	trace_fastrpc_pd_create(ffile->fdev->label, ffile->client_id, "static",
				0, ret, dsp_status);
	if (ret) {
		fastrpc_proc_set_pd_locked(ffile, FASTRPC_PD_ROOT);
		if (fresh && !fastrpc_proc_unanswered(ret, dsp_status))
			fastrpc_proc_static_release_locked(channel);
	}
out_unlock:
	mutex_unlock(&channel->heap_lock);
	return ret;
}

void fastrpc_proc_static_release_locked(struct fastrpc_channel *channel)
{
	lockdep_assert_held(&channel->heap_lock);

	if (channel->heap_rbuf.size)
		fastrpc_rheap_free(channel->rheap, &channel->heap_rbuf);
	if (!channel->heap_session)
		return;
	fastrpc_session_dma_free(channel->heap_session, &channel->heap);
	fastrpc_session_put(channel->heap_session);
	channel->heap_session = NULL;
}

/* The file takes its own reference to @channel */
int fastrpc_proc_bind_locked(struct fastrpc_file *ffile,
			     struct fastrpc_channel *channel)
{
	struct fastrpc_device *fdev = ffile->fdev;
	struct fastrpc_session *session;
	u32 client_id;
	int ret;

	lockdep_assert_held(&ffile->lock);

	session = fastrpc_session_acquire(channel, current->mm);
	if (IS_ERR(session))
		return PTR_ERR(session);

	ret = xa_alloc_cyclic(&fdev->clients, &client_id, ffile,
			      XA_LIMIT(1, INT_MAX), &fdev->next_client,
			      GFP_KERNEL);
	if (ret < 0) {
		fastrpc_session_put(session);
		return ret;
	}

	/* Put in fastrpc_proc_unbind_locked() */
	fastrpc_channel_get(channel);
	spin_lock(&ffile->proc_lock);
	ffile->channel = channel;
	ffile->session = session;
	ffile->client_id = client_id;
	ffile->pd = FASTRPC_PD_ROOT;
	spin_unlock(&ffile->proc_lock);
	return 0;
}

/*
 * Root, sensors and audio PDs need the privileged device; on a secure
 * channel the ordinary device makes only unsigned PDs (privilege.rst).
 */
static bool fastrpc_proc_init_allowed(struct fastrpc_file *ffile,
				      struct fastrpc_channel *channel,
				      const struct drm_fastrpc_process_init *init)
{
	if (ffile->privileged)
		return true;
	if (init->kind != DRM_FASTRPC_PROCESS_DYNAMIC)
		return false;
	if (!channel->secure)
		return true;
	return init->flags & DRM_FASTRPC_PROCESS_UNSIGNED &&
	       fastrpc_domain_runs_unsigned(ffile->fdev->domain_id);
}

int fastrpc_ioctl_process_init(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_fastrpc_process_init *init = data;
	struct fastrpc_file *ffile = file->driver_priv;
	struct fastrpc_channel *channel;
	u32 attrs = 0;
	int ret, idx;

	if (init->kind > DRM_FASTRPC_PROCESS_AUDIO ||
	    init->flags & ~DRM_FASTRPC_PROCESS_FLAGS || init->pad)
		return -EINVAL;
	if (init->kind != DRM_FASTRPC_PROCESS_DYNAMIC &&
	    (init->flags || init->shell || init->shell_size))
		return -EINVAL;
	if (init->shell_size > DRM_FASTRPC_SHELL_MAX_SIZE)
		return -E2BIG;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	channel = fastrpc_device_get_channel(ffile->fdev);
	if (!channel) {
		ret = -ENODEV;
		goto out_exit;
	}
	if (!fastrpc_proc_init_allowed(ffile, channel, init)) {
		fastrpc_channel_put(channel);
		ret = -EACCES;
		goto out_exit;
	}

	mutex_lock(&ffile->lock);
	if (ffile->session) {
		if (!fastrpc_proc_lost_locked(ffile)) {
			ret = -EALREADY;
			goto out_unlock;
		}
		/* Lost: nothing to release, and no call of it is answered */
		fastrpc_channel_retire_client(ffile->channel, ffile->client_id);
		fastrpc_proc_unbind_locked(ffile, true);
	}

	ret = fastrpc_proc_bind_locked(ffile, channel);
	if (ret)
		goto out_unlock;

	if (init->kind == DRM_FASTRPC_PROCESS_DYNAMIC) {
		struct fastrpc_karg shell = {
			.len = init->shell_size,
			.user = true,
			.uptr = u64_to_user_ptr(init->shell),
		};

		if (init->flags & DRM_FASTRPC_PROCESS_UNSIGNED)
			attrs |= FASTRPC_CREATE_ATTR_UNSIGNED;
		if (init->flags & DRM_FASTRPC_PROCESS_DEBUG)
			attrs |= FASTRPC_CREATE_ATTR_DEBUG;
		ret = fastrpc_proc_create_locked(ffile, &shell, attrs, 0);
	} else if (init->kind == DRM_FASTRPC_PROCESS_AUDIO) {
		static const char name[] = FASTRPC_AUDIO_PD_NAME;

		ret = fastrpc_proc_create_static_locked(ffile, name,
							sizeof(name),
							DRM_FASTRPC_AUDIO_HEAP_SIZE);
	} else {
		u32 pd = init->kind == DRM_FASTRPC_PROCESS_ROOT ?
			 FASTRPC_PD_ROOT : FASTRPC_PD_SENSORS;

		ret = fastrpc_proc_attach_locked(ffile, pd);
	}
	if (ret) {
		drm_dbg_driver(drm, "client %u: process init failed: %d\n",
			       ffile->client_id, ret);
		fastrpc_proc_unbind_locked(ffile, true);
	}
out_unlock:
	mutex_unlock(&ffile->lock);
	fastrpc_channel_put(channel);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

/* Runs after DRM released the file's handles; the mappings hold their objects */
static void fastrpc_proc_release(struct fastrpc_file *ffile)
{
	struct drm_device *drm = ffile->drm;
	bool dsp_forgot = true, sent = false;
	u32 dsp_status = 0;
	int ret = 0, idx;
	__le32 pgid;

	mutex_lock(&ffile->lock);
	if (!ffile->session)
		goto out_unlock;

	/* A process the DSP reported dead is released already */
	if (fastrpc_channel_client_down(ffile->channel, ffile->client_id)) {
		fastrpc_channel_retire_client(ffile->channel, ffile->client_id);
	} else if (!fastrpc_proc_lost_locked(ffile) &&
		   drm_dev_enter(drm, &idx)) {
		struct fastrpc_karg arg = { .len = sizeof(pgid), .kptr = &pgid };

		pgid = cpu_to_le32(ffile->client_id);
		ret = fastrpc_proc_init_call_locked(ffile,
						    FASTRPC_SC(FASTRPC_RMID_INIT_RELEASE, 1, 0),
						    &arg, 1, &dsp_status);
		drm_dev_exit(idx);
		sent = true;
		if (ret)
			drm_dbg_driver(drm, "client %u: release: %d (%#x)\n",
				       ffile->client_id, ret, dsp_status);
		/* Unless the DSP released it, it may still use its memory */
		if (!ret)
			fastrpc_channel_retire_client(ffile->channel,
						      ffile->client_id);
		else if (ret != -EPIPE && !dsp_status)
			dsp_forgot = false;
		if (!dsp_forgot)
			fastrpc_proc_keep_init_mem_locked(ffile);
	}
	trace_fastrpc_pd_release(ffile->fdev->label, ffile->client_id, sent, ret,
				 dsp_status);
	fastrpc_proc_unbind_locked(ffile, dsp_forgot);

out_unlock:
	mutex_unlock(&ffile->lock);
}

static int fastrpc_query_answer(struct drm_fastrpc_query *query,
				const void *answer, u32 full)
{
	void __user *ptr = u64_to_user_ptr(query->pointer);

	/* Bounds the tail clearing below */
	if (query->size > DRM_FASTRPC_QUERY_MAX_SIZE)
		return -EINVAL;
	if (query->pointer) {
		if (copy_to_user(ptr, answer, min(query->size, full)))
			return -EFAULT;
		if (query->size > full &&
		    clear_user(ptr + full, query->size - full))
			return -EFAULT;
	}
	query->size = full;
	return 0;
}

static int fastrpc_query_device_info(struct fastrpc_file *ffile,
				     struct drm_fastrpc_query *query)
{
	struct fastrpc_device *fdev = ffile->fdev;
	struct drm_fastrpc_device_info info = {
		.domain_id = fdev->domain_id,
		.driver_major = FASTRPC_DRIVER_MAJOR,
		.driver_minor = FASTRPC_DRIVER_MINOR,
		.protocol_version = FASTRPC_PROTOCOL_VERSION,
	};

	strscpy((char *)info.domain, fdev->label, sizeof(info.domain));

	mutex_lock(&fdev->lock);
	if (fdev->channel) {
		info.flags |= DRM_FASTRPC_DEVICE_ONLINE;
		info.num_sessions = fastrpc_channel_num_sessions(fdev->channel);
	}
	if (fdev->secure)
		info.flags |= DRM_FASTRPC_DEVICE_SECURE;
	mutex_unlock(&fdev->lock);
	if (ffile->privileged)
		info.flags |= DRM_FASTRPC_DEVICE_PRIVILEGED;

	return fastrpc_query_answer(query, &info, sizeof(info));
}

/* The payload needs a context bank: without a process, borrow a slot */
static int fastrpc_query_dsp_attrs_locked(struct fastrpc_proc_ref *proc)
{
	struct fastrpc_channel *channel = proc->channel;
	__le32 n = cpu_to_le32(FASTRPC_DSP_ATTR_QUERY_LEN);
	struct fastrpc_session *session = proc->session;
	struct fastrpc_call_params params;
	struct fastrpc_karg args[2];
	__le32 *out;
	u32 k;
	int ret;

	lockdep_assert_held(&channel->attrs_lock);

	if (channel->attrs_valid)
		return 0;

	out = kcalloc(FASTRPC_DSP_ATTR_QUERY_LEN, sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;

	if (!session) {
		session = fastrpc_session_acquire(channel, current->mm);
		if (IS_ERR(session)) {
			ret = PTR_ERR(session);
			goto out_free;
		}
	}

	args[0] = (struct fastrpc_karg) { .len = sizeof(n), .kptr = &n };
	args[1] = (struct fastrpc_karg) {
		.len = FASTRPC_DSP_ATTR_QUERY_LEN * sizeof(*out),
		.kptr = out,
	};
	params = (struct fastrpc_call_params) {
		.handle = FASTRPC_HANDLE_DSP_UTILS,
		.sc = FASTRPC_SC(FASTRPC_DSP_UTILS_CAPS_METHOD, 1, 1),
		.pid = 0,
		.client = proc->client_id,
		.pd = proc->pd,
		.args = args,
		.nargs = ARRAY_SIZE(args),
		.timeout_ms = fastrpc_kernel_timeout_ms(),
		.killable = true,
	};
	ret = fastrpc_call_sync(channel, session, &params);
	if (!ret) {
		channel->dsp_attrs[0] = 1;
		for (k = 0; k < FASTRPC_DSP_ATTR_QUERY_LEN; k++)
			channel->dsp_attrs[k + 1] = le32_to_cpu(out[k]);
		channel->attrs_valid = true;
	}

	if (session != proc->session)
		fastrpc_session_put(session);
out_free:
	kfree(out);
	return ret;
}

/* @attrs gets %DRM_FASTRPC_DSP_ATTR_COUNT values; the first answer is cached */
int fastrpc_proc_dsp_attrs(struct fastrpc_file *ffile, u32 *attrs)
{
	struct fastrpc_device *fdev = ffile->fdev;
	struct fastrpc_proc_ref proc;
	int ret, idx;

	if (!drm_dev_enter(&fdev->drm, &idx))
		return -ENODEV;

	ret = fastrpc_proc_get(ffile, &proc);
	if (ret == -ENOTCONN) {
		/* Put by fastrpc_proc_put() */
		proc.channel = fastrpc_device_get_channel(fdev);
		ret = proc.channel ? 0 : -ENODEV;
	}
	if (ret)
		goto out_exit;

	mutex_lock(&proc.channel->attrs_lock);
	ret = fastrpc_query_dsp_attrs_locked(&proc);
	if (!ret)
		memcpy(attrs, proc.channel->dsp_attrs,
		       sizeof(proc.channel->dsp_attrs));
	mutex_unlock(&proc.channel->attrs_lock);

	fastrpc_proc_put(&proc);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

static int fastrpc_query_dsp_attrs(struct fastrpc_file *ffile,
				   struct drm_fastrpc_query *query)
{
	u32 *attrs;
	int ret;

	attrs = kcalloc(DRM_FASTRPC_DSP_ATTR_COUNT, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return -ENOMEM;

	ret = fastrpc_proc_dsp_attrs(ffile, attrs);
	if (!ret)
		ret = fastrpc_query_answer(query, attrs,
					   DRM_FASTRPC_DSP_ATTR_COUNT *
					   sizeof(*attrs));
	kfree(attrs);
	return ret;
}

static int fastrpc_query_process(struct fastrpc_file *ffile,
				 struct drm_fastrpc_query *query)
{
	struct drm_fastrpc_process_info info = {};

	mutex_lock(&ffile->lock);
	if (!ffile->session)
		info.state = DRM_FASTRPC_PROCESS_STATE_NONE;
	else if (fastrpc_channel_client_down(ffile->channel, ffile->client_id))
		info.state = DRM_FASTRPC_PROCESS_STATE_DIED;
	else if (fastrpc_proc_lost_locked(ffile))
		info.state = DRM_FASTRPC_PROCESS_STATE_LOST;
	else
		info.state = DRM_FASTRPC_PROCESS_STATE_RUNNING;
	mutex_unlock(&ffile->lock);

	return fastrpc_query_answer(query, &info, sizeof(info));
}

int fastrpc_ioctl_query(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;
	struct drm_fastrpc_query *query = data;

	switch (query->type) {
	case DRM_FASTRPC_QUERY_DEVICE_INFO:
		return fastrpc_query_device_info(ffile, query);
	case DRM_FASTRPC_QUERY_DSP_ATTRS:
		return fastrpc_query_dsp_attrs(ffile, query);
	case DRM_FASTRPC_QUERY_PROCESS:
		return fastrpc_query_process(ffile, query);
	default:
		return -EINVAL;
	}
}

int fastrpc_file_init(struct fastrpc_file *ffile, struct fastrpc_device *fdev,
		      struct drm_file *file)
{
	ffile->quota = fastrpc_quota_alloc();
	if (!ffile->quota)
		return -ENOMEM;
	ffile->fdev = fdev;
	ffile->drm = file ? file->minor->dev : &fdev->drm;
	ffile->privileged = ffile->drm != &fdev->drm;
	ffile->file = file;
	mutex_init(&ffile->lock);
	spin_lock_init(&ffile->proc_lock);
	init_rwsem(&ffile->calls_sem);
	ffile->pd = FASTRPC_PD_ROOT;
	INIT_LIST_HEAD(&ffile->dsp_maps);
	mutex_init(&ffile->maps_lock);
	INIT_LIST_HEAD(&ffile->bo_maps);
	return 0;
}

/* DRM released an accel file's handles already: mappings hold their BOs */
void fastrpc_file_fini(struct fastrpc_file *ffile)
{
	fastrpc_proc_release(ffile);
	fastrpc_quota_put(ffile->quota);
	mutex_destroy(&ffile->maps_lock);
	mutex_destroy(&ffile->lock);
}
