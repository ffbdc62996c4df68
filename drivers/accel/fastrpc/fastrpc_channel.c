// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: the channel to one DSP and its table of calls.
 *
 * A call's context word holds a per-channel sequence number, its table index
 * and the PD type: only a reply matching all of it completes a call that is
 * still unanswered, so each call completes exactly once.
 */

#include <linux/bitfield.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/rpmsg.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <kunit/visibility.h>

#include <drm/drm_print.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"
#include "fastrpc_trace.h"

/*
 * The caller holds the channel lock across the lookup of @entry (NULL when no
 * call sits at the context word's index), this check and the completion.
 */
enum fastrpc_reply_class
fastrpc_reply_classify(const void *data, size_t len,
		       const struct fastrpc_reply_match *entry)
{
	const struct fastrpc_rsp *rsp = data;
	u64 ctx;

	if (len < sizeof(*rsp))
		return FASTRPC_REPLY_SHORT;

	ctx = le64_to_cpu(rsp->ctx);
	if (ctx == FASTRPC_NOTIF_CTX)
		return FASTRPC_REPLY_NOTIFICATION;
	if (!entry)
		return FASTRPC_REPLY_BAD_INDEX;
	if (entry->ctx != ctx)
		return FASTRPC_REPLY_MISMATCH;
	if (entry->answered)
		return FASTRPC_REPLY_ANSWERED;
	return FASTRPC_REPLY_GOOD;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_reply_classify);

struct fastrpc_channel *fastrpc_channel_create(struct fastrpc_device *fdev, bool secure)
{
	struct fastrpc_channel *channel;

	channel = kzalloc(sizeof(*channel), GFP_KERNEL);
	if (!channel)
		return ERR_PTR(-ENOMEM);

	kref_init(&channel->ref);
	channel->fdev = fdev;
	channel->secure = secure;
	init_rwsem(&channel->send_lock);
	spin_lock_init(&channel->lock);
	xa_init_flags(&channel->calls, XA_FLAGS_ALLOC1);
	xa_init(&channel->pd_down);
	mutex_init(&channel->session_lock);
	INIT_LIST_HEAD(&channel->cbs);
	mutex_init(&channel->attrs_lock);
	mutex_init(&channel->heap_lock);
	mutex_init(&channel->kept_lock);
	INIT_LIST_HEAD(&channel->kept);

	return channel;
}

/* @ept's callback feeds fastrpc_channel_receive(); fastrpc_channel_stop() destroys it */
void fastrpc_channel_start(struct fastrpc_channel *channel,
			   struct rpmsg_endpoint *ept)
{
	guard(rwsem_write)(&channel->send_lock);
	channel->ept = ept;
}

static void fastrpc_channel_release(struct kref *ref)
{
	struct fastrpc_channel *channel = container_of(ref, struct fastrpc_channel, ref);

	WARN_ON(!list_empty(&channel->kept));
	fastrpc_rheap_destroy(channel->rheap);
	xa_destroy(&channel->calls);
	xa_destroy(&channel->pd_down);
	mutex_destroy(&channel->kept_lock);
	mutex_destroy(&channel->heap_lock);
	mutex_destroy(&channel->attrs_lock);
	mutex_destroy(&channel->session_lock);
	kfree(channel);
}

struct fastrpc_channel *fastrpc_channel_get(struct fastrpc_channel *channel)
{
	kref_get(&channel->ref);
	return channel;
}

void fastrpc_channel_put(struct fastrpc_channel *channel)
{
	if (channel)
		kref_put(&channel->ref, fastrpc_channel_release);
}

bool fastrpc_channel_is_dead(struct fastrpc_channel *channel)
{
	scoped_guard(spinlock_irqsave, &channel->lock)
		return channel->dead;
}

static struct workqueue_struct *fastrpc_release_wq;

/* Both called with IRQs off, under &fastrpc_channel.lock */
static void fastrpc_quota_busy_begin(struct fastrpc_quota *quota)
{
	scoped_guard(spinlock, &quota->busy_lock)
		if (!quota->busy_calls++)
			quota->busy_since = ktime_get_ns();
}

static void fastrpc_quota_busy_end(struct fastrpc_quota *quota)
{
	scoped_guard(spinlock, &quota->busy_lock)
		if (!WARN_ON_ONCE(!quota->busy_calls) && !--quota->busy_calls)
			quota->busy_ns += ktime_get_ns() - quota->busy_since;
}

/* Abandoned calls count until the DSP answers them */
u64 fastrpc_quota_busy_ns(struct fastrpc_quota *quota)
{
	u64 ns;

	scoped_guard(spinlock_irqsave, &quota->busy_lock) {
		ns = quota->busy_ns;
		if (quota->busy_calls)
			ns += ktime_get_ns() - quota->busy_since;
	}
	return ns;
}

