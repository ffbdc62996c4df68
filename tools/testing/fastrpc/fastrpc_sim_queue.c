// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: request queue, replies and fault knobs.
 *
 * send() only copies the message and queues it. Each request is handled by
 * its own delayed work on the DSP's workqueue; a request that sleeps
 * re-queues its work with a delay, so it holds up nothing. A request whose
 * handler waits for the host (fastrpc_sim_reverse.c) is parked: no work
 * queued, no timer, no reply, until fastrpc_sim_dsp_resume() has it handled
 * again from the start, or RELEASE of its PD answers it. The work puts
 * the reply on the DSP's outbox, and an irq_work delivers the outbox: it
 * calls the endpoint's callback in hard interrupt context with a spinlock
 * of the DSP held, as qcom_glink_native calls it from its interrupt
 * handler under the channel's recv_lock. A receive path that sleeps is
 * caught by DEBUG_ATOMIC_SLEEP and lockdep.
 *
 * The simulator initialises nothing of struct rpmsg_endpoint that a real
 * transport leaves alone: no cb_lock, no refcount.
 */

#include <linux/bitfield.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rpmsg.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#include <kunit/visibility.h>

#include "fastrpc_proto.h"
#include "fastrpc_sim.h"

#define FASTRPC_SIM_MAX_REQS		4096
/* Length of a reply of FASTRPC_SIM_KNOB_TRUNC_REPLY: between 8 and 16 */
#define FASTRPC_SIM_TRUNC_REPLY		12
/* An echo message: a sequence number, then the data */
#define FASTRPC_SIM_ECHO_MSG_MAX	(sizeof(__le64) + FASTRPC_SIM_ECHO_MAX)
#define FASTRPC_SIM_ECHO_TIMEOUT	(5 * HZ)

/**
 * struct fastrpc_sim_req - a message waiting for its reply
 * @node: entry of fastrpc_sim_dsp.reqs
 * @dwork: runs the request, then sends the reply (possibly delayed)
 * @dsp: the DSP
 * @dst: endpoint the message came from, and the reply goes to
 * @msg: copy of the message, a FastRPC message
 * @raw: copy of the message, an echo message
 * @len: length of the message as received
 * @retval: result
 * @handled: the request has been handled, only the reply is left
 * @delayed: the reply has been delayed by %FASTRPC_SIM_KNOB_DELAY_MS
 * @sleeping: the handler delays the reply (protected by
 *            fastrpc_sim_dsp.req_lock)
 * @parked: received while the DSP was stalled, its work is not queued
 *          (protected by fastrpc_sim_dsp.req_lock)
 * @id: unique id, names the request to fastrpc_sim_dsp_resume()
 * @waiting: the handler parked it until the host answers, its work is not
 *           queued (protected by fastrpc_sim_dsp.req_lock)
 * @resume: resumed while its handler ran: handle it again at once rather
 *          than park it (protected by fastrpc_sim_dsp.req_lock)
 */
struct fastrpc_sim_req {
	struct list_head node;
	struct delayed_work dwork;
	struct fastrpc_sim_dsp *dsp;
	enum fastrpc_sim_dst dst;
	union {
		struct fastrpc_msg msg;
		u8 raw[FASTRPC_SIM_ECHO_MSG_MAX];
	};
	int len;
	u32 retval;
	bool handled;
	bool delayed;
	bool sleeping;
	bool parked;
	u64 id;
	bool waiting;
	bool resume;
};

/**
 * struct fastrpc_sim_out - a message of the DSP waiting to be delivered
 * @node: entry of fastrpc_sim_dsp.outbox
 * @dst: endpoint it goes to
 * @reply: it is a reply, counted in %FASTRPC_SIM_STAT_REPLIES
 * @len: length of @data
 * @data: the message
 */
struct fastrpc_sim_out {
	struct list_head node;
	enum fastrpc_sim_dst dst;
	bool reply;
	int len;
	u8 data[] __counted_by(len);
};

/* Queue the work of a request that waits for nothing, unless stalled. */
static void fastrpc_sim_queue_now_locked(struct fastrpc_sim_dsp *dsp,
					 struct fastrpc_sim_req *req)
{
	lockdep_assert_held(&dsp->req_lock);

