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

/* Takes over @kept; a stopped @channel gives it back at once */
static void fastrpc_keep(struct fastrpc_channel *channel,
			 struct fastrpc_kept *kept)
{
	scoped_guard(mutex, &channel->kept_lock) {
		if (!channel->kept_reclaimed) {
			list_add_tail(&kept->node, &channel->kept);
			fastrpc_count(channel->fdev, FASTRPC_CNT_KEPT);
			return;
		}
	}
	fastrpc_kept_free(channel, kept);
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

	scoped_guard(mutex, &channel->kept_lock) {
		list_splice_init(&channel->kept, &list);
		channel->kept_reclaimed = true;
	}

	list_for_each_entry_safe(kept, tmp, &list, node) {
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
	struct fastrpc_kept *kept;
	LIST_HEAD(maps);

	lockdep_assert_held(&ffile->lock);

	list_for_each_entry_safe(dsp, dsp_tmp, &ffile->dsp_maps, node) {
		list_del(&dsp->node);
		fastrpc_uncount(ffile->fdev, FASTRPC_CNT_DSP_MAPS);
		if (!dsp_forgot) {
			drm_dbg_driver(&ffile->fdev->drm,
				       "client %u: DSP mapping %#llx kept\n",
				       ffile->client_id, dsp->dsp_addr);
			kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
			swap(kept->map, dsp->map);
			swap(kept->rbuf, dsp->rbuf);
			fastrpc_keep(ffile->channel, kept);
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
	int ret = 0;

	memset(ref, 0, sizeof(*ref));

	/* Not &fastrpc_file.lock: that one is held across DSP calls */
	spin_lock(&ffile->proc_lock);
	if (!ffile->session) {
		ret = -ENOTCONN;
	} else if (fastrpc_channel_is_dead(ffile->channel) ||
		   fastrpc_session_is_dead(ffile->session)) {
		ret = -EPIPE;
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

	if (ret == -EPIPE && !fastrpc_device_is_online(ffile->fdev))
		ret = -ENODEV;
	return ret;
}

void fastrpc_proc_put(struct fastrpc_proc_ref *ref)
{
	fastrpc_session_put(ref->session);
	fastrpc_channel_put(ref->channel);
	memset(ref, 0, sizeof(*ref));
}

/* Binds the file to a process slot, or unbinds it with all NULL */
static void fastrpc_proc_set(struct fastrpc_file *ffile,
			     struct fastrpc_channel *channel,
			     struct fastrpc_session *session, u32 client_id)
{
	spin_lock(&ffile->proc_lock);
	ffile->channel = channel;
	ffile->session = session;
	ffile->client_id = client_id;
	ffile->pd = FASTRPC_PD_ROOT;
	spin_unlock(&ffile->proc_lock);
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

	fastrpc_proc_set(ffile, NULL, NULL, 0);

	fastrpc_session_put(session);
	xa_erase(&ffile->fdev->clients, client_id);
	/* No notification can mark the id down again */
	fastrpc_channel_forget_client(channel, client_id);
	fastrpc_channel_put(channel);
}

/* DRM_FASTRPC_PROCESS_STATE_* of the file's process */
static u32 fastrpc_proc_state_locked(struct fastrpc_file *ffile)
{
	lockdep_assert_held(&ffile->lock);

	if (!ffile->session)
		return DRM_FASTRPC_PROCESS_STATE_NONE;
	if (fastrpc_channel_client_down(ffile->channel, ffile->client_id))
		return DRM_FASTRPC_PROCESS_STATE_DIED;
	if (fastrpc_channel_is_dead(ffile->channel) ||
	    fastrpc_session_is_dead(ffile->session))
		return DRM_FASTRPC_PROCESS_STATE_LOST;
	return DRM_FASTRPC_PROCESS_STATE_RUNNING;
}

/* Unanswered CREATE or RELEASE: the DSP may still write the init memory */
static void fastrpc_proc_keep_init_mem_locked(struct fastrpc_file *ffile)
{
	struct fastrpc_kept *kept;

	lockdep_assert_held(&ffile->lock);

	if (!ffile->init_mem.vaddr)
		return;
	drm_dbg_driver(&ffile->fdev->drm,
		       "client %u: DSP did not answer, %zu bytes of init memory kept\n",
		       ffile->client_id, ffile->init_mem.size);
	kept = kzalloc(sizeof(*kept), GFP_KERNEL | __GFP_NOFAIL);
	fastrpc_session_get(ffile->session);
	kept->session = ffile->session;
	fastrpc_session_dma_move(ffile->session, &kept->buf, &ffile->init_mem);
	fastrpc_keep(ffile->channel, kept);
}

/* The DSP may still act on a call its caller gave up on */
bool fastrpc_proc_unanswered(int ret, u32 dsp_status)
{
	return (ret == -ETIMEDOUT || ret == -EINTR) && !dsp_status;
}

/*
 * Not killable, bounded by the kernel timeout: a caller killed while the DSP
 * sets up a process or mapping would leave memory kept until the DSP
 * restarts; waiting lets the caller's exit release it at once. The DSP's
 * answer goes to &fastrpc_file.dsp_status.
 */
int fastrpc_proc_init_call_locked(struct fastrpc_file *ffile, u32 sc,
				  struct fastrpc_karg *args, u32 nargs)
{
	struct fastrpc_call_params params = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = sc,
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
	ffile->dsp_status = params.dsp_status;
	return ret;
}

/* An INIT call that makes @pd the file's PD; on failure the file has none */
static int fastrpc_proc_start_locked(struct fastrpc_file *ffile, u32 pd,
				     u32 method, struct fastrpc_karg *args,
				     u32 nargs, const char *kind, u32 attrs)
{
	int ret;

	lockdep_assert_held(&ffile->lock);

	scoped_guard(spinlock, &ffile->proc_lock)
		ffile->pd = pd;
	ret = fastrpc_proc_init_call_locked(ffile, FASTRPC_SC(method, nargs, 0),
					    args, nargs);
	trace_fastrpc_pd_create(ffile->fdev->label, ffile->client_id, kind,
				attrs, ret, ffile->dsp_status);
	if (ret) {
		scoped_guard(spinlock, &ffile->proc_lock)
			ffile->pd = FASTRPC_PD_ROOT;
	}
	return ret;
}

/* On failure the file is left bound, with no PD */
int fastrpc_proc_create_locked(struct fastrpc_file *ffile,
			       const struct fastrpc_karg *shell, u32 attrs,
			       u32 siglen)
{
	size_t memlen = ALIGN(max_t(size_t, SZ_2M, 4 * (size_t)shell->len), SZ_1M);
	struct fastrpc_create_req req = {
		.pgid = cpu_to_le32(ffile->client_id),
		.filelen = cpu_to_le32(shell->len),
		.pageslen = cpu_to_le32(1),
		.attrs = cpu_to_le32(attrs),
		.siglen = cpu_to_le32(siglen),
	};
	struct fastrpc_phy_page page = { .size = cpu_to_le64(memlen) };
	char name[TASK_COMM_LEN];
	struct fastrpc_karg args[4] = {
		{ .len = sizeof(req), .kptr = &req },
		{ .kptr = name },
		*shell,
		{ .len = sizeof(page), .kptr = &page },
	};
	int ret;

	lockdep_assert_held(&ffile->lock);

	ret = fastrpc_session_dma_alloc(ffile->session, memlen,
					&ffile->init_mem);
	if (ret)
		return ret;
	page.addr = cpu_to_le64(fastrpc_session_wire_addr(ffile->session,
							  ffile->init_mem.dma));
	get_task_comm(name, current);
	args[1].len = strlen(name) + 1;
	req.namelen = cpu_to_le32(args[1].len);

	ret = fastrpc_proc_start_locked(ffile, FASTRPC_PD_USER,
					attrs ? FASTRPC_RMID_INIT_CREATE_ATTR :
						FASTRPC_RMID_INIT_CREATE,
					args, ARRAY_SIZE(args), "dynamic", attrs);
	if (fastrpc_proc_unanswered(ret, ffile->dsp_status))
		fastrpc_proc_keep_init_mem_locked(ffile);
	if (ret)
		fastrpc_session_dma_free(ffile->session, &ffile->init_mem);
	return ret;
}

int fastrpc_proc_attach_locked(struct fastrpc_file *ffile, u32 pd)
{
	__le32 pgid = cpu_to_le32(ffile->client_id);
	struct fastrpc_karg arg = { .len = sizeof(pgid), .kptr = &pgid };

	lockdep_assert_held(&ffile->lock);

	return fastrpc_proc_start_locked(ffile, pd, FASTRPC_RMID_INIT_ATTACH, &arg, 1,
					 pd == FASTRPC_PD_SENSORS ? "sensors" : "root", 0);
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
	struct fastrpc_create_static_req req = {
		.pgid = cpu_to_le32(ffile->client_id),
		.namelen = cpu_to_le32(namelen),
	};
	struct fastrpc_phy_page page;
	struct fastrpc_karg args[3] = {
		{ .len = sizeof(req), .kptr = &req },
		{ .len = namelen, .kptr = (void *)name },
		{ .len = sizeof(page), .kptr = &page },
	};
	bool fresh = false;
	int ret;

	lockdep_assert_held(&ffile->lock);

	guard(mutex)(&channel->heap_lock);
	if (!channel->heap_session && !channel->heap_rbuf.size) {
		if (!memlen || memlen > FASTRPC_STATIC_HEAP_MAX)
			return -EINVAL;
		if (channel->rheap) {
			ret = fastrpc_rheap_alloc(channel->rheap,
						  PAGE_ALIGN(memlen),
						  &channel->heap_rbuf);
			if (ret)
				return ret;
		} else {
			ret = fastrpc_session_dma_alloc(ffile->session,
							PAGE_ALIGN(memlen),
							&channel->heap);
			if (ret)
				return ret;
			fastrpc_session_get(ffile->session);
			channel->heap_session = ffile->session;
		}
		fresh = true;
	}

	/* Reserved memory goes by physical address, with no stream id */
	if (channel->heap_rbuf.size) {
		page.addr = cpu_to_le64(channel->heap_rbuf.phys);
		page.size = cpu_to_le64(channel->heap_rbuf.size);
	} else {
		page.addr = cpu_to_le64(fastrpc_session_wire_addr(channel->heap_session,
								  channel->heap.dma));
		page.size = cpu_to_le64(channel->heap.size);
	}

	ret = fastrpc_proc_start_locked(ffile, FASTRPC_PD_USER,
					FASTRPC_RMID_INIT_CREATE_STATIC, args,
					ARRAY_SIZE(args), "static", 0);
	if (ret && fresh && !fastrpc_proc_unanswered(ret, ffile->dsp_status))
		fastrpc_proc_static_release_locked(channel);
	return ret;
}

void fastrpc_proc_static_release_locked(struct fastrpc_channel *channel)
{
	lockdep_assert_held(&channel->heap_lock);

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
	fastrpc_proc_set(ffile, channel, session, client_id);
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

/* A lost process of the file, if any, makes way for the new one */
static int fastrpc_proc_init(struct fastrpc_file *ffile,
			     struct fastrpc_channel *channel,
			     const struct drm_fastrpc_process_init *init)
{
	u32 attrs = 0, state;
	int ret;

	guard(mutex)(&ffile->lock);
	state = fastrpc_proc_state_locked(ffile);
	if (state == DRM_FASTRPC_PROCESS_STATE_RUNNING)
		return -EALREADY;
	if (state != DRM_FASTRPC_PROCESS_STATE_NONE) {
		/* Died or lost: nothing to release, no call of it is answered */
		fastrpc_channel_retire_client(ffile->channel, ffile->client_id);
		fastrpc_proc_unbind_locked(ffile, true);
	}

	ret = fastrpc_proc_bind_locked(ffile, channel);
	if (ret)
		return ret;

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
		ret = fastrpc_proc_attach_locked(ffile, init->kind == DRM_FASTRPC_PROCESS_ROOT ?
						 FASTRPC_PD_ROOT : FASTRPC_PD_SENSORS);
	}
	if (ret) {
		drm_dbg_driver(ffile->drm, "client %u: process init failed: %d\n",
			       ffile->client_id, ret);
		fastrpc_proc_unbind_locked(ffile, true);
	}
	return ret;
}

int fastrpc_ioctl_process_init(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_fastrpc_process_init *init = data;
	struct fastrpc_file *ffile = file->driver_priv;
	struct fastrpc_channel *channel;
	int ret, idx;

	if (init->kind > DRM_FASTRPC_PROCESS_AUDIO ||
	    init->flags & ~DRM_FASTRPC_PROCESS_FLAGS || init->pad ||
	    (init->kind != DRM_FASTRPC_PROCESS_DYNAMIC &&
	     (init->flags || init->shell || init->shell_size)))
		return -EINVAL;
	if (init->shell_size > DRM_FASTRPC_SHELL_MAX_SIZE)
		return -E2BIG;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	channel = fastrpc_device_get_channel(ffile->fdev);
	if (!channel)
		ret = -ENODEV;
	else if (!fastrpc_proc_init_allowed(ffile, channel, init))
		ret = -EACCES;
	else
		ret = fastrpc_proc_init(ffile, channel, init);
	fastrpc_channel_put(channel);
	drm_dev_exit(idx);
	return ret;
}

static void fastrpc_proc_release(struct fastrpc_file *ffile)
{
	__le32 pgid;
	struct fastrpc_karg arg = { .len = sizeof(pgid), .kptr = &pgid };
	struct drm_device *drm = ffile->drm;
	bool dsp_forgot = true, sent = false;
	int ret = 0, idx;
	u32 state;

	guard(mutex)(&ffile->lock);
	state = fastrpc_proc_state_locked(ffile);
	if (state == DRM_FASTRPC_PROCESS_STATE_NONE)
		return;

	/* A process the DSP reported dead is released already */
	if (state == DRM_FASTRPC_PROCESS_STATE_DIED) {
		fastrpc_channel_retire_client(ffile->channel, ffile->client_id);
	} else if (state == DRM_FASTRPC_PROCESS_STATE_RUNNING &&
		   drm_dev_enter(drm, &idx)) {
		pgid = cpu_to_le32(ffile->client_id);
		ret = fastrpc_proc_init_call_locked(ffile,
						    FASTRPC_SC(FASTRPC_RMID_INIT_RELEASE, 1, 0),
						    &arg, 1);
		drm_dev_exit(idx);
		sent = true;
		/* Unless the DSP released it, it may still use its memory */
		if (!ret) {
			fastrpc_channel_retire_client(ffile->channel,
						      ffile->client_id);
		} else {
			drm_dbg_driver(drm, "client %u: release: %d (%#x)\n",
				       ffile->client_id, ret, ffile->dsp_status);
			dsp_forgot = ret == -EPIPE || ffile->dsp_status;
			if (!dsp_forgot)
				fastrpc_proc_keep_init_mem_locked(ffile);
		}
	}
	trace_fastrpc_pd_release(ffile->fdev->label, ffile->client_id, sent, ret,
				 sent ? ffile->dsp_status : 0);
	fastrpc_proc_unbind_locked(ffile, dsp_forgot);
}

static void fastrpc_query_device_info(struct fastrpc_file *ffile,
				      struct drm_fastrpc_device_info *info)
{
	struct fastrpc_device *fdev = ffile->fdev;

	/* @info is zeroed */
	info->domain_id = fdev->domain_id;
	info->driver_major = FASTRPC_DRIVER_MAJOR;
	info->driver_minor = FASTRPC_DRIVER_MINOR;
	info->protocol_version = FASTRPC_PROTOCOL_VERSION;
	strscpy((char *)info->domain, fdev->label, sizeof(info->domain));

	mutex_lock(&fdev->lock);
	if (fdev->channel) {
		info->flags |= DRM_FASTRPC_DEVICE_ONLINE;
		info->num_sessions = fastrpc_channel_num_sessions(fdev->channel);
	}
	if (fdev->secure)
		info->flags |= DRM_FASTRPC_DEVICE_SECURE;
	mutex_unlock(&fdev->lock);
	if (ffile->privileged)
		info->flags |= DRM_FASTRPC_DEVICE_PRIVILEGED;
}

/* The payload needs a context bank: without a process, borrow a slot */
static int fastrpc_query_dsp_attrs_locked(struct fastrpc_proc_ref *proc)
{
	struct fastrpc_channel *channel = proc->channel;
	__le32 n = cpu_to_le32(FASTRPC_DSP_ATTR_QUERY_LEN);
	/* The DSP's little-endian words, turned around in place below */
	struct fastrpc_karg args[2] = {
		{ .len = sizeof(n), .kptr = &n },
		{ .len = FASTRPC_DSP_ATTR_QUERY_LEN * sizeof(u32),
		  .kptr = &channel->dsp_attrs[1] },
	};
	struct fastrpc_call_params params = {
		.handle = FASTRPC_HANDLE_DSP_UTILS,
		.sc = FASTRPC_SC(FASTRPC_DSP_UTILS_CAPS_METHOD, 1, 1),
		.client = proc->client_id,
		.pd = proc->pd,
		.args = args,
		.nargs = ARRAY_SIZE(args),
		.timeout_ms = fastrpc_kernel_timeout_ms(),
		.killable = true,
	};
	struct fastrpc_session *session = proc->session;
	int ret;

	lockdep_assert_held(&channel->attrs_lock);

	if (!session) {
		session = fastrpc_session_acquire(channel, current->mm);
		if (IS_ERR(session))
			return PTR_ERR(session);
	}
	ret = fastrpc_call_sync(channel, session, &params);
	if (session != proc->session)
		fastrpc_session_put(session);
	if (ret)
		return ret;

	channel->dsp_attrs[0] = 1;
	le32_to_cpu_array(&channel->dsp_attrs[1], FASTRPC_DSP_ATTR_QUERY_LEN);
	channel->attrs_valid = true;
	return 0;
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
	if (!ret) {
		mutex_lock(&proc.channel->attrs_lock);
		if (!proc.channel->attrs_valid)
			ret = fastrpc_query_dsp_attrs_locked(&proc);
		if (!ret)
			memcpy(attrs, proc.channel->dsp_attrs,
			       sizeof(proc.channel->dsp_attrs));
		mutex_unlock(&proc.channel->attrs_lock);
		fastrpc_proc_put(&proc);
	}
	drm_dev_exit(idx);
	return ret;
}

int fastrpc_ioctl_query(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct fastrpc_file *ffile = file->driver_priv;
	struct drm_fastrpc_query *query = data;
	void __user *ptr = u64_to_user_ptr(query->pointer);
	union {
		struct drm_fastrpc_device_info info;
		u32 attrs[DRM_FASTRPC_DSP_ATTR_COUNT];
		struct drm_fastrpc_process_info process;
	} *answer __free(kfree) = kzalloc(sizeof(*answer), GFP_KERNEL);
	u32 full;
	int ret;

	if (!answer)
		return -ENOMEM;

	switch (query->type) {
	case DRM_FASTRPC_QUERY_DEVICE_INFO:
		fastrpc_query_device_info(ffile, &answer->info);
		full = sizeof(answer->info);
		break;
	case DRM_FASTRPC_QUERY_DSP_ATTRS:
		ret = fastrpc_proc_dsp_attrs(ffile, answer->attrs);
		if (ret)
			return ret;
		full = sizeof(answer->attrs);
		break;
	case DRM_FASTRPC_QUERY_PROCESS:
		scoped_guard(mutex, &ffile->lock)
			answer->process.state = fastrpc_proc_state_locked(ffile);
		full = sizeof(answer->process);
		break;
	default:
		return -EINVAL;
	}

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
