// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: remote calls.
 *
 * Waits are killable, never interruptible, so a call is never sent twice.
 * Out-buffers are copied back using only the kernel's record of their place
 * in the payload. The payload is the driver's own memory, so a DSP restart
 * never pulls it away from a caller still copying. Per-client limits keep a
 * client from filling the context table or pinning unbounded memory with
 * calls it abandoned.
 */

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <kunit/visibility.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"
#include "fastrpc_trace.h"

static unsigned int kernel_timeout_ms = 10000;
module_param(kernel_timeout_ms, uint, 0644);
MODULE_PARM_DESC(kernel_timeout_ms,
		 "Timeout of kernel-originated DSP calls in ms (default 10000)");

static unsigned int max_calls_per_client = 64;
module_param(max_calls_per_client, uint, 0644);
MODULE_PARM_DESC(max_calls_per_client,
		 "Unfinished calls of one client (file), abandoned ones included; more give -EAGAIN (0: no limit, default 64)");

static unsigned int max_abandoned_per_client = 16;
module_param(max_abandoned_per_client, uint, 0644);
MODULE_PARM_DESC(max_abandoned_per_client,
		 "Calls a client gave up on and the DSP has not answered; at the limit new calls give -EBUSY (0: no limit, default 16)");

static unsigned int max_abandoned_kb_per_client = 65536;
module_param(max_abandoned_kb_per_client, uint, 0644);
MODULE_PARM_DESC(max_abandoned_kb_per_client,
		 "Payload KiB of those abandoned calls; at the limit new calls give -EBUSY (0: no limit, default 65536)");

u32 fastrpc_kernel_timeout_ms(void)
{
	return max(READ_ONCE(kernel_timeout_ms), 1U);
}

struct fastrpc_quota *fastrpc_quota_alloc(void)
{
	struct fastrpc_quota *quota;

	quota = kzalloc(sizeof(*quota), GFP_KERNEL);
	if (quota) {
		kref_init(&quota->ref);
		spin_lock_init(&quota->busy_lock);
	}
	return quota;
}

static void fastrpc_quota_release(struct kref *ref)
{
	kfree(container_of(ref, struct fastrpc_quota, ref));
}

void fastrpc_quota_put(struct fastrpc_quota *quota)
{
	if (quota)
		kref_put(&quota->ref, fastrpc_quota_release);
}

static bool fastrpc_over_limit(s64 used, unsigned int limit, s64 unit)
{
	return limit && used >= limit * unit;
}

static int fastrpc_quota_charge(struct fastrpc_quota *quota)
{
	if (fastrpc_over_limit(atomic_read(&quota->abandoned),
			       READ_ONCE(max_abandoned_per_client), 1) ||
	    fastrpc_over_limit(atomic64_read(&quota->abandoned_bytes),
			       READ_ONCE(max_abandoned_kb_per_client), SZ_1K))
		return -EBUSY;
	if (fastrpc_over_limit(atomic_inc_return(&quota->calls) - 1,
			       READ_ONCE(max_calls_per_client), 1)) {
		atomic_dec(&quota->calls);
		return -EAGAIN;
	}
	kref_get(&quota->ref);
	return 0;
}

static void fastrpc_quota_uncharge(struct fastrpc_call *call)
{
	struct fastrpc_quota *quota = call->quota;

	if (!quota)
		return;
	if (call->abandoned) {
		atomic_dec(&quota->abandoned);
		atomic64_sub(call->layout->size, &quota->abandoned_bytes);
	}
	atomic_dec(&quota->calls);
	fastrpc_quota_put(quota);
}

int fastrpc_dsp_result_to_errno(u32 retval)
{
	switch (retval) {
	case 0:
		return 0;
	case FASTRPC_DSP_ERR(FASTRPC_AEE_ENOMEMORY):
		return -ENOMEM;
	case FASTRPC_DSP_ERR(FASTRPC_AEE_EBADPARM):
		return -EINVAL;
	case FASTRPC_DSP_ERR(FASTRPC_AEE_EUNSUPPORTED):
		return -EOPNOTSUPP;
	case FASTRPC_DSP_ERR(FASTRPC_AEE_ERESOURCENOTFOUND):
	case FASTRPC_DSP_ERR(FASTRPC_AEE_ENOSUCH):
	case FASTRPC_DSP_ERR(FASTRPC_AEE_ENOSUCHMOD):
		return -ENOENT;
	case FASTRPC_DSP_ERR(FASTRPC_AEE_EINVHANDLE):
		return -EBADF;
	case FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE):
		return -EBADFD;
	case FASTRPC_DSP_ERR(FASTRPC_AEE_EINTERRUPTED):
		return -EINTR;
	default:
		return -EREMOTEIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_dsp_result_to_errno);