/* Freeing pages and the session mutex need process context */
static void fastrpc_call_release_deferred(struct kref *ref)
{
	struct fastrpc_call *call = container_of(ref, struct fastrpc_call, ref);

	queue_work(fastrpc_release_wq, &call->release_work);
}

static void fastrpc_channel_complete_locked(struct fastrpc_channel *channel,
					    struct fastrpc_call *call,
					    int result, u32 retval)
{
	lockdep_assert_held(&channel->lock);

	xa_erase(&channel->calls, call->index);
	call->result = result;
	call->retval = retval;
	call->match.answered = true;
	complete(&call->done);
	fastrpc_uncount(channel->fdev, FASTRPC_CNT_IN_FLIGHT);
	if (call->quota)
		fastrpc_quota_busy_end(call->quota);
	/* The table's reference, taken in fastrpc_channel_submit() */
	kref_put(&call->ref, fastrpc_call_release_deferred);
}

/*
 * Calls in the table and calls submitted later fail with -EPIPE. Does not
 * wait for their callers: what they use stays valid until they drop it.
 * Returns the number of calls failed.
 */
unsigned int fastrpc_channel_stop(struct fastrpc_channel *channel)
{
	struct rpmsg_endpoint *ept = NULL;
	struct fastrpc_call *call;
	unsigned int failed = 0;
	unsigned long index;

	scoped_guard(rwsem_write, &channel->send_lock)
		swap(ept, channel->ept);

	/* No callback runs once it returns */
	if (ept)
		rpmsg_destroy_ept(ept);

	scoped_guard(spinlock_irqsave, &channel->lock) {
		channel->dead = true;
		xa_for_each(&channel->calls, index, call) {
			fastrpc_channel_complete_locked(channel, call, -EPIPE, 0);
			failed++;
		}
	}
	return failed;
}

int fastrpc_channel_submit(struct fastrpc_channel *channel,
			   struct fastrpc_call *call, struct fastrpc_msg *msg,
			   u32 pd)
{
	struct fastrpc_device *fdev = channel->fdev;
	int ret;

	guard(rwsem_read)(&channel->send_lock);
	if (!channel->ept)
		return -EPIPE;

	scoped_guard(spinlock_irqsave, &channel->lock) {
		if (channel->dead)
			return -EPIPE;
		ret = xa_alloc_cyclic(&channel->calls, &call->index, call,
				      XA_LIMIT(1, FASTRPC_CTX_MAX_INDEX),
				      &channel->next_index, GFP_ATOMIC);
		if (ret < 0)
			return ret;

		channel->seq++;
		call->match.ctx = FIELD_PREP(FASTRPC_CTX_SEQ, channel->seq) |
				  FIELD_PREP(FASTRPC_CTX_INDEX, call->index) |
				  FIELD_PREP(FASTRPC_CTX_PD, pd);
		call->match.answered = false;
		/* Put when answered, in fastrpc_channel_complete_locked() */
		kref_get(&call->ref);
		fastrpc_count(fdev, FASTRPC_CNT_IN_FLIGHT);
		if (call->quota)
			fastrpc_quota_busy_begin(call->quota);
	}

	msg->ctx = cpu_to_le64(call->match.ctx);
	trace_fastrpc_invoke_start(fdev->label, call->client, !msg->pid,
				   le32_to_cpu(msg->handle), le32_to_cpu(msg->sc), call->match.ctx);
	ret = rpmsg_send(channel->ept, msg, sizeof(*msg));
	if (ret) {
		scoped_guard(spinlock_irqsave, &channel->lock)
			if (!call->match.answered)
				fastrpc_channel_complete_locked(channel, call, ret, 0);
		/* rpmsg_send()'s TX wait: never restart the syscall */
		if (ret == -ERESTARTSYS)
			ret = -EINTR;
		drm_dbg_driver(&fdev->drm, "send failed: %d\n", ret);
		return ret;
	}
	fastrpc_count(fdev, FASTRPC_CNT_CALLS);
	return 0;
}

static void fastrpc_channel_fail_client_locked(struct fastrpc_channel *channel,
					       u32 client, int err)
{
	struct fastrpc_call *call;
	unsigned long index;

	lockdep_assert_held(&channel->lock);

	xa_for_each(&channel->calls, index, call)
		if (call->client == client)
			fastrpc_channel_complete_locked(channel, call, err, 0);
}

/*
 * Once the DSP acknowledged INIT RELEASE of @client it runs nothing of that
 * process, so it neither answers nor touches the payload of its unanswered
 * calls (reply lost or never sent). Called at file close, when no caller of
 * @client can be waiting.
 */