	if (dsp->stalled)
		req->parked = true;
	else
		queue_delayed_work(dsp->wq, &req->dwork, 0);
}

/**
 * fastrpc_sim_dsp_resume() - handle a parked request again
 * @dsp: the DSP
 * @id: the request's fastrpc_sim_call.id
 *
 * The request is handled again from the start, as if it had just been
 * received; its handler finds what it waited for on its PD. Resuming a
 * request that is gone, or was not parked, does nothing more than that.
 */
void fastrpc_sim_dsp_resume(struct fastrpc_sim_dsp *dsp, u64 id)
{
	struct fastrpc_sim_req *req;

	if (!id)
		return;

	mutex_lock(&dsp->req_lock);
	list_for_each_entry(req, &dsp->reqs, node) {
		if (req->id != id)
			continue;
		if (req->waiting) {
			req->waiting = false;
			fastrpc_sim_queue_now_locked(dsp, req);
		} else if (!req->handled) {
			/* Its handler runs, or it is queued. */
			req->resume = true;
		}
		break;
	}
	mutex_unlock(&dsp->req_lock);
}

/**
 * fastrpc_sim_dsp_wake_pd() - answer the sleeping requests of a PD now
 * @dsp: the DSP
 * @pgid: the PD
 *
 * They are answered with AEE_EBADSTATE, and so are its requests parked
 * until the host answers.
 */
void fastrpc_sim_dsp_wake_pd(struct fastrpc_sim_dsp *dsp, u32 pgid)
{
	struct fastrpc_sim_req *req;

	mutex_lock(&dsp->req_lock);
	list_for_each_entry(req, &dsp->reqs, node) {
		if (le32_to_cpu(req->msg.pid) != pgid)
			continue;
		if (req->waiting) {
			req->waiting = false;
			req->handled = true;
			req->retval = FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE);
			fastrpc_sim_queue_now_locked(dsp, req);
			continue;
		}
		if (!req->sleeping)
			continue;
		/* If the work already runs, it sends its own reply. */
		if (!cancel_delayed_work(&req->dwork))
			continue;
		req->retval = FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE);
		queue_delayed_work(dsp->wq, &req->dwork, 0);
	}
	mutex_unlock(&dsp->req_lock);
}

/**
 * fastrpc_sim_dsp_pd_busy() - does a PD have a call running?
 * @dsp: the DSP
 * @pgid: the PD
 *
 * Return: true if a call of @pgid to a module handle is sleeping in its
 * method: it has been handled and is not answered yet.
 */
bool fastrpc_sim_dsp_pd_busy(struct fastrpc_sim_dsp *dsp, u32 pgid)
{
	struct fastrpc_sim_req *req;
	bool busy = false;

	mutex_lock(&dsp->req_lock);
	list_for_each_entry(req, &dsp->reqs, node) {
		if (req->sleeping && le32_to_cpu(req->msg.pid) == pgid &&
		    le32_to_cpu(req->msg.handle) != FASTRPC_HANDLE_INIT) {
			busy = true;
			break;
		}
	}
	mutex_unlock(&dsp->req_lock);
	return busy;
}

/* Hard interrupt context, fastrpc_sim_dsp.recv_lock held */
static void fastrpc_sim_deliver(struct fastrpc_sim_dsp *dsp,
				struct fastrpc_sim_out *out)
{
	struct rpmsg_endpoint *ept;

	lockdep_assert_held(&dsp->recv_lock);

	/* A crashed DSP sends nothing more. */
	if (READ_ONCE(dsp->crashed))
		return;

	ept = out->dst == FASTRPC_SIM_DST_ECHO ? &dsp->echo_ept : dsp->ept;
	if (!ept || !ept->cb)
		return;

	ept->cb(ept->rpdev, out->data, out->len, ept->priv, RPMSG_ADDR_ANY);
	if (out->reply)
		fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_REPLIES, 1);
}

/*
 * The irq_work: delivers the outbox, oldest first. It may run on two CPUs
 * at once; taking a message and delivering it under recv_lock keeps the
 * order.
 */
