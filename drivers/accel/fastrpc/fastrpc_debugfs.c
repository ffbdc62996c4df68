// SPDX-License-Identifier: GPL-2.0-only
/*
 * ``sessions`` is read by fastrpc-info (Documentation/accel/fastrpc/tools.rst):
 * keep its "key value" line format stable.
 */

#include <linux/mm_types.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"

static const char * const fastrpc_counter_names[FASTRPC_CNT_COUNT] = {
	[FASTRPC_CNT_CALLS] = "calls",
	[FASTRPC_CNT_REPLIES] = "replies",
	[FASTRPC_CNT_REPLIES_REJECTED] = "replies_rejected",
	[FASTRPC_CNT_NOTIFICATIONS] = "notifications",
	[FASTRPC_CNT_PDS_DOWN] = "pds_down",
	[FASTRPC_CNT_IN_FLIGHT] = "in_flight",
	[FASTRPC_CNT_ABANDONED] = "abandoned",
	[FASTRPC_CNT_SESSIONS_BUSY] = "sessions_busy",
	[FASTRPC_CNT_BO_MAPS] = "bo_maps",
	[FASTRPC_CNT_DSP_MAPS] = "dsp_maps",
	[FASTRPC_CNT_PAYLOAD_ALLOCS] = "payload_allocs",
	[FASTRPC_CNT_PAYLOAD_CACHE_HITS] = "payload_cache_hits",
	[FASTRPC_CNT_PAYLOAD_CACHE_HELD] = "payload_cache_held",
	[FASTRPC_CNT_SESSIONS_USED] = "sessions_used",
	[FASTRPC_CNT_PAYLOADS] = "payloads",
	[FASTRPC_CNT_CALLS_LIVE] = "calls_live",
	[FASTRPC_CNT_KEPT] = "kept",
	[FASTRPC_CNT_PINNED_PAGES] = "pinned_pages",
	[FASTRPC_CNT_LIMITED] = "limited",
	[FASTRPC_CNT_OBJECTS] = "objects",
	[FASTRPC_CNT_CACHE_EVICTIONS] = "cache_evictions",
	[FASTRPC_CNT_SYNCED_BYTES] = "synced_bytes",
	[FASTRPC_CNT_FENCE_WAITS] = "fence_waits",
};

static int fastrpc_debugfs_counters_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct fastrpc_device *fdev = to_fastrpc_device(entry->dev);
	int i;

	for (i = 0; i < FASTRPC_CNT_COUNT; i++)
		seq_printf(m, "%s %lld\n", fastrpc_counter_names[i],
			   atomic64_read(&fdev->counters[i]));
	return 0;
}

struct fastrpc_debugfs_cb {
	struct fastrpc_cb *cb;
	u32 sid;
	u32 nslots;
	u32 busy;
	struct fastrpc_session *pin; /* slot use keeping cb and owner; or NULL */
	struct mm_struct *owner;
	pid_t tgid; /* 0: exited or outside the reader's pid namespace */
	u64 bytes;
};

/* Context banks know their users by address space only */
static pid_t fastrpc_debugfs_mm_tgid(struct mm_struct *mm)
{
	struct task_struct *p, *t;
	pid_t tgid = 0;

	rcu_read_lock();
	for_each_process_thread(p, t) {
		if (READ_ONCE(t->mm) == mm) {
			tgid = task_tgid_vnr(t);
			if (tgid)
				goto out_unlock;
		}
	}
out_unlock:
	rcu_read_unlock();
	return tgid;
}

/* The caller holds a use of one of the bank's slots */
static u64 fastrpc_debugfs_cb_bytes(struct fastrpc_cb *cb)
{
	struct fastrpc_payload_cache *cache = &cb->cache;
	struct fastrpc_bo_map *map;
	struct fastrpc_dma *buf;
	u64 bytes = 0;
	int c, i;

	mutex_lock(&cb->maps_lock);
	list_for_each_entry(buf, &cb->bufs, node)
		bytes += buf->size;
	list_for_each_entry(map, &cb->maps, cb_node) {
		if (!map->unmapped)
			bytes += map->obj->size;
	}
	for (c = 0; c < FASTRPC_PAYLOAD_CACHE_CLASSES; c++) {
		for (i = 0; i < cache->count[c]; i++) {
			if (cache->bufs[c][i].mapped)
				bytes += cache->bufs[c][i].size;
		}
	}
	mutex_unlock(&cb->maps_lock);
	return bytes;
}

static unsigned int fastrpc_debugfs_cbs_get(struct fastrpc_channel *channel,
					    struct fastrpc_debugfs_cb *cbs,
					    unsigned int max,
					    unsigned int *total)
{
	struct fastrpc_cb *cb;
	unsigned int n = 0;
	u32 i;

	*total = 0;
	mutex_lock(&channel->session_lock);
	list_for_each_entry(cb, &channel->cbs, node) {
		struct fastrpc_debugfs_cb *e;

		(*total)++;
		if (n == max)
			continue;
		e = &cbs[n++];
		e->cb = cb;
		e->sid = cb->sid;
		e->nslots = cb->nslots;
		e->busy = cb->busy;
		for (i = 0; i < cb->nslots && cb->busy; i++) {
			if (refcount_read(&cb->slots[i].users)) {
				/* Under session_lock a busy slot stays busy */
				fastrpc_session_get(&cb->slots[i]);
				e->pin = &cb->slots[i];
				e->owner = cb->owner;
				break;
			}
		}
	}
	mutex_unlock(&channel->session_lock);
	return n;
}

