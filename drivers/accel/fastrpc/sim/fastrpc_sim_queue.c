// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: request queue, replies and fault knobs.
 *
 * send() only copies the message and queues it. Each request is handled by
 * its own delayed work on the DSP's workqueue, which then delivers the
 * reply by calling the endpoint's callback under its cb_lock; a request
 * that sleeps re-queues its work with a delay, so it holds up nothing.
 */

#include <linux/bitfield.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rpmsg.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <kunit/visibility.h>

#include "../fastrpc_proto.h"
#include "fastrpc_sim.h"

/* PD status notification (ctx FASTRPC_NOTIF_CTX) */
#define FASTRPC_SIM_NOTIF_STATUS_RSP	4
#define FASTRPC_SIM_PD_STATUS_UP	0

#define FASTRPC_SIM_MAX_REQS		4096

/**
 * struct fastrpc_sim_req - a message waiting for its reply
 * @node: entry of fastrpc_sim_dsp.reqs
 * @dwork: runs the request, then sends the reply (possibly delayed)
 * @dsp: the DSP
 * @msg: copy of the message
 * @len: length of the message as received
 * @retval: result
 * @handled: the request has been handled, only the reply is left
 * @sleeping: the reply is delayed (protected by fastrpc_sim_dsp.req_lock)
 */
struct fastrpc_sim_req {
	struct list_head node;
	struct delayed_work dwork;
	struct fastrpc_sim_dsp *dsp;
	struct fastrpc_msg msg;
	int len;
	u32 retval;
	bool handled;
	bool sleeping;
};

/**
 * fastrpc_sim_dsp_wake_pd() - answer the sleeping requests of a PD now
 * @dsp: the DSP
 * @pgid: the PD
 *
 * They are answered with AEE_EBADSTATE.
 */
void fastrpc_sim_dsp_wake_pd(struct fastrpc_sim_dsp *dsp, u32 pgid)
{
	struct fastrpc_sim_req *req;

	mutex_lock(&dsp->req_lock);
	list_for_each_entry(req, &dsp->reqs, node) {
		if (!req->sleeping || le32_to_cpu(req->msg.pid) != pgid)
			continue;
		/* If the work already runs, it sends its own reply. */
		if (!cancel_delayed_work(&req->dwork))
			continue;
		req->retval = FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE);
		queue_delayed_work(dsp->wq, &req->dwork, 0);
	}
	mutex_unlock(&dsp->req_lock);
}

static void fastrpc_sim_deliver(struct fastrpc_sim_dsp *dsp, void *data,
				int len, bool reply)
{
	struct rpmsg_endpoint *ept;

	mutex_lock(&dsp->req_lock);
	ept = dsp->ept;
	if (ept)
		kref_get(&ept->refcount);	/* put below */
	mutex_unlock(&dsp->req_lock);
	if (!ept)
		return;

	mutex_lock(&ept->cb_lock);
	if (ept->cb) {
		ept->cb(ept->rpdev, data, len, ept->priv, RPMSG_ADDR_ANY);
		if (reply)
			fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_REPLIES, 1);
	}
	mutex_unlock(&ept->cb_lock);

	kref_put(&ept->refcount, fastrpc_sim_ept_release);
}

static bool fastrpc_sim_knob(struct fastrpc_sim_dsp *dsp,
			     enum fastrpc_sim_knob knob)
{
	return atomic_dec_if_positive(&dsp->knobs[knob]) >= 0;
}

static void fastrpc_sim_reply(struct fastrpc_sim_dsp *dsp,
			      const struct fastrpc_sim_req *req)
{
	struct fastrpc_rsp rsp = {
		.ctx = req->msg.ctx,
		.retval = cpu_to_le32(req->retval),
	};
	int len = sizeof(rsp);

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
			.type = cpu_to_le32(FASTRPC_SIM_NOTIF_STATUS_RSP),
			.pid = req->msg.pid,
			.status = cpu_to_le32(FASTRPC_SIM_PD_STATUS_UP),
		};

		fastrpc_sim_deliver(dsp, &notif, sizeof(notif), false);
	}

	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_BAD_CTX))
		rsp.ctx ^= cpu_to_le64(FIELD_PREP(FASTRPC_CTX_INDEX, 1));
	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_SHORT_REPLY))
		len = sizeof(rsp.ctx);

	fastrpc_sim_deliver(dsp, &rsp, len, true);
	if (fastrpc_sim_knob(dsp, FASTRPC_SIM_KNOB_DUP_REPLY))
		fastrpc_sim_deliver(dsp, &rsp, len, true);
}