static void fastrpc_sim_deliver_work(struct irq_work *work)
{
	struct fastrpc_sim_dsp *dsp = container_of(work, struct fastrpc_sim_dsp,
						   deliver_work);
	struct fastrpc_sim_out *out;

	do {
		spin_lock(&dsp->recv_lock);
		spin_lock(&dsp->out_lock);
		out = list_first_entry_or_null(&dsp->outbox,
					       struct fastrpc_sim_out, node);
		if (out)
			list_del(&out->node);
		spin_unlock(&dsp->out_lock);
		if (out)
			fastrpc_sim_deliver(dsp, out);
		spin_unlock(&dsp->recv_lock);
		kfree(out);
	} while (out);
}

/*
 * Put a message on the outbox and raise the irq_work. With @hold, the
 * message is held back instead, until the next message to the host.
 */
static void fastrpc_sim_post(struct fastrpc_sim_dsp *dsp,
			     enum fastrpc_sim_dst dst, const void *data,
			     int len, bool reply, bool hold)
{
	struct fastrpc_sim_out *out;
	unsigned long flags;

	out = kmalloc(struct_size(out, data, len), GFP_KERNEL);
	if (!out)
		return;	/* a lost message, as on a flaky link */
	out->len = len;
	out->dst = dst;
	out->reply = reply;
	memcpy(out->data, data, len);

	spin_lock_irqsave(&dsp->out_lock, flags);
	if (hold && !dsp->held) {
		dsp->held = out;
		spin_unlock_irqrestore(&dsp->out_lock, flags);
		return;
	}
	list_add_tail(&out->node, &dsp->outbox);
	if (dst == FASTRPC_SIM_DST_HOST && dsp->held) {
		list_add_tail(&dsp->held->node, &dsp->outbox);
		dsp->held = NULL;
	}
	spin_unlock_irqrestore(&dsp->out_lock, flags);

	irq_work_queue(&dsp->deliver_work);
}

/* Drop what was not delivered yet, held message included. */
static void fastrpc_sim_discard_outbox(struct fastrpc_sim_dsp *dsp)
{
	struct fastrpc_sim_out *out, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&dsp->out_lock, flags);
	list_splice_init(&dsp->outbox, &list);
	if (dsp->held)
		list_add_tail(&dsp->held->node, &list);
	dsp->held = NULL;
	spin_unlock_irqrestore(&dsp->out_lock, flags);

	list_for_each_entry_safe(out, tmp, &list, node)
		kfree(out);
}

static bool fastrpc_sim_knob(struct fastrpc_sim_dsp *dsp,
			     enum fastrpc_sim_knob knob)
{
	return atomic_dec_if_positive(&dsp->knobs[knob]) >= 0;
}

/* A countdown knob: true when it runs out with this message. */
static bool fastrpc_sim_countdown(struct fastrpc_sim_dsp *dsp,
				  enum fastrpc_sim_knob knob)
{
	return atomic_dec_if_positive(&dsp->knobs[knob]) == 0;
}

static void fastrpc_sim_reply(struct fastrpc_sim_dsp *dsp,
			      const struct fastrpc_sim_req *req)
{
	u8 buf[FASTRPC_SIM_LONG_REPLY] __aligned(8);
	struct fastrpc_rsp *rsp = (struct fastrpc_rsp *)buf;
	int len = sizeof(*rsp);
	bool hold;

	if (req->dst == FASTRPC_SIM_DST_ECHO) {
		fastrpc_sim_post(dsp, req->dst, req->raw, req->len, false,
				 false);
		return;
	}

	/* A message too short to hold a context cannot be answered. */
	if (req->len < offsetofend(struct fastrpc_msg, ctx))
		return;

	if (req->retval)
		fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_ERRORS, 1);

	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_DROP_REPLY))
		return;

	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_NOTIFY)) {
		struct fastrpc_notif_rsp notif = {
			.ctx = cpu_to_le64(FASTRPC_NOTIF_CTX),
			.type = cpu_to_le32(FASTRPC_NOTIF_STATUS_RSP),
			.pid = req->msg.pid,
			.status = cpu_to_le32(FASTRPC_PD_STATUS_UP),
		};

		fastrpc_sim_post(dsp, FASTRPC_SIM_DST_HOST, &notif,
				 sizeof(notif), false, false);
	}

	memset(buf, 0, sizeof(buf));
	rsp->ctx = req->msg.ctx;
	rsp->retval = cpu_to_le32(req->retval);

	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_BAD_CTX))
		rsp->ctx ^= cpu_to_le64(FIELD_PREP(FASTRPC_CTX_INDEX, 1));
	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_SHORT_REPLY)) {
		len = sizeof(rsp->ctx);
	} else if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_TRUNC_REPLY)) {
		len = FASTRPC_SIM_TRUNC_REPLY;
	} else if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_LONG_REPLY)) {
		len = FASTRPC_SIM_LONG_REPLY;
		get_random_bytes(buf + sizeof(*rsp), len - sizeof(*rsp));
	}

	hold = fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_REORDER_REPLY);
	fastrpc_sim_post(dsp, FASTRPC_SIM_DST_HOST, buf, len, true, hold);
	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_DUP_REPLY))
		fastrpc_sim_post(dsp, FASTRPC_SIM_DST_HOST, buf, len, true,
				 false);
}