static void fastrpc_debugfs_cbs_put(struct fastrpc_debugfs_cb *cbs,
				    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fastrpc_session_put(cbs[i].pin);
}

static const char *fastrpc_debugfs_pd_name(u32 pd)
{
	switch (pd) {
	case FASTRPC_PD_ROOT:
		return "root";
	case FASTRPC_PD_USER:
		return "user";
	case FASTRPC_PD_SENSORS:
		return "sensors";
	default:
		return "unknown";
	}
}

static pid_t fastrpc_debugfs_session_tgid(struct fastrpc_session *session,
					  const struct fastrpc_debugfs_cb *cbs,
					  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (cbs[i].cb == session->cb && cbs[i].owner &&
		    cbs[i].owner == session->cb->owner)
			return cbs[i].tgid;
	}
	return 0;
}

/*
 * A file leaves the xarray before it is freed; its session holds its slot,
 * so the bank and its owner stay while proc_lock is held.
 */
static void fastrpc_debugfs_show_clients(struct seq_file *m,
					 struct fastrpc_device *fdev,
					 const struct fastrpc_debugfs_cb *cbs,
					 unsigned int n)
{
	struct fastrpc_file *ffile;
	unsigned long index;

	xa_lock(&fdev->clients);
	xa_for_each(&fdev->clients, index, ffile) {
		struct fastrpc_session *session;
		const char *state = "running";
		pid_t tgid = 0;

		spin_lock(&ffile->proc_lock);
		session = ffile->session;
		if (!session) {
			/* Being bound or unbound */
			spin_unlock(&ffile->proc_lock);
			continue;
		}
		if (fastrpc_channel_is_dead(ffile->channel) ||
		    fastrpc_session_is_dead(session))
			state = "lost";
		else if (fastrpc_channel_client_down(ffile->channel,
						     ffile->client_id))
			state = "died";
		else
			tgid = fastrpc_debugfs_session_tgid(session, cbs, n);
		if (!tgid && ffile->file) {
			rcu_read_lock();
			tgid = pid_vnr(rcu_dereference(ffile->file->pid));
			rcu_read_unlock();
		}

		seq_printf(m, "client %u face %s privileged %d pid %d pd %s state %s cb %u slot %td calls %d",
			   ffile->client_id, ffile->file ? "accel" : "legacy",
			   ffile->privileged, tgid,
			   fastrpc_debugfs_pd_name(ffile->pd), state,
			   fastrpc_session_sid(session),
			   session - session->cb->slots,
			   atomic_read(&ffile->quota->calls));
		if (ffile->file)
			seq_printf(m, " drm_client %llu", ffile->file->client_id);
		seq_putc(m, '\n');
		spin_unlock(&ffile->proc_lock);
	}
	xa_unlock(&fdev->clients);
}

static int fastrpc_debugfs_sessions_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct fastrpc_device *fdev = to_fastrpc_device(entry->dev);
	struct fastrpc_debugfs_cb *cbs = NULL;
	struct fastrpc_channel *channel;
	unsigned int n = 0, total = 0, max, i;
	u32 nslots = 0, busy = 0;

	channel = fastrpc_device_get_channel(fdev);
	seq_printf(m, "online %d\n", !!channel);
	if (!channel)
		goto out_clients;

	/* Banks come and go with their devices: retry until they all fit */
	for (max = 4; ; max = total) {
		cbs = kcalloc(max, sizeof(*cbs), GFP_KERNEL);
		if (!cbs) {
			fastrpc_channel_put(channel);
			return -ENOMEM;
		}
		n = fastrpc_debugfs_cbs_get(channel, cbs, max, &total);
		if (n == total)
			break;
		fastrpc_debugfs_cbs_put(cbs, n);
		kfree(cbs);
	}

	for (i = 0; i < n; i++) {
		if (cbs[i].pin) {
			cbs[i].bytes = fastrpc_debugfs_cb_bytes(cbs[i].cb);
			cbs[i].tgid = fastrpc_debugfs_mm_tgid(cbs[i].owner);
		}
		nslots += cbs[i].nslots;
		busy += cbs[i].busy;
	}

	seq_printf(m, "sessions %u\nin_use %u\nfree %u\n", nslots, busy,
		   nslots - busy);
	for (i = 0; i < n; i++)
		seq_printf(m, "cb %u slots %u busy %u pid %d bytes %llu\n",
			   cbs[i].sid, cbs[i].nslots, cbs[i].busy, cbs[i].tgid,
			   cbs[i].bytes);

out_clients:
	fastrpc_debugfs_show_clients(m, fdev, cbs, n);

	fastrpc_debugfs_cbs_put(cbs, n);
	kfree(cbs);
	fastrpc_channel_put(channel);
	return 0;
}

static const struct drm_debugfs_info fastrpc_debugfs_list[] = {
	{ "counters", fastrpc_debugfs_counters_show, 0 },
	{ "sessions", fastrpc_debugfs_sessions_show, 0 },
};

void fastrpc_debugfs_init(struct fastrpc_device *fdev)
{
	drm_debugfs_add_files(&fdev->drm, fastrpc_debugfs_list,
			      ARRAY_SIZE(fastrpc_debugfs_list));
}