/*
 * A reused payload must look like a fresh zeroed one, whatever other calls
 * and the (untrusted) DSP left in it. In-buffer copies are skipped: copy-in
 * overwrites each whole, and the call is not sent when it fails.
 */
static void fastrpc_call_payload_clear(struct fastrpc_call *call, u32 inbufs)
{
	const struct fastrpc_layout *layout = call->layout;
	void *payload = call->payload.vaddr;
	size_t pos = 0;
	u32 i;

	for (i = 0; i < inbufs; i++) {
		const struct fastrpc_buf_rec *rec = &layout->bufs[i];

		if (!rec->len || rec->mapped)
			continue;
		if (WARN_ON_ONCE(rec->offset < pos)) {
			pos = 0;
			break;
		}
		memset(payload + pos, 0, rec->offset - pos);
		pos = rec->offset + rec->len;
	}
	memset(payload + pos, 0, layout->size - pos);
}

static int fastrpc_call_payload_alloc(struct fastrpc_call *call, u32 inbufs)
{
	bool reused;
	int ret;

	ret = fastrpc_session_payload_get(call->session, call->layout->size,
					  &call->payload, &reused);
	if (!ret && reused)
		fastrpc_call_payload_clear(call, inbufs);
	return ret;
}

static void fastrpc_call_free(struct fastrpc_call *call)
{
	struct fastrpc_device *fdev = call->channel->fdev;
	u32 i;

	/* The DSP answered or is gone: it uses none of the buffers any more */
	for (i = 0; i < call->nmaps; i++)
		fastrpc_bo_map_put(call->maps[i].map);
	kfree(call->maps);
	fastrpc_session_payload_put(call->session, &call->payload);
	fastrpc_session_put(call->session);
	fastrpc_quota_uncharge(call);
	fastrpc_channel_put(call->channel);
	kfree(call->layout);
	kfree(call);
	fastrpc_uncount(fdev, FASTRPC_CNT_CALLS_LIVE);
}

static void fastrpc_call_release(struct kref *ref)
{
	fastrpc_call_free(container_of(ref, struct fastrpc_call, ref));
}

static void fastrpc_call_release_work(struct work_struct *work)
{
	fastrpc_call_free(container_of(work, struct fastrpc_call,
				       release_work));
}

static void fastrpc_call_put(struct fastrpc_call *call)
{
	kref_put(&call->ref, fastrpc_call_release);
}

static int fastrpc_call_copy_in(struct fastrpc_call *call,
				const struct fastrpc_karg *args, u32 inbufs)
{
	u32 i;

	for (i = 0; i < inbufs; i++) {
		const struct fastrpc_buf_rec *rec = &call->layout->bufs[i];
		void *dst = call->payload.vaddr + rec->offset;

		if (!rec->len || rec->mapped)
			continue;
		if (!args[i].user)
			memcpy(dst, args[i].kptr, rec->len);
		else if (copy_from_user(dst, args[i].uptr, rec->len))
			return -EFAULT;
	}
	return 0;
}

/* The payload's own offsets and lengths are the DSP's: never used */
static int fastrpc_call_copy_out(struct fastrpc_call *call,
				 const struct fastrpc_karg *args, u32 inbufs)
{
	u32 i;

	for (i = inbufs; i < call->layout->nbufs; i++) {
		const struct fastrpc_buf_rec *rec = &call->layout->bufs[i];
		const void *src = call->payload.vaddr + rec->offset;

		if (!rec->len || rec->mapped)
			continue;
		if (!args[i].user)
			memcpy(args[i].kptr, src, rec->len);
		else if (copy_to_user(args[i].uptr, src, rec->len))
			return -EFAULT;
	}
	return 0;
}

static int fastrpc_call_take_maps(struct fastrpc_call *call,
				  const struct fastrpc_karg *args, u32 nargs,
				  u32 inbufs)
{
	u32 i, n = 0;

	for (i = 0; i < nargs; i++)
		if (args[i].map)
			n++;
	if (!n)
		return 0;

	call->maps = kcalloc(n, sizeof(*call->maps), GFP_KERNEL);
	if (!call->maps)
		return -ENOMEM;

	for (i = 0; i < nargs; i++) {
		if (!args[i].map)
			continue;
		fastrpc_bo_map_get(args[i].map);
		call->maps[call->nmaps++] = (struct fastrpc_call_map) {
			.map = args[i].map,
			.offset = args[i].offset,
			.len = args[i].len,
			.write = i >= inbufs,
		};
	}
	return 0;
}