/*
 * @req crashed its PD: like firmware, the DSP drops the PD's calls that are
 * still running (their threads died with it), answers none of them, and
 * tells the host in a PD status notification.
 */
static void fastrpc_sim_pd_crashed(struct fastrpc_sim_dsp *dsp,
				   struct fastrpc_sim_req *req)
{
	struct fastrpc_notif_rsp notif = {
		.ctx = cpu_to_le64(FASTRPC_NOTIF_CTX),
		.type = cpu_to_le32(FASTRPC_NOTIF_STATUS_RSP),
		.pid = req->msg.pid,
		.status = cpu_to_le32(FASTRPC_PD_STATUS_EXCEPTION),
	};
	struct fastrpc_sim_req *other, *tmp;
	LIST_HEAD(dropped);

	mutex_lock(&dsp->req_lock);
	list_for_each_entry_safe(other, tmp, &dsp->reqs, node) {
		if (other == req || other->msg.pid != req->msg.pid)
			continue;
		/* A request waiting for the host has no work queued. */
		if (!other->waiting) {
			if (!other->sleeping)
				continue;
			/* If its work already runs, it sends its own reply. */
			if (!cancel_delayed_work(&other->dwork))
				continue;
		}
		list_move(&other->node, &dropped);
		dsp->nreqs--;
	}
	list_del(&req->node);
	dsp->nreqs--;
	mutex_unlock(&dsp->req_lock);

	list_for_each_entry_safe(other, tmp, &dropped, node)
		kfree(other);
	kfree(req);
	fastrpc_sim_post(dsp, FASTRPC_SIM_DST_HOST, &notif, sizeof(notif),
			 false, false);
}

static void fastrpc_sim_req_work(struct work_struct *work)
{
	struct fastrpc_sim_req *req = container_of(to_delayed_work(work),
						   struct fastrpc_sim_req,
						   dwork);
	struct fastrpc_sim_dsp *dsp = req->dsp;
	unsigned int delay_ms = 0;
	bool crashed;

	if (!req->handled) {
		if (req->dst == FASTRPC_SIM_DST_HOST)
			req->retval = fastrpc_sim_dsp_handle_id(dsp, &req->msg,
								req->len,
								req->id,
								&delay_ms);
		if (delay_ms == FASTRPC_SIM_PD_CRASHED) {
			req->handled = true;
			fastrpc_sim_pd_crashed(dsp, req);
			return;
		}
		if (delay_ms == FASTRPC_SIM_PARKED) {
			/* No reply: handled again when resumed */
			mutex_lock(&dsp->req_lock);
			if (req->resume) {
				req->resume = false;
				fastrpc_sim_queue_now_locked(dsp, req);
			} else {
				req->waiting = true;
			}
			mutex_unlock(&dsp->req_lock);
			return;
		}
		mutex_lock(&dsp->req_lock);
		req->handled = true;
		req->resume = false;
		mutex_unlock(&dsp->req_lock);
	}

	mutex_lock(&dsp->req_lock);
	crashed = dsp->crashed;
	if (!crashed && dsp->online && req->dst == FASTRPC_SIM_DST_HOST) {
		if (delay_ms) {
			/* Reply later, without holding up other requests. */
			req->sleeping = true;
		} else if (!req->delayed) {
			/* The reply is late by the delay knob. */
			req->sleeping = false;
			req->delayed = true;
			delay_ms = atomic_read(&dsp->knobs[FASTRPC_SIM_KNOB_DELAY_MS]);
		}
		if (delay_ms) {
			queue_delayed_work(dsp->wq, &req->dwork,
					   msecs_to_jiffies(delay_ms));
			mutex_unlock(&dsp->req_lock);
			return;
		}
	}
	mutex_unlock(&dsp->req_lock);

	if (!crashed)
		fastrpc_sim_reply(dsp, req);

	mutex_lock(&dsp->req_lock);
	list_del(&req->node);
	dsp->nreqs--;
	mutex_unlock(&dsp->req_lock);
	kfree(req);
}

