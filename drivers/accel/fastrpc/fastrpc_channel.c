// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: the channel to one DSP and its table of calls.
 *
 * A call enters the context table (an xarray indexed 1..255) under the
 * channel lock, with a 64-bit context word made of a per-channel sequence
 * number, the index and the PD type. The rpmsg callback completes it exactly
 * once: only a reply whose full context word matches a call that is still
 * unanswered does so; anything else is counted and dropped.
 */

#include <linux/bitfield.h>
#include <linux/export.h>
#include <linux/rpmsg.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include <drm/drm_print.h>

#include "fastrpc_channel.h"
#include "fastrpc_drv.h"
#include "fastrpc_invoke.h"
#include "fastrpc_proto.h"
#include "fastrpc_rheap.h"
#include "fastrpc_trace.h"

/**
 * fastrpc_reply_classify() - check a message from the DSP against the table
 * @data: the message
 * @len: its length
 * @entry: what the call at the context word's index expects, NULL when
 *	there is no call at that index
 *
 * The caller looks @entry up with the index of the context word (only when
 * @len is large enough) and holds the channel lock across the lookup, this
 * check and the completion.
 *
 * Return: the verdict, %FASTRPC_REPLY_GOOD only for a reply that completes
 * the call of @entry.
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

/**
 * fastrpc_channel_create() - create the channel of an rpmsg device
 * @fdev: device of the channel's domain
 * @secure: the channel is a secure domain
 *
 * The channel sends and receives nothing until fastrpc_channel_start().
 *
 * Return: the channel with one reference, or an ERR_PTR().
 */
struct fastrpc_channel *fastrpc_channel_create(struct fastrpc_device *fdev,
					       bool secure)
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

/**
 * fastrpc_channel_start() - give the channel its endpoint
 * @channel: the channel
 * @ept: an endpoint the caller created for the channel, whose callback hands
 *	messages to fastrpc_channel_receive(); the channel destroys it in
 *	fastrpc_channel_stop()
 */
void fastrpc_channel_start(struct fastrpc_channel *channel,
			   struct rpmsg_endpoint *ept)
{
	down_write(&channel->send_lock);
	channel->ept = ept;
	up_write(&channel->send_lock);
}

static void fastrpc_channel_release(struct kref *ref)
{
	struct fastrpc_channel *channel =
		container_of(ref, struct fastrpc_channel, ref);

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

/**
 * fastrpc_channel_get() - take a reference to a channel
 * @channel: the channel
 *
 * Return: @channel.
 */
struct fastrpc_channel *fastrpc_channel_get(struct fastrpc_channel *channel)
{
	kref_get(&channel->ref);
	return channel;
}

/**
 * fastrpc_channel_put() - drop a reference to a channel
 * @channel: the channel, may be NULL
 */
void fastrpc_channel_put(struct fastrpc_channel *channel)
{
	if (channel)
		kref_put(&channel->ref, fastrpc_channel_release);
}

/**
 * fastrpc_channel_is_dead() - has the channel been stopped?
 * @channel: the channel
 *
 * Return: true once fastrpc_channel_stop() ran.
 */
bool fastrpc_channel_is_dead(struct fastrpc_channel *channel)
{
	unsigned long flags;
	bool dead;

	spin_lock_irqsave(&channel->lock, flags);
	dead = channel->dead;
	spin_unlock_irqrestore(&channel->lock, flags);

	return dead;
}

/* Complete @call with @result and take it out of the table. */
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
	fastrpc_call_put_deferred(call);
}

/**
 * fastrpc_channel_stop() - stop a channel whose rpmsg device goes away
 * @channel: the channel
 *
 * Waits for senders, destroys the endpoint (after which no callback runs)
 * and completes every call in the table with -EPIPE. Calls submitted later
 * fail with -EPIPE. Does not wait for the callers of those calls: what they
 * use stays valid until they drop it.
 *
 * Return: the number of calls completed with -EPIPE.
 */
unsigned int fastrpc_channel_stop(struct fastrpc_channel *channel)
{
	struct rpmsg_endpoint *ept;
	struct fastrpc_call *call;
	unsigned long flags, index;
	unsigned int failed = 0;

	down_write(&channel->send_lock);
	ept = channel->ept;
	channel->ept = NULL;
	up_write(&channel->send_lock);

	/* No callback runs once it returns */
	if (ept)
		rpmsg_destroy_ept(ept);

	spin_lock_irqsave(&channel->lock, flags);
	channel->dead = true;
	xa_for_each(&channel->calls, index, call) {
		fastrpc_channel_complete_locked(channel, call, -EPIPE, 0);
		failed++;
	}
	spin_unlock_irqrestore(&channel->lock, flags);

	return failed;
}