/* Implicit sync: wait for the buffers' fences, then publish the call's own */
static int fastrpc_call_fences(struct fastrpc_call *call, u32 timeout_ms,
			       bool killable)
{
	long left = msecs_to_jiffies(timeout_ms ?: 10 * MSEC_PER_SEC);
	struct fastrpc_device *fdev = call->channel->fdev;
	bool waited = false;
	u32 i;
	int ret;

	if (!call->nmaps)
		return 0;
	for (i = 0; i < call->nmaps && left > 0; i++)
		left = fastrpc_fence_wait(call->maps[i].map->obj->resv,
					  call->maps[i].write, killable, left,
					  &waited);
	if (waited)
		fastrpc_count(fdev, FASTRPC_CNT_FENCE_WAITS);
	if (left <= 0)
		return left ? -EINTR : -ETIMEDOUT;

	call->fence = fastrpc_fence_create();
	if (!call->fence)
		return -ENOMEM;
	for (i = 0; i < call->nmaps; i++) {
		ret = fastrpc_fence_add(call->maps[i].map->obj->resv,
					call->fence, call->maps[i].write);
		if (ret)
			return ret;
	}
	return 0;
}

static void fastrpc_call_sync_maps(struct fastrpc_call *call, bool for_device)
{
	u32 i;

	for (i = 0; i < call->nmaps; i++) {
		struct fastrpc_call_map *m = &call->maps[i];

		if (for_device)
			fastrpc_bo_map_sync_for_device(m->map, m->offset,
						       m->len);
		else
			fastrpc_bo_map_sync_for_cpu(m->map, m->offset, m->len);
	}
}

static void fastrpc_call_abandon(struct fastrpc_call *call)
{
	call->abandoned = true;
	if (call->quota) {
		atomic_inc(&call->quota->abandoned);
		atomic64_add(call->layout->size, &call->quota->abandoned_bytes);
	}
}

static int fastrpc_call_wait(struct fastrpc_call *call, u32 timeout_ms,
			     bool killable)
{
	unsigned long timeout = MAX_SCHEDULE_TIMEOUT;
	long left;

	if (timeout_ms)
		timeout = msecs_to_jiffies(timeout_ms);

	if (killable)
		left = wait_for_completion_killable_timeout(&call->done,
							    timeout);
	else
		left = wait_for_completion_timeout(&call->done, timeout);
	if (left > 0)
		return 0;

	if (!fastrpc_channel_abandon(call->channel, call))
		return 0;
	fastrpc_call_abandon(call);
	return left ? -EINTR : -ETIMEDOUT;
}

static int fastrpc_call_lock_file(struct fastrpc_file *ffile, bool killable)
{
	if (!killable) {
		down_read(&ffile->calls_sem);
		return 0;
	}
	return down_read_killable(&ffile->calls_sem) ? -EINTR : 0;
}

static int fastrpc_call_handle_rec(const struct fastrpc_karg *arg,
				   struct fastrpc_handle_rec *h)
{
	if (arg->offset > U32_MAX || arg->len > U32_MAX)
		return -EOVERFLOW;

	h->fd = arg->fd;
	h->offset = arg->offset;
	h->len = arg->len;
	if (arg->map) {
		h->mapped = true;
		h->dma = arg->map->iova;
		h->size = PAGE_ALIGN(arg->map->obj->size);
	}
	return 0;
}

static struct fastrpc_layout *fastrpc_call_layout(const struct fastrpc_karg *args,
						  u32 nbufs, u32 nhandles)
{
	struct fastrpc_handle_rec *handles = NULL;
	struct fastrpc_layout *layout;
	size_t head;
	u32 i;
	int ret;

	head = struct_size(layout, bufs, nbufs);
	layout = kzalloc(size_add(head, array_size(nhandles, sizeof(*handles))),
			 GFP_KERNEL);
	if (!layout)
		return ERR_PTR(-ENOMEM);

	layout->nbufs = nbufs;
	for (i = 0; i < nbufs; i++) {
		layout->bufs[i].len = args[i].len;
		if (args[i].map) {
			layout->bufs[i].mapped = true;
			layout->bufs[i].dma = args[i].map->iova + args[i].offset;
		}
	}

	if (nhandles) {
		handles = (void *)layout + head;
		for (i = 0; i < nhandles; i++) {
			ret = fastrpc_call_handle_rec(&args[nbufs + i],
						      &handles[i]);
			if (ret)
				goto err_free;
		}
	}
	layout->nhandles = nhandles;
	layout->handles = handles;

	ret = fastrpc_layout_compute(layout);
	if (ret)
		goto err_free;
	return layout;

err_free:
	kfree(layout);
	return ERR_PTR(ret);
}

/**
 * fastrpc_call_sync() - make a remote call and wait for its result
 * @channel: channel to send the call on
 * @session: session whose device holds the payload
 * @params: what to call; @params->dsp_status is written when the DSP replied
 *
 * Out-buffers are written only when the DSP method succeeded.
 *
 * Return: 0, a negative errno, or the DSP's result as an errno.
 */