static int fastrpc_sim_dsp_queue_dst(struct fastrpc_sim_dsp *dsp,
				     const void *data, int len,
				     enum fastrpc_sim_dst dst)
{
	struct fastrpc_sim_req *req;
	bool crash = false;
	int ret = 0;

	if (len < 0)
		return -EINVAL;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->dsp = dsp;
	req->dst = dst;
	req->len = len;
	memcpy(req->raw, data, min_t(size_t, len, sizeof(req->raw)));
	INIT_DELAYED_WORK(&req->dwork, fastrpc_sim_req_work);

	mutex_lock(&dsp->req_lock);
	if (!dsp->online) {
		ret = -EPIPE;
	} else if (dsp->crashed) {
		/* Lost, as in the FIFO of a DSP that crashed */
	} else if (dsp->nreqs >= FASTRPC_SIM_MAX_REQS) {
		ret = -EBUSY;
	} else if (dst == FASTRPC_SIM_DST_HOST &&
		   fastrpc_sim_countdown(dsp, FASTRPC_SIM_KNOB_FAIL_NTH)) {
		ret = -EIO;
	} else if (dst == FASTRPC_SIM_DST_HOST &&
		   fastrpc_sim_countdown(dsp, FASTRPC_SIM_KNOB_CRASH_AFTER)) {
		fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_MESSAGES, 1);
		WRITE_ONCE(dsp->crashed, true);
		crash = true;
	} else {
		if (dst == FASTRPC_SIM_DST_HOST)
			fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_MESSAGES, 1);
		req->id = ++dsp->next_req_id;
		list_add_tail(&req->node, &dsp->reqs);
		dsp->nreqs++;
		if (dsp->stalled)
			req->parked = true;
		else
			queue_delayed_work(dsp->wq, &req->dwork, 0);
		req = NULL;
	}
	mutex_unlock(&dsp->req_lock);

	if (crash) {
		pr_info("fastrpc_sim %s: DSP crash (crash_after)\n", dsp->name);
		fastrpc_sim_discard_outbox(dsp);
		queue_work(system_unbound_wq, &dsp->crash_work);
	}
	kfree(req);
	return ret;
}

/**
 * fastrpc_sim_dsp_queue() - receive a message from the host
 * @dsp: the DSP
 * @data: the message
 * @len: its length
 *
 * Copies the message and queues its handling. Never replies from here.
 *
 * Return: 0, -EINVAL for a negative length, -EPIPE if the DSP is not
 * running, -EBUSY if too many requests are outstanding, -EIO when
 * %FASTRPC_SIM_KNOB_FAIL_NTH fails this message, or -ENOMEM.
 */
int fastrpc_sim_dsp_queue(struct fastrpc_sim_dsp *dsp, const void *data,
			  int len)
{
	return fastrpc_sim_dsp_queue_dst(dsp, data, len, FASTRPC_SIM_DST_HOST);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_queue);