/**
 * fastrpc_channel_submit() - put a call in the table and send it
 * @channel: the channel
 * @call: the call; the table takes its own reference
 * @msg: the message, complete but for its context word
 * @pd: PD type for the context word
 *
 * Return: 0 when the message was sent, -EPIPE when the channel is stopped,
 * -EBUSY when %FASTRPC_CTX_MAX_INDEX calls are in flight already, -ENOMEM,
 * or the error of rpmsg_send() (-EINTR for its TX timeout, so that the
 * syscall is never restarted).
 */
int fastrpc_channel_submit(struct fastrpc_channel *channel,
			   struct fastrpc_call *call, struct fastrpc_msg *msg,
			   u32 pd)
{
	struct fastrpc_device *fdev = channel->fdev;
	unsigned long flags;
	int ret;

	down_read(&channel->send_lock);
	if (!channel->ept) {
		ret = -EPIPE;
		goto err_unlock_send;
	}

	spin_lock_irqsave(&channel->lock, flags);
	if (channel->dead) {
		ret = -EPIPE;
		goto err_unlock;
	}
	ret = xa_alloc_cyclic(&channel->calls, &call->index, call,
			      XA_LIMIT(1, FASTRPC_CTX_MAX_INDEX),
			      &channel->next_index, GFP_ATOMIC);
	if (ret < 0)
		goto err_unlock;

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
	spin_unlock_irqrestore(&channel->lock, flags);

	msg->ctx = cpu_to_le64(call->match.ctx);
	trace_fastrpc_invoke_start(fdev->label, call->client, !msg->pid,
				   le32_to_cpu(msg->handle),
				   le32_to_cpu(msg->sc), call->match.ctx);
	ret = rpmsg_send(channel->ept, msg, sizeof(*msg));
	if (ret) {
		spin_lock_irqsave(&channel->lock, flags);
		if (!call->match.answered)
			fastrpc_channel_complete_locked(channel, call, ret, 0);
		spin_unlock_irqrestore(&channel->lock, flags);
		if (ret == -ERESTARTSYS)
			ret = -EINTR;
		drm_dbg_driver(&fdev->drm, "send failed: %d\n", ret);
		goto err_unlock_send;
	}
	fastrpc_count(fdev, FASTRPC_CNT_CALLS);
	up_read(&channel->send_lock);
	return 0;

err_unlock:
	spin_unlock_irqrestore(&channel->lock, flags);
err_unlock_send:
	up_read(&channel->send_lock);
	return ret;
}

/**
 * fastrpc_channel_abandon() - the caller of a call gives up waiting
 * @channel: the channel
 * @call: the call
 *
 * The call stays in the table, payload included, until the DSP answers or
 * the channel is stopped.
 *
 * Return: true if the call was still unanswered, false if it completed in
 * the meantime (its result is then valid).
 */
bool fastrpc_channel_abandon(struct fastrpc_channel *channel,
			     struct fastrpc_call *call)
{
	unsigned long flags;
	bool abandoned;

	spin_lock_irqsave(&channel->lock, flags);
	abandoned = !call->match.answered;
	spin_unlock_irqrestore(&channel->lock, flags);

	if (abandoned)
		fastrpc_count(channel->fdev, FASTRPC_CNT_ABANDONED);
	return abandoned;
}

/* Complete every call of @client that waits for its reply with @err */
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

/**
 * fastrpc_channel_retire_client() - retire the calls of a released client
 * @channel: the channel
 * @client: client id whose process the DSP acknowledged releasing
 *
 * Once the DSP has answered INIT RELEASE for a client, it no longer runs
 * anything of that process, so it will neither answer nor touch the payload
 * of a call of that client that is still unanswered (its reply was lost, or
 * it was never sent back). Such calls are completed with -ECANCELED and give
 * back their payload and session. Only called at file close, when no caller
 * of that client can be waiting any more.
 */
void fastrpc_channel_retire_client(struct fastrpc_channel *channel, u32 client)
{
	unsigned long flags;

	spin_lock_irqsave(&channel->lock, flags);
	fastrpc_channel_fail_client_locked(channel, client, -ECANCELED);
	spin_unlock_irqrestore(&channel->lock, flags);
}

