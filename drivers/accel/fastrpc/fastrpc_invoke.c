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
#include <linux/refcount.h>
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
	struct fastrpc_quota *quota = kzalloc(sizeof(*quota), GFP_KERNEL);

	if (quota) {
		refcount_set(&quota->ref, 1);
		spin_lock_init(&quota->busy_lock);
	}
	return quota;
}

void fastrpc_quota_put(struct fastrpc_quota *quota)
{
	if (quota && refcount_dec_and_test(&quota->ref))
		kfree(quota);
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
	refcount_inc(&quota->ref);
	return 0;
}

/* By AEE error number; any other result is -EREMOTEIO */
static const s8 fastrpc_aee_errno[] = {
	[FASTRPC_AEE_ENOMEMORY] = -ENOMEM,
	[FASTRPC_AEE_EBADPARM] = -EINVAL,
	[FASTRPC_AEE_EUNSUPPORTED] = -EOPNOTSUPP,
	[FASTRPC_AEE_ERESOURCENOTFOUND] = -ENOENT,
	[FASTRPC_AEE_ENOSUCH] = -ENOENT,
	[FASTRPC_AEE_ENOSUCHMOD] = -ENOENT,
	[FASTRPC_AEE_EINVHANDLE] = -EBADF,
	[FASTRPC_AEE_EBADSTATE] = -EBADFD,
	[FASTRPC_AEE_EINTERRUPTED] = -EINTR,
};