/* Callback of the echo endpoint: hard interrupt context, recv_lock held */
static int fastrpc_sim_echo_cb(struct rpmsg_device *rpdev, void *data,
			       int len, void *priv, u32 src)
{
	struct fastrpc_sim_dsp *dsp = priv;

	if (len < (int)sizeof(__le64) || len > (int)sizeof(dsp->echo_buf))
		return 0;
	if (get_unaligned_le64(data) != READ_ONCE(dsp->echo_want))
		return 0;	/* late: its writer gave up */

	memcpy(dsp->echo_buf, data, len);
	dsp->echo_len = len;
	complete(&dsp->echo_done);
	return 0;
}

/**
 * fastrpc_sim_dsp_echo() - a bare message and reply through the DSP
 * @dsp: the DSP
 * @data: the message
 * @len: its length, at most %FASTRPC_SIM_ECHO_MAX
 *
 * Sends @data, with a sequence number before it, from the simulator's echo
 * endpoint through the path of every message: the DSP's queue and request
 * work, then the outbox and its delivery in hard interrupt context, to the
 * callback of the echo endpoint. Returns once the reply was delivered. The
 * transport cost of a FastRPC call, without FastRPC.
 *
 * Return: 0, -EMSGSIZE if @len is too large, -EPIPE if the DSP is not
 * running, -ETIMEDOUT if no reply came in 5 s (the DSP is stalled or
 * crashed), -EINTR if a fatal signal came first, -EIO if the reply is not
 * the message.
 */
int fastrpc_sim_dsp_echo(struct fastrpc_sim_dsp *dsp, const void *data,
			 size_t len)
{
	u8 msg[FASTRPC_SIM_ECHO_MSG_MAX];
	long left;
	int ret;
	u64 seq;

	if (len > FASTRPC_SIM_ECHO_MAX)
		return -EMSGSIZE;

	if (mutex_lock_killable(&dsp->echo_lock))
		return -EINTR;

	seq = ++dsp->echo_seq;
	put_unaligned_le64(seq, msg);
	memcpy(msg + sizeof(__le64), data, len);
	len += sizeof(__le64);

	WRITE_ONCE(dsp->echo_want, seq);
	reinit_completion(&dsp->echo_done);
	ret = fastrpc_sim_dsp_queue_dst(dsp, msg, len, FASTRPC_SIM_DST_ECHO);
	if (!ret) {
		left = wait_for_completion_killable_timeout(&dsp->echo_done,
							    FASTRPC_SIM_ECHO_TIMEOUT);
		if (!left)
			ret = -ETIMEDOUT;
		else if (left < 0)
			ret = -EINTR;
		else if (dsp->echo_len != len || memcmp(dsp->echo_buf, msg, len))
			ret = -EIO;
	}
	WRITE_ONCE(dsp->echo_want, 0);

	mutex_unlock(&dsp->echo_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_echo);

/**
 * fastrpc_sim_dsp_flush() - wait for the work queued so far
 * @dsp: the DSP
 *
 * Returns once the requests whose work is queued with no delay have been
 * handled and their replies delivered.
 */
void fastrpc_sim_dsp_flush(struct fastrpc_sim_dsp *dsp)
{
	flush_workqueue(dsp->wq);
	irq_work_sync(&dsp->deliver_work);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_flush);

/**
 * fastrpc_sim_dsp_set_ept() - set the endpoint replies are delivered to
 * @dsp: the DSP
 * @ept: the endpoint
 * @cb: its callback
 * @priv: private data of @cb
 *
 * Sets @cb and @priv of @ept unless the DSP already has an endpoint, which
 * may be @ept.
 *
 * Return: 0, or -EBUSY if the DSP already has an endpoint.
 */
int fastrpc_sim_dsp_set_ept(struct fastrpc_sim_dsp *dsp,
			    struct rpmsg_endpoint *ept, rpmsg_rx_cb_t cb,
			    void *priv)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&dsp->recv_lock, flags);
	if (dsp->ept) {
		ret = -EBUSY;
	} else {
		ept->cb = cb;
		ept->priv = priv;
		dsp->ept = ept;
	}
	spin_unlock_irqrestore(&dsp->recv_lock, flags);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_set_ept);

