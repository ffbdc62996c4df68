// SPDX-License-Identifier: GPL-2.0-only
/* fastrpc-info (Documentation/accel/fastrpc/tools.rst) parses ``sessions``: keep its format */

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
	u32 sid, nslots, busy;
	struct fastrpc_session *pin; /* slot use keeping its bank and owner; or NULL */
	pid_t tgid; /* 0: free, exited or outside the reader's pid namespace */
};

/* Context banks know their users by address space only */
static pid_t fastrpc_debugfs_mm_tgid(struct mm_struct *mm)
{
	struct task_struct *p, *t;
	pid_t tgid;

	guard(rcu)();
	for_each_process_thread(p, t) {
		tgid = READ_ONCE(t->mm) == mm ? task_tgid_vnr(t) : 0;
		if (tgid)
			return tgid;
	}
	return 0;
}

/* The caller holds a use of one of the bank's slots */
static u64 fastrpc_debugfs_cb_bytes(struct fastrpc_cb *cb)
{
	struct fastrpc_payload_cache *cache = &cb->cache;
	struct fastrpc_bo_map *map;
	struct fastrpc_dma *buf;
	u64 bytes = 0;
	int c, i;

	guard(mutex)(&cb->maps_lock);
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
	return bytes;
}

/* session_lock is a mutex no reclaim path takes: allocate under it, no retry */
static struct fastrpc_debugfs_cb *
fastrpc_debugfs_cbs_get(struct fastrpc_channel *channel, unsigned int *n)
{
	struct fastrpc_debugfs_cb *cbs, *e;
	struct fastrpc_cb *cb;
	u32 i;

	guard(mutex)(&channel->session_lock);
	*n = list_count_nodes(&channel->cbs);
	cbs = kcalloc(*n, sizeof(*cbs), GFP_KERNEL);
	if (!cbs)
		return NULL;
	e = cbs;
	list_for_each_entry(cb, &channel->cbs, node) {
		e->sid = cb->sid;
		e->nslots = cb->nslots;
		e->busy = cb->busy;
		for (i = 0; i < cb->nslots && cb->busy; i++) {
			if (refcount_read(&cb->slots[i].users)) {
				/* Under session_lock a busy slot stays busy */
				fastrpc_session_get(&cb->slots[i]);
				e->pin = &cb->slots[i];
				e->tgid = fastrpc_debugfs_mm_tgid(cb->owner);
				break;
			}
		}
		e++;
	}
	return cbs;
}

static const char * const fastrpc_debugfs_pd_names[] = {
	[FASTRPC_PD_ROOT] = "root",
	[FASTRPC_PD_USER] = "user",
	[FASTRPC_PD_SENSORS] = "sensors",
};

static pid_t fastrpc_debugfs_session_tgid(struct fastrpc_session *session,
					  const struct fastrpc_debugfs_cb *cbs, unsigned int n)
{
	unsigned int i;

	/* The pin kept a busy bank's owner since the snapshot */
	for (i = 0; i < n; i++) {
		if (cbs[i].pin && cbs[i].pin->cb == session->cb)
			return cbs[i].tgid;
	}
	return 0;
}

/*
 * A file leaves the xarray before it is freed; its session holds its slot,
 * so the bank and its owner stay while proc_lock is held.
 */
static void fastrpc_debugfs_show_clients(struct seq_file *m, struct fastrpc_device *fdev,
					 const struct fastrpc_debugfs_cb *cbs, unsigned int n)
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
		if (fastrpc_channel_is_dead(ffile->channel) || fastrpc_session_is_dead(session))
			state = "lost";
		else if (fastrpc_channel_client_down(ffile->channel, ffile->client_id))
			state = "died";
		else
			tgid = fastrpc_debugfs_session_tgid(session, cbs, n);
		if (!tgid && ffile->file) {
			guard(rcu)();
			tgid = pid_vnr(rcu_dereference(ffile->file->pid));
		}

		seq_printf(m, "client %u face %s privileged %d pid %d pd %s state %s cb %u slot %td calls %d",
			   ffile->client_id, ffile->file ? "accel" : "legacy",
			   ffile->privileged, tgid,
			   ffile->pd < ARRAY_SIZE(fastrpc_debugfs_pd_names) ?
			   fastrpc_debugfs_pd_names[ffile->pd] : "unknown", state,
			   fastrpc_session_sid(session), session - session->cb->slots,
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
	struct fastrpc_channel *channel = fastrpc_device_get_channel(fdev);
	struct fastrpc_debugfs_cb *cbs = NULL;
	unsigned int n = 0, i;
	u32 nslots = 0, busy = 0;

	seq_printf(m, "online %d\n", !!channel);
	if (!channel)
		goto out_clients;

	cbs = fastrpc_debugfs_cbs_get(channel, &n);
	if (!cbs) {
		fastrpc_channel_put(channel);
		return -ENOMEM;
	}

	for (i = 0; i < n; i++) {
		nslots += cbs[i].nslots;
		busy += cbs[i].busy;
	}

	seq_printf(m, "sessions %u\nin_use %u\nfree %u\n", nslots, busy, nslots - busy);
	for (i = 0; i < n; i++)
		seq_printf(m, "cb %u slots %u busy %u pid %d bytes %llu\n",
			   cbs[i].sid, cbs[i].nslots, cbs[i].busy, cbs[i].tgid,
			   cbs[i].pin ? fastrpc_debugfs_cb_bytes(cbs[i].pin->cb) : 0);

out_clients:
	fastrpc_debugfs_show_clients(m, fdev, cbs, n);

	for (i = 0; i < n; i++)
		fastrpc_session_put(cbs[i].pin);
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
	drm_debugfs_add_files(&fdev->drm, fastrpc_debugfs_list, ARRAY_SIZE(fastrpc_debugfs_list));
}