static void fastrpc_sim_req_work(struct work_struct *work)
{
	struct fastrpc_sim_req *req = container_of(to_delayed_work(work),
						   struct fastrpc_sim_req,
						   dwork);
	struct fastrpc_sim_dsp *dsp = req->dsp;
	unsigned int delay_ms;

	if (!req->handled) {
		req->retval = fastrpc_sim_dsp_handle(dsp, &req->msg, req->len,
						     &delay_ms);
		req->handled = true;

		mutex_lock(&dsp->req_lock);
		if (delay_ms && dsp->online) {
			/* Reply later, without holding up other requests. */
			req->sleeping = true;
			queue_delayed_work(dsp->wq, &req->dwork,
					   msecs_to_jiffies(delay_ms));
			mutex_unlock(&dsp->req_lock);
			return;
		}
		mutex_unlock(&dsp->req_lock);
	}

	fastrpc_sim_reply(dsp, req);

	mutex_lock(&dsp->req_lock);
	list_del(&req->node);
	dsp->nreqs--;
	mutex_unlock(&dsp->req_lock);
	kfree(req);
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
 * running, -EBUSY if too many requests are outstanding, or -ENOMEM.
 */
int fastrpc_sim_dsp_queue(struct fastrpc_sim_dsp *dsp, const void *data,
			  int len)
{
	struct fastrpc_sim_req *req;
	int ret = 0;

	if (len < 0)
		return -EINVAL;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->dsp = dsp;
	req->len = len;
	memcpy(&req->msg, data, min_t(size_t, len, sizeof(req->msg)));
	INIT_DELAYED_WORK(&req->dwork, fastrpc_sim_req_work);

	mutex_lock(&dsp->req_lock);
	if (!dsp->online) {
		ret = -EPIPE;
	} else if (dsp->nreqs >= FASTRPC_SIM_MAX_REQS) {
		ret = -EBUSY;
	} else {
		fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_MESSAGES, 1);
		list_add_tail(&req->node, &dsp->reqs);
		dsp->nreqs++;
		queue_delayed_work(dsp->wq, &req->dwork, 0);
	}
	mutex_unlock(&dsp->req_lock);

	if (ret)
		kfree(req);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_queue);

/**
 * fastrpc_sim_dsp_set_ept() - set the endpoint replies are delivered to
 * @dsp: the DSP
 * @ept: the endpoint
 *
 * Return: 0, or -EBUSY if the DSP already has an endpoint.
 */
int fastrpc_sim_dsp_set_ept(struct fastrpc_sim_dsp *dsp,
			    struct rpmsg_endpoint *ept)
{
	int ret = 0;

	mutex_lock(&dsp->req_lock);
	if (dsp->ept)
		ret = -EBUSY;
	else
		dsp->ept = ept;
	mutex_unlock(&dsp->req_lock);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_set_ept);

/**
 * fastrpc_sim_dsp_clear_ept() - stop delivering to an endpoint
 * @dsp: the DSP
 * @ept: the endpoint being destroyed
 *
 * Replies being delivered hold a reference on @ept; later ones are dropped.
 */
void fastrpc_sim_dsp_clear_ept(struct fastrpc_sim_dsp *dsp,
			       struct rpmsg_endpoint *ept)
{
	mutex_lock(&dsp->req_lock);
	if (dsp->ept == ept)
		dsp->ept = NULL;
	mutex_unlock(&dsp->req_lock);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_clear_ept);

/**
 * fastrpc_sim_dsp_start() - accept requests
 * @dsp: the DSP
 */
void fastrpc_sim_dsp_start(struct fastrpc_sim_dsp *dsp)
{
	mutex_lock(&dsp->req_lock);
	dsp->online = true;
	mutex_unlock(&dsp->req_lock);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_start);

/**
 * fastrpc_sim_dsp_stop() - crash the DSP
 * @dsp: the DSP
 *
 * Stops accepting requests, drops every outstanding one without a reply and
 * forgets all PDs. When this returns, no work of @dsp runs or is queued.
 */
void fastrpc_sim_dsp_stop(struct fastrpc_sim_dsp *dsp)
{
	struct fastrpc_sim_req *req;

	mutex_lock(&dsp->req_lock);
	dsp->online = false;
	mutex_unlock(&dsp->req_lock);

	for (;;) {
		bool cancelled;

		mutex_lock(&dsp->req_lock);
		req = list_first_entry_or_null(&dsp->reqs,
					       struct fastrpc_sim_req, node);
		if (!req) {
			mutex_unlock(&dsp->req_lock);
			break;
		}
		cancelled = cancel_delayed_work(&req->dwork);
		if (cancelled) {
			list_del(&req->node);
			dsp->nreqs--;
		}
		mutex_unlock(&dsp->req_lock);

		if (cancelled)
			kfree(req);
		else
			/* It is running; offline, it will not sleep again. */
			flush_workqueue(dsp->wq);
	}

	fastrpc_sim_dsp_forget_pds(dsp);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_stop);

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

	dsp->wq = alloc_workqueue("fastrpc_sim-%s", WQ_UNBOUND, 0, name);
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
 */
void fastrpc_sim_dsp_destroy(struct fastrpc_sim_dsp *dsp)
{
	fastrpc_sim_dsp_stop(dsp);
	destroy_workqueue(dsp->wq);
	mutex_destroy(&dsp->pd_lock);
	mutex_destroy(&dsp->req_lock);
	kfree(dsp->bounce);
	kfree(dsp->name);
	kfree(dsp);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_sim_dsp_destroy);