/**
 * fastrpc_sim_dsp_clear_ept() - stop delivering to an endpoint
 * @dsp: the DSP
 * @ept: the endpoint being destroyed
 *
 * Callbacks run under the DSP's recv_lock: once this returns, none runs
 * on @ept or will, as with qcom_glink_destroy_ept(). Clearing an endpoint
 * that is not the DSP's (destroyed twice) does nothing.
 */
void fastrpc_sim_dsp_clear_ept(struct fastrpc_sim_dsp *dsp,
			       struct rpmsg_endpoint *ept)
{
	unsigned long flags;

	spin_lock_irqsave(&dsp->recv_lock, flags);
	if (dsp->ept == ept) {
		ept->cb = NULL;
		dsp->ept = NULL;
	}
	spin_unlock_irqrestore(&dsp->recv_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_clear_ept);

/**
 * fastrpc_sim_dsp_crashed() - has the DSP crashed?
 * @dsp: the DSP
 *
 * Return: true from a crash (%FASTRPC_SIM_KNOB_CRASH_AFTER) until the DSP
 * is started again.
 */
bool fastrpc_sim_dsp_crashed(struct fastrpc_sim_dsp *dsp)
{
	bool crashed;

	mutex_lock(&dsp->req_lock);
	crashed = dsp->crashed;
	mutex_unlock(&dsp->req_lock);

	return crashed;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_crashed);

/**
 * fastrpc_sim_dsp_get_knob() - read a fault knob
 * @dsp: the DSP
 * @knob: the knob
 *
 * Return: its value.
 */
u32 fastrpc_sim_dsp_get_knob(struct fastrpc_sim_dsp *dsp,
			     enum fastrpc_sim_knob knob)
{
	return atomic_read(&dsp->knobs[knob]);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_get_knob);

/**
 * fastrpc_sim_dsp_set_knob() - set a fault knob
 * @dsp: the DSP
 * @knob: the knob
 * @val: its new value
 *
 * Clearing %FASTRPC_SIM_KNOB_STALL queues the requests received while the
 * DSP was stalled.
 */
void fastrpc_sim_dsp_set_knob(struct fastrpc_sim_dsp *dsp,
			      enum fastrpc_sim_knob knob, u32 val)
{
	struct fastrpc_sim_req *req;

	if (knob != FASTRPC_SIM_KNOB_STALL) {
		atomic_set(&dsp->knobs[knob], val);
		return;
	}