int fastrpc_call_sync(struct fastrpc_channel *channel,
		      struct fastrpc_session *session,
		      struct fastrpc_call_params *params)
{
	struct fastrpc_file *user_file = params->user_file;
	u32 inbufs = fastrpc_sc_inbufs(params->sc);
	u32 nbufs = fastrpc_sc_nbufs(params->sc);
	struct fastrpc_layout *layout;
	struct fastrpc_call *call;
	struct fastrpc_msg msg;
	bool excl = false;
	u32 i;
	int ret;

	if (fastrpc_sc_nargs(params->sc) != params->nargs)
		return -EINVAL;

	layout = fastrpc_call_layout(params->args, nbufs,
				     params->nargs - nbufs);
	if (IS_ERR(layout))
		return PTR_ERR(layout);

	for (i = 0; i < nbufs; i++) {
		if (!params->args[i].map && params->args[i].user &&
		    params->args[i].len &&
		    !access_ok(params->args[i].uptr, params->args[i].len)) {
			kfree(layout);
			return -EFAULT;
		}
	}

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call) {
		kfree(layout);
		return -ENOMEM;
	}
	if (user_file) {
		ret = fastrpc_quota_charge(user_file->quota);
		if (ret) {
			fastrpc_count(channel->fdev, FASTRPC_CNT_LIMITED);
			kfree(call);
			kfree(layout);
			return ret;
		}
		call->quota = user_file->quota;
	}
	kref_init(&call->ref);
	INIT_WORK(&call->release_work, fastrpc_call_release_work);
	init_completion(&call->done);
	call->layout = layout;
	call->client = params->client;
	call->system = fastrpc_handle_is_system(params->handle);
	/* All three put in fastrpc_call_free() */
	call->channel = fastrpc_channel_get(channel);
	fastrpc_session_get(session);
	call->session = session;
	fastrpc_count(channel->fdev, FASTRPC_CNT_CALLS_LIVE);

	ret = fastrpc_call_payload_alloc(call, inbufs);
	if (ret)
		goto out_put;

	ret = fastrpc_call_take_maps(call, params->args, params->nargs,
				     inbufs);
	if (ret)
		goto out_put;

	ret = fastrpc_call_fences(call, params->timeout_ms, params->killable);
	if (ret)
		goto out_put;
	fastrpc_call_sync_maps(call, true);

	ret = fastrpc_call_copy_in(call, params->args, inbufs);
	if (ret)
		goto out_put;

	fastrpc_layout_write_meta(layout, call->payload.vaddr,
				  fastrpc_session_sid(session),
				  call->payload.dma);
	fastrpc_session_dma_sync(session, &call->payload, true);

	/*
	 * No UNMAP while the DSP may use the file's mappings. System handles do
	 * not use them, and the listener's call waits as long as the process.
	 */
	if (user_file && !call->system) {
		ret = fastrpc_call_lock_file(user_file, params->killable);
		if (ret)
			goto out_put;
		excl = true;
	}

	msg = (struct fastrpc_msg) {
		.pid = cpu_to_le32(params->pid),
		.tid = cpu_to_le32(task_pid_nr(current)),
		.handle = cpu_to_le32(params->handle),
		.sc = cpu_to_le32(params->sc),
		.addr = cpu_to_le64(fastrpc_session_wire_addr(session,
							      call->payload.dma)),
		.size = cpu_to_le64(layout->size),
	};
	ret = fastrpc_channel_submit(channel, call, &msg, params->pd);
	if (ret)
		goto out_put;

	ret = fastrpc_call_wait(call, params->timeout_ms, params->killable);
	if (ret)
		goto out_put;

	ret = call->result;
	if (ret)
		goto out_put;

	fastrpc_session_dma_sync(session, &call->payload, false);
	fastrpc_call_sync_maps(call, false);

	/*
	 * fdlist is not read: the DSP is not trusted to drop mapping
	 * references, which live as long as the call or DSP mapping holding
	 * them.
	 */
	params->dsp_status = call->retval;
	ret = fastrpc_dsp_result_to_errno(call->retval);
	if (ret)
		goto out_put;

	ret = fastrpc_call_copy_out(call, params->args, inbufs);

out_put:
	if (excl)
		up_read(&user_file->calls_sem);
	if (call->match.ctx)
		trace_fastrpc_invoke_end(channel->fdev->label, call->client,
					 params->handle, params->sc,
					 call->match.ctx, ret,
					 params->dsp_status);
	/* An error if the DSP may still use the buffers */
	fastrpc_fence_end(call->fence,
			  call->abandoned ? -ECANCELED : 0);
	call->fence = NULL;
	fastrpc_call_put(call);
	return ret;
}