void fastrpc_channel_retire_client(struct fastrpc_channel *channel, u32 client)
{
	scoped_guard(spinlock_irqsave, &channel->lock)
		fastrpc_channel_fail_client_locked(channel, client, -ECANCELED);
}

/*
 * Abandoned calls count until the DSP answers them; calls to system handles
 * use no mapping of the client and do not count.
 */
bool fastrpc_channel_client_busy(struct fastrpc_channel *channel, u32 client)
{
	struct fastrpc_call *call;
	unsigned long index;

	scoped_guard(spinlock_irqsave, &channel->lock)
		xa_for_each(&channel->calls, index, call)
			if (call->client == client && !call->system)
				return true;
	return false;
}

/* The DSP answers no call of a process it reports dead (exit, kill, crash). */
static bool fastrpc_channel_pd_down_locked(struct fastrpc_channel *channel,
					   const void *data, size_t len)
{
	const struct fastrpc_notif_rsp *notif = data;
	u32 status, client;

	lockdep_assert_held(&channel->lock);

	if (len < sizeof(*notif) ||
	    le32_to_cpu(notif->type) != FASTRPC_NOTIF_STATUS_RSP)
		return false;
	status = le32_to_cpu(notif->status);
	if (status != FASTRPC_PD_STATUS_EXIT &&
	    status != FASTRPC_PD_STATUS_FORCE_KILL &&
	    status != FASTRPC_PD_STATUS_EXCEPTION)
		return false;

	/* Only a client id in use: the DSP chooses what it sends */
	client = le32_to_cpu(notif->pid);
	if (!client || !xa_load(&channel->fdev->clients, client) ||
	    xa_load(&channel->pd_down, client))
		return false;
	if (xa_is_err(xa_store(&channel->pd_down, client, xa_mk_value(status), GFP_ATOMIC)))
		return false;

	fastrpc_channel_fail_client_locked(channel, client, -ECONNRESET);
	return true;
}

bool fastrpc_channel_client_down(struct fastrpc_channel *channel, u32 client)
{
	return xa_load(&channel->pd_down, client);
}

void fastrpc_channel_forget_client(struct fastrpc_channel *channel,
				   u32 client)
{
	/* As in fastrpc_channel_receive(): the xarray's lock with IRQs off */
	scoped_guard(spinlock_irqsave, &channel->lock)
		xa_erase(&channel->pd_down, client);
}

/* The rpmsg callback, possibly in atomic context. */
void fastrpc_channel_receive(struct fastrpc_channel *channel,
			     const void *data, size_t len)
{
	const struct fastrpc_rsp *rsp = data;
	struct fastrpc_device *fdev = channel->fdev;
	struct fastrpc_call *call = NULL;
	enum fastrpc_reply_class class;
	u64 ctx = 0;

	scoped_guard(spinlock_irqsave, &channel->lock) {
		if (len >= sizeof(*rsp)) {
			ctx = le64_to_cpu(rsp->ctx);
			call = xa_load(&channel->calls, FIELD_GET(FASTRPC_CTX_INDEX, ctx));
		}
		class = fastrpc_reply_classify(data, len, call ? &call->match : NULL);
		if (class == FASTRPC_REPLY_GOOD) {
			fastrpc_channel_complete_locked(channel, call, 0,
							le32_to_cpu(rsp->retval));
			fastrpc_count(fdev, FASTRPC_CNT_REPLIES);
			return;
		}
		if (class == FASTRPC_REPLY_NOTIFICATION) {
			fastrpc_count(fdev, FASTRPC_CNT_NOTIFICATIONS);
			if (fastrpc_channel_pd_down_locked(channel, data, len))
				fastrpc_count(fdev, FASTRPC_CNT_PDS_DOWN);
			return;
		}
	}
	fastrpc_count(fdev, FASTRPC_CNT_REPLIES_REJECTED);
	drm_dbg_ratelimited(&fdev->drm, "reply dropped (%d): len %zu ctx %#llx\n",
			    class, len, ctx);
}

int fastrpc_channel_init(void)
{
	fastrpc_release_wq = alloc_workqueue("fastrpc_release", 0, 0);
	return fastrpc_release_wq ? 0 : -ENOMEM;
}

void fastrpc_channel_exit(void)
{
	destroy_workqueue(fastrpc_release_wq);
}

/* Return: a reference to the channel, NULL while offline */
struct fastrpc_channel *fastrpc_device_get_channel(struct fastrpc_device *fdev)
{
	guard(mutex)(&fdev->lock);
	return fdev->channel ? fastrpc_channel_get(fdev->channel) : NULL;
}

bool fastrpc_device_is_online(struct fastrpc_device *fdev)
{
	guard(mutex)(&fdev->lock);
	return fdev->channel;
}