	mutex_lock(&dsp->req_lock);
	atomic_set(&dsp->knobs[knob], !!val);
	dsp->stalled = val;
	if (!val) {
		list_for_each_entry(req, &dsp->reqs, node) {
			if (!req->parked)
				continue;
			req->parked = false;
			queue_delayed_work(dsp->wq, &req->dwork, 0);
		}
	}
	mutex_unlock(&dsp->req_lock);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_set_knob);

/**
 * fastrpc_sim_dsp_start() - accept requests
 * @dsp: the DSP
 *
 * A DSP that crashed starts afresh.
 */
void fastrpc_sim_dsp_start(struct fastrpc_sim_dsp *dsp)
{
	mutex_lock(&dsp->req_lock);
	dsp->online = true;
	WRITE_ONCE(dsp->crashed, false);
	mutex_unlock(&dsp->req_lock);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_start);

/**
 * fastrpc_sim_dsp_stop() - crash the DSP
 * @dsp: the DSP
 *
 * Stops accepting requests, drops every outstanding one without a reply,
 * forgets all PDs and the endpoint. When this returns, no work of @dsp runs
 * or is queued and nothing is delivered any more.
 */
void fastrpc_sim_dsp_stop(struct fastrpc_sim_dsp *dsp)
{
	struct fastrpc_sim_req *req;

	mutex_lock(&dsp->req_lock);
	dsp->online = false;
	mutex_unlock(&dsp->req_lock);

	for (;;) {
		bool gone;

		mutex_lock(&dsp->req_lock);
		req = list_first_entry_or_null(&dsp->reqs,
					       struct fastrpc_sim_req, node);
		if (!req) {
			mutex_unlock(&dsp->req_lock);
			break;
		}
		gone = req->parked || req->waiting ||
		       cancel_delayed_work(&req->dwork);
		if (gone) {
			list_del(&req->node);
			dsp->nreqs--;
		}
		mutex_unlock(&dsp->req_lock);

		if (gone)
			kfree(req);
		else
			/* It is running; offline, it will not sleep again. */
			flush_workqueue(dsp->wq);
	}

	fastrpc_sim_discard_outbox(dsp);
	irq_work_sync(&dsp->deliver_work);
	fastrpc_sim_dsp_forget_pds(dsp);

	/* Its rpmsg device is gone: never reach a leaked endpoint. */
	spin_lock_irq(&dsp->recv_lock);
	dsp->ept = NULL;
	spin_unlock_irq(&dsp->recv_lock);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_stop);

static void fastrpc_sim_crash_work(struct work_struct *work)
{
	struct fastrpc_sim_dsp *dsp = container_of(work, struct fastrpc_sim_dsp,
						   crash_work);

	if (dsp->crash_fn)
		dsp->crash_fn(dsp->crash_arg);
}

/**
 * fastrpc_sim_dsp_create() - create a simulated DSP
 * @name: instance name, for logs
 * @ops: translation of device addresses
 * @priv: argument of @ops
 *
 * The DSP starts stopped, with no PDs and no endpoint.
 *
 * Return: the DSP, or an ERR_PTR().
 */
struct fastrpc_sim_dsp *
fastrpc_sim_dsp_create(const char *name, const struct fastrpc_sim_mem_ops *ops,
		       void *priv)
{
	struct fastrpc_sim_dsp *dsp;
	int ret;

	dsp = kzalloc(sizeof(*dsp), GFP_KERNEL);
	if (!dsp)
		return ERR_PTR(-ENOMEM);

	dsp->name = kstrdup(name, GFP_KERNEL);
	if (!dsp->name) {
		ret = -ENOMEM;
		goto err_free_dsp;
	}

	/*
	 * Per CPU and high priority: a request runs on the CPU of its
	 * sender, which is about to wait for the reply, and the reply's
	 * irq_work is raised on the same CPU; no cross-CPU wake-up on the
	 * way (under QEMU this halves the time of a call).
	 */
	dsp->wq = alloc_workqueue("fastrpc_sim-%s", WQ_HIGHPRI, 0, name);
	if (!dsp->wq) {
		ret = -ENOMEM;
		goto err_free_name;
	}

	dsp->bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!dsp->bounce) {
		ret = -ENOMEM;
		goto err_destroy_wq;
	}

	dsp->mem_ops = ops;
	dsp->mem_priv = priv;
	mutex_init(&dsp->req_lock);
	INIT_LIST_HEAD(&dsp->reqs);
	INIT_WORK(&dsp->crash_work, fastrpc_sim_crash_work);
	spin_lock_init(&dsp->out_lock);
	INIT_LIST_HEAD(&dsp->outbox);
	init_irq_work(&dsp->deliver_work, fastrpc_sim_deliver_work);
	spin_lock_init(&dsp->recv_lock);
	dsp->echo_ept.cb = fastrpc_sim_echo_cb;
	dsp->echo_ept.priv = dsp;
	mutex_init(&dsp->echo_lock);
	init_completion(&dsp->echo_done);
	mutex_init(&dsp->pd_lock);
	INIT_LIST_HEAD(&dsp->pds);
	return dsp;

err_destroy_wq:
	destroy_workqueue(dsp->wq);
err_free_name:
	kfree(dsp->name);
err_free_dsp:
	kfree(dsp);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_create);

/**
 * fastrpc_sim_dsp_destroy() - stop and free a simulated DSP
 * @dsp: the DSP; its endpoint must have been cleared
 *
 * Must not be called with the lock @dsp->crash_fn takes held.
 */
void fastrpc_sim_dsp_destroy(struct fastrpc_sim_dsp *dsp)
{
	fastrpc_sim_dsp_stop(dsp);
	cancel_work_sync(&dsp->crash_work);
	destroy_workqueue(dsp->wq);
	mutex_destroy(&dsp->pd_lock);
	mutex_destroy(&dsp->echo_lock);
	mutex_destroy(&dsp->req_lock);
	kfree(dsp->bounce);
	kfree(dsp->name);
	kfree(dsp);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_destroy);