int fastrpc_dsp_result_to_errno(u32 retval)
{
	u32 aee = retval - FASTRPC_DSP_ERR_BASE;

	if (!retval)
		return 0;
	if (aee < ARRAY_SIZE(fastrpc_aee_errno) && fastrpc_aee_errno[aee])
		return fastrpc_aee_errno[aee];
	return -EREMOTEIO;
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

static void fastrpc_call_release(struct kref *ref)
{
	struct fastrpc_call *call = container_of(ref, struct fastrpc_call, ref);
	struct fastrpc_device *fdev = call->channel->fdev;
	u32 i;

	/* The DSP answered or is gone: it uses none of the buffers any more */
	for (i = 0; i < call->nmaps; i++)
		fastrpc_bo_map_put(call->maps[i].map);
	kfree(call->maps);
	fastrpc_session_payload_put(call->session, &call->payload);
	fastrpc_session_put(call->session);
	/* Uncharge what fastrpc_quota_charge() and fastrpc_call_wait() counted */
	if (call->quota) {
		if (call->abandoned) {
			atomic_dec(&call->quota->abandoned);
			atomic64_sub(call->layout->size, &call->quota->abandoned_bytes);
		}
		atomic_dec(&call->quota->calls);
		fastrpc_quota_put(call->quota);
	}
	fastrpc_channel_put(call->channel);
	kfree(call->layout);
	kfree(call);
	fastrpc_uncount(fdev, FASTRPC_CNT_CALLS_LIVE);
}

static void fastrpc_call_release_work(struct work_struct *work)
{
	fastrpc_call_release(&container_of(work, struct fastrpc_call, release_work)->ref);
}

/* The payload's own offsets and lengths are the DSP's: never used */
static int fastrpc_call_copy(struct fastrpc_call *call, const struct fastrpc_karg *args,
			     u32 first, u32 end, bool out)
{
	u32 i;

	for (i = first; i < end; i++) {
		const struct fastrpc_buf_rec *rec = &call->layout->bufs[i];
		void *pl = call->payload.vaddr + rec->offset;

		if (!rec->len || rec->mapped)
			continue;
		if (!args[i].user && out)
			memcpy(args[i].kptr, pl, rec->len);
		else if (!args[i].user)
			memcpy(pl, args[i].kptr, rec->len);
		else if (out && copy_to_user(args[i].uptr, pl, rec->len))
			return -EFAULT;
		else if (!out && copy_from_user(pl, args[i].uptr, rec->len))
			return -EFAULT;
	}
	return 0;
}

/* Implicit sync: takes the buffers' mappings, waits for their fences, adds its own */
static int fastrpc_call_take_maps(struct fastrpc_call *call,
				  const struct fastrpc_call_params *params, u32 inbufs)
{
	const struct fastrpc_karg *args = params->args;
	long left = msecs_to_jiffies(params->timeout_ms ?: 10 * MSEC_PER_SEC);
	bool waited = false;
	u32 i, n = 0;
	int ret;

	for (i = 0; i < params->nargs; i++)
		n += !!args[i].map;
	if (!n)
		return 0;

	call->maps = kcalloc(n, sizeof(*call->maps), GFP_KERNEL);
	if (!call->maps)
		return -ENOMEM;

	for (i = 0; i < params->nargs; i++) {
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

	for (i = 0; i < call->nmaps && left > 0; i++)
		left = fastrpc_fence_wait(call->maps[i].map->obj->resv, call->maps[i].write,
					  params->killable, left, &waited);
	if (waited)
		fastrpc_count(call->channel->fdev, FASTRPC_CNT_FENCE_WAITS);
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

		fastrpc_bo_map_sync(m->map, m->offset, m->len, for_device);
	}
}

/* Return: the call's result, or why the caller gave up on it */
static int fastrpc_call_wait(struct fastrpc_call *call, u32 timeout_ms, bool killable)
{
	unsigned long timeout = timeout_ms ? msecs_to_jiffies(timeout_ms) : MAX_SCHEDULE_TIMEOUT;
	long left;

	if (killable)
		left = wait_for_completion_killable_timeout(&call->done, timeout);
	else
		left = wait_for_completion_timeout(&call->done, timeout);
	/* Unless answered meanwhile it stays in the table, payload included */
	scoped_guard(spinlock_irqsave, &call->channel->lock)
		if (call->match.answered)
			return call->result;

	fastrpc_count(call->channel->fdev, FASTRPC_CNT_ABANDONED);
	call->abandoned = true;
	if (call->quota) {
		atomic_inc(&call->quota->abandoned);
		atomic64_add(call->layout->size, &call->quota->abandoned_bytes);
	}
	return left ? -EINTR : -ETIMEDOUT;
}

/* The layout of @args, in @call->layout; the user ranges are checked */
static int fastrpc_call_layout(struct fastrpc_call *call, const struct fastrpc_karg *args,
			       u32 nbufs, u32 nhandles)
{
	size_t head = struct_size_t(struct fastrpc_layout, bufs, nbufs);
	struct fastrpc_handle_rec *h;
	u32 i;
	int ret;
	struct fastrpc_layout *layout __free(kfree) =
		kzalloc(size_add(head, array_size(nhandles, sizeof(*h))), GFP_KERNEL);

	if (!layout)
		return -ENOMEM;
	layout->nbufs = nbufs;
	for (i = 0; i < nbufs; i++) {
		layout->bufs[i].len = args[i].len;
		layout->bufs[i].mapped = args[i].map;
		if (args[i].map)
			layout->bufs[i].dma = args[i].map->iova + args[i].offset;
	}

	h = (void *)layout + head;
	layout->nhandles = nhandles;
	layout->handles = nhandles ? h : NULL;
	for (i = 0; i < nhandles; i++, h++) {
		const struct fastrpc_karg *arg = &args[nbufs + i];

		if (arg->offset > U32_MAX || arg->len > U32_MAX)
			return -EOVERFLOW;
		h->fd = arg->fd;
		h->offset = arg->offset;
		h->len = arg->len;
		h->mapped = arg->map;
		if (arg->map) {
			h->dma = arg->map->iova;
			h->size = PAGE_ALIGN(arg->map->obj->size);
		}
	}

	ret = fastrpc_layout_compute(layout);
	if (ret)
		return ret;
	for (i = 0; i < nbufs; i++)
		if (!args[i].map && args[i].user && args[i].len &&
		    !access_ok(args[i].uptr, args[i].len))
			return -EFAULT;
	call->layout = no_free_ptr(layout);
	return 0;
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
	struct fastrpc_call *call;
	struct fastrpc_msg msg;
	bool excl = false, reused;
	int ret;

	if (fastrpc_sc_nargs(params->sc) != params->nargs)
		return -EINVAL;

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call)
		return -ENOMEM;
	kref_init(&call->ref);
	INIT_WORK(&call->release_work, fastrpc_call_release_work);
	init_completion(&call->done);
	call->client = params->client;
	call->system = fastrpc_handle_is_system(params->handle);
	/* All three put in fastrpc_call_release() */
	call->channel = fastrpc_channel_get(channel);
	fastrpc_session_get(session);
	call->session = session;
	fastrpc_count(channel->fdev, FASTRPC_CNT_CALLS_LIVE);

	ret = fastrpc_call_layout(call, params->args, nbufs, params->nargs - nbufs);
	if (ret)
		goto out_put;

	if (user_file) {
		ret = fastrpc_quota_charge(user_file->quota);
		if (ret) {
			fastrpc_count(channel->fdev, FASTRPC_CNT_LIMITED);
			goto out_put;
		}
		call->quota = user_file->quota;
	}

	ret = fastrpc_session_payload_get(session, call->layout->size, &call->payload, &reused);
	if (ret)
		goto out_put;
	if (reused)
		fastrpc_call_payload_clear(call, inbufs);

	ret = fastrpc_call_take_maps(call, params, inbufs);
	if (ret)
		goto out_put;
	fastrpc_call_sync_maps(call, true);

	ret = fastrpc_call_copy(call, params->args, 0, inbufs, false);
	if (ret)
		goto out_put;

	fastrpc_layout_write_meta(call->layout, call->payload.vaddr,
				  fastrpc_session_sid(session), call->payload.dma);
	fastrpc_session_dma_sync(session, &call->payload, true);

	/*
	 * No UNMAP while the DSP may use the file's mappings. System handles do
	 * not use them, and the listener's call waits as long as the process.
	 */
	if (user_file && !call->system) {
		if (params->killable)
			ret = down_read_killable(&user_file->calls_sem);
		else
			down_read(&user_file->calls_sem);
		if (ret)
			goto out_put;
		excl = true;
	}

	msg = (struct fastrpc_msg) {
		.pid = cpu_to_le32(params->pid),
		.tid = cpu_to_le32(task_pid_nr(current)),
		.handle = cpu_to_le32(params->handle),
		.sc = cpu_to_le32(params->sc),
		.addr = cpu_to_le64(fastrpc_session_wire_addr(session, call->payload.dma)),
		.size = cpu_to_le64(call->layout->size),
	};
	ret = fastrpc_channel_submit(channel, call, &msg, params->pd);
	if (ret)
		goto out_put;

	ret = fastrpc_call_wait(call, params->timeout_ms, params->killable);
	if (ret)
		goto out_put;

	fastrpc_session_dma_sync(session, &call->payload, false);
	fastrpc_call_sync_maps(call, false);

	/*
	 * fdlist is not read: the DSP is not trusted to drop mapping references,
	 * which live as long as the call or DSP mapping holding them.
	 */
	params->dsp_status = call->retval;
	ret = fastrpc_dsp_result_to_errno(call->retval);
	if (!ret)
		ret = fastrpc_call_copy(call, params->args, inbufs, nbufs, true);

out_put:
	if (excl)
		up_read(&user_file->calls_sem);
	if (call->match.ctx)
		trace_fastrpc_invoke_end(channel->fdev->label, call->client, params->handle,
					 params->sc, call->match.ctx, ret, params->dsp_status);
	/* An error if the DSP may still use the buffers */
	fastrpc_fence_end(call->fence, call->abandoned ? -ECANCELED : 0);
	kref_put(&call->ref, fastrpc_call_release);
	return ret;
}