/**
 * fastrpc_channel_client_busy() - does a client have calls in flight?
 * @channel: the channel
 * @client: client id
 *
 * Calls whose caller gave up count until the DSP answers them; calls to
 * system handles (fastrpc_handle_is_system()), which use no mapping of the
 * client, do not count.
 *
 * Return: true when a call of @client that may use its mappings waits for
 * its reply.
 */
bool fastrpc_channel_client_busy(struct fastrpc_channel *channel, u32 client)
{
	struct fastrpc_call *call;
	unsigned long flags, index;
	bool busy = false;

	spin_lock_irqsave(&channel->lock, flags);
	xa_for_each(&channel->calls, index, call) {
		if (call->client == client && !call->system) {
			busy = true;
			break;
		}
	}
	spin_unlock_irqrestore(&channel->lock, flags);

	return busy;
}

/*
 * A PD status notification. When the DSP reports the process of a client
 * in use dead (exit, kill or exception), remember it and fail that client's
 * calls with -ECONNRESET: the DSP answers none of them any more. Anything
 * else in a notification is only counted. Return: a process went down.
 */
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
	if (xa_is_err(xa_store(&channel->pd_down, client, xa_mk_value(status),
			       GFP_ATOMIC)))
		return false;

	fastrpc_channel_fail_client_locked(channel, client, -ECONNRESET);
	return true;
}

/**
 * fastrpc_channel_client_down() - did the DSP report a client's process dead?
 * @channel: the channel
 * @client: client id
 *
 * Return: true from the DSP's PD status notification until the client id is
 * given back.
 */
bool fastrpc_channel_client_down(struct fastrpc_channel *channel, u32 client)
{
	return xa_load(&channel->pd_down, client);
}

/**
 * fastrpc_channel_forget_client() - forget a client id given back
 * @channel: the channel
 * @client: client id, no longer in use
 */
void fastrpc_channel_forget_client(struct fastrpc_channel *channel,
				   u32 client)
{
	unsigned long flags;

	/* As in fastrpc_channel_receive(): the xarray's lock with IRQs off */
	spin_lock_irqsave(&channel->lock, flags);
	xa_erase(&channel->pd_down, client);
	spin_unlock_irqrestore(&channel->lock, flags);
}

/**
 * fastrpc_channel_receive() - handle a message from the DSP
 * @channel: the channel
 * @data: the message
 * @len: its length
 *
 * Runs in the rpmsg callback, possibly in atomic context. A good reply
 * completes its call exactly once; a notification that a client's process
 * died fails that client's calls; everything else is counted and dropped.
 */
void fastrpc_channel_receive(struct fastrpc_channel *channel,
			     const void *data, size_t len)
{
	const struct fastrpc_rsp *rsp = data;
	struct fastrpc_device *fdev = channel->fdev;
	struct fastrpc_call *call = NULL;
	enum fastrpc_reply_class class;
	bool pd_down = false;
	unsigned long flags;
	u64 ctx = 0;

	spin_lock_irqsave(&channel->lock, flags);
	if (len >= sizeof(*rsp)) {
		ctx = le64_to_cpu(rsp->ctx);
		call = xa_load(&channel->calls,
			       FIELD_GET(FASTRPC_CTX_INDEX, ctx));
	}
	class = fastrpc_reply_classify(data, len, call ? &call->match : NULL);
	if (class == FASTRPC_REPLY_GOOD)
		fastrpc_channel_complete_locked(channel, call, 0,
						le32_to_cpu(rsp->retval));
	else if (class == FASTRPC_REPLY_NOTIFICATION)
		pd_down = fastrpc_channel_pd_down_locked(channel, data, len);
	spin_unlock_irqrestore(&channel->lock, flags);

	switch (class) {
	case FASTRPC_REPLY_GOOD:
		fastrpc_count(fdev, FASTRPC_CNT_REPLIES);
		break;
	case FASTRPC_REPLY_NOTIFICATION:
		fastrpc_count(fdev, FASTRPC_CNT_NOTIFICATIONS);
		if (pd_down)
			fastrpc_count(fdev, FASTRPC_CNT_PDS_DOWN);
		break;
	default:
		fastrpc_count(fdev, FASTRPC_CNT_REPLIES_REJECTED);
		drm_dbg_ratelimited(&fdev->drm,
				    "reply dropped (%d): len %zu ctx %#llx\n",
				    class, len, ctx);
		break;
	}
}
