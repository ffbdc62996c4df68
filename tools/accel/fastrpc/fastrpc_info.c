// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc-info: the DSP domains of the FastRPC driver, their device nodes,
 * state, capabilities, sessions and the processes that use them
 * (Documentation/accel/fastrpc/tools.rst).
 *
 * Sources: sysfs (/sys/class/accel, /sys/class/misc) for the nodes, the
 * accel UAPI (DRM_FASTRPC_QUERY_DEVICE_INFO and _DSP_ATTRS) for the state
 * and the capabilities, the driver's debugfs file "sessions" for the
 * sessions and their users (root only), and /proc/<pid>/fd and fdinfo (the
 * DRM usage-stats keys) for the processes that have a node open. What a
 * source does not give (no permission, no debugfs) is said, not guessed.
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fastrpc_util.h"

#define SYS_ACCEL	"/sys/class/accel"
#define SYS_MISC	"/sys/class/misc"
#define DBG_ACCEL	FRPC_DEBUGFS "/accel"

#define MAX_DOMAINS	8
#define MAX_NODES	8
#define MAX_CBS		32
#define MAX_CLIENTS	64
#define MAX_USES	128
#define MAX_NOTES	8

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum node_kind { NODE_ACCEL, NODE_LEGACY };

struct node {
	char path[300];
	enum node_kind kind;
	int privileged;		/* accel: the privileged device */
	int secure;		/* legacy: the -secure node */
	dev_t rdev;
	int minor;		/* accel minor (debugfs directory) */
};

/* A "cb" line of the driver's debugfs file "sessions" */
struct cb_info {
	unsigned int sid, slots, busy;
	int pid;
	uint64_t bytes;
};

/* A "client" line: a client id in use, on either face */
struct client {
	unsigned int id, cb, slot;
	char face[8], pd[12], state[12];
	int privileged, pid, calls;
	uint64_t drm_client;
	int has_drm_client;
};

/* An open node of a DSP domain found in /proc/<pid>/fd */
struct use {
	int pid, fd;
	const struct node *node;
	int has_client;		/* fdinfo has drm-client-id */
	uint64_t drm_client;
	int has_mem;		/* fdinfo has drm-total-* */
	uint64_t total, resident;
	int has_busy;		/* fdinfo has drm-engine-* */
	uint64_t busy_ns;
	int matched;		/* shown with a client already */
};

struct domain {
	char label[DRM_FASTRPC_DOMAIN_NAME_LEN];
	int id;				/* DRM_FASTRPC_DOMAIN_*, -1 unknown */
	struct node nodes[MAX_NODES];
	unsigned int nnodes;

	int info_err;			/* 0: @info is valid */
	struct drm_fastrpc_device_info info;
	int attrs_err;			/* 0: @attrs is valid */
	uint32_t attrs[DRM_FASTRPC_DSP_ATTR_COUNT];

	int dbg_err;			/* 0: the fields below are valid */
	int online;
	unsigned int sessions, in_use, free;
	struct cb_info cbs[MAX_CBS];
	unsigned int ncbs;
	struct client clients[MAX_CLIENTS];
	unsigned int nclients;

	struct use uses[MAX_USES];
	unsigned int nuses;

	const char *notes[MAX_NOTES];
	unsigned int nnotes;
};

static struct domain domains[MAX_DOMAINS];
static unsigned int ndomains;
static int proc_partial;	/* some /proc/<pid>/fd could not be read */

static const char * const domain_labels[] = {
	[DRM_FASTRPC_DOMAIN_ADSP] = "adsp",
	[DRM_FASTRPC_DOMAIN_MDSP] = "mdsp",
	[DRM_FASTRPC_DOMAIN_SDSP] = "sdsp",
	[DRM_FASTRPC_DOMAIN_CDSP] = "cdsp",
	[DRM_FASTRPC_DOMAIN_CDSP1] = "cdsp1",
	[DRM_FASTRPC_DOMAIN_GDSP0] = "gdsp0",
	[DRM_FASTRPC_DOMAIN_GDSP1] = "gdsp1",
};

/* DSP capability attributes (enum remote_dsp_attributes of remote.h) */
enum cap_fmt { CAP_BOOL, CAP_NUM, CAP_BYTES, CAP_ARCH };

static const struct cap {
	unsigned int id;
	const char *key;
	const char *name;
	enum cap_fmt fmt;
} caps[] = {
	{ 1, "unsigned_pd", "unsigned PD", CAP_BOOL },
	{ 2, "hvx_64b", "HVX 64-byte contexts", CAP_NUM },
	{ 3, "hvx_128b", "HVX 128-byte contexts", CAP_NUM },
	{ 4, "vtcm_page", "VTCM page size", CAP_BYTES },
	{ 5, "vtcm_count", "VTCM pages", CAP_NUM },
	{ 6, "arch", "architecture", CAP_ARCH },
	{ 7, "hmx_depth", "HMX depth", CAP_NUM },
	{ 8, "hmx_spatial", "HMX spatial", CAP_NUM },
	{ 9, "async_fastrpc", "async FastRPC", CAP_BOOL },
	{ 10, "status_notification", "PD status notifications", CAP_BOOL },
	{ 11, "mcid_multicast", "MCID multicast", CAP_BOOL },
};

static void note(struct domain *d, const char *text)
{
	if (d->nnotes < MAX_NOTES)
		d->notes[d->nnotes++] = text;
}

static int domain_id(const char *label)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(domain_labels); i++)
		if (!strcmp(domain_labels[i], label))
			return i;
	return -1;
}

static struct domain *get_domain(const char *label)
{
	struct domain *d;
	unsigned int i;

	for (i = 0; i < ndomains; i++)
		if (!strcmp(domains[i].label, label))
			return &domains[i];
	if (ndomains == MAX_DOMAINS)
		return NULL;
	d = &domains[ndomains++];
	snprintf(d->label, sizeof(d->label), "%s", label);
	d->id = domain_id(label);
	d->info_err = -ENOENT;
	d->attrs_err = -ENOENT;
	d->dbg_err = -ENOENT;
	return d;
}

static int domain_cmp(const void *a, const void *b)
{
	const struct domain *x = a, *y = b;
	unsigned int ix = x->id < 0 ? 100 : x->id, iy = y->id < 0 ? 100 : y->id;

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* Strip @suffix from the end of @s; returns 1 when it was there */
static int strip_suffix(char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n <= k || strcmp(s + n - k, suffix))
		return 0;
	s[n - k] = '\0';
	return 1;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

static void add_node(struct domain *d, const struct node *n)
{
	if (d->nnodes < MAX_NODES)
		d->nodes[d->nnodes++] = *n;
}

/*
 * The accel devices: /sys/class/accel/accelN, whose parent is the root
 * device "fastrpc-<label>" or "fastrpc-<label>-privileged".
 */
static void scan_accel(void)
{
	char p[PATH_MAX], link[PATH_MAX], label[64], dev[32];
	unsigned int maj, min;
	struct dirent *de;
	struct domain *d;
	struct node n;
	DIR *dir;
	ssize_t len;

	dir = opendir(SYS_ACCEL);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "accel", 5))
			continue;
		snprintf(p, sizeof(p), SYS_ACCEL "/%s/device", de->d_name);
		len = readlink(p, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		snprintf(label, sizeof(label), "%s", basename(link));
		if (strncmp(label, "fastrpc-", 8))
			continue;
		memset(&n, 0, sizeof(n));
		n.kind = NODE_ACCEL;
		n.privileged = strip_suffix(label, "-privileged");
		snprintf(p, sizeof(p), SYS_ACCEL "/%s/dev", de->d_name);
		if (read_line(p, dev, sizeof(dev)) ||
		    sscanf(dev, "%u:%u", &maj, &min) != 2)
			continue;
		n.rdev = makedev(maj, min);
		n.minor = min;
		snprintf(n.path, sizeof(n.path), FRPC_ACCEL_DIR "/%s",
			 de->d_name);
		d = get_domain(label + 8);
		if (d)
			add_node(d, &n);
	}
	closedir(dir);
}

/* The legacy nodes: /sys/class/misc/fastrpc-<label>[-secure] */
static void scan_legacy(void)
{
	char p[PATH_MAX], label[64], dev[32];
	unsigned int maj, min;
	struct dirent *de;
	struct domain *d;
	struct node n;
	DIR *dir;

	dir = opendir(SYS_MISC);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "fastrpc-", 8))
			continue;
		memset(&n, 0, sizeof(n));
		n.kind = NODE_LEGACY;
		snprintf(label, sizeof(label), "%s", de->d_name + 8);
		n.secure = strip_suffix(label, "-secure");
		snprintf(p, sizeof(p), SYS_MISC "/%s/dev", de->d_name);
		if (read_line(p, dev, sizeof(dev)) ||
		    sscanf(dev, "%u:%u", &maj, &min) != 2)
			continue;
		n.rdev = makedev(maj, min);
		n.minor = -1;
		snprintf(n.path, sizeof(n.path), "/dev/%s", de->d_name);
		d = get_domain(label);
		if (d)
			add_node(d, &n);
	}
	closedir(dir);
}

static int node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind == NODE_ACCEL ? -1 : 1;
	return strverscmp(x->path, y->path);
}

/*
 * Device info and capabilities through an accel node of the domain: the
 * ordinary one, else the privileged one (root).
 */
static void query_domain(struct domain *d)
{
	int fd = -1, err = -ENOENT, pass;
	unsigned int i;

	for (pass = 0; pass < 2 && fd < 0; pass++) {
		for (i = 0; i < d->nnodes && fd < 0; i++) {
			if (d->nodes[i].kind != NODE_ACCEL ||
			    d->nodes[i].privileged != pass)
				continue;
			fd = open(d->nodes[i].path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				err = -errno;
		}
	}
	if (fd < 0) {
		d->info_err = err;
		d->attrs_err = err;
		if (err == -EACCES || err == -EPERM)
			note(d, "state and capabilities unknown: no permission to open a node");
		else
			note(d, "state and capabilities unknown: no accel node could be opened");
		return;
	}
	d->info_err = frpc_device_info(fd, &d->info);
	if (d->info_err)
		note(d, "DRM_FASTRPC_QUERY_DEVICE_INFO failed");
	if (!d->info_err && !(d->info.flags & DRM_FASTRPC_DEVICE_ONLINE)) {
		d->attrs_err = -ENODEV;
	} else {
		d->attrs_err = frpc_dsp_attrs(fd, d->attrs);
		if (d->attrs_err == -EBUSY)
			note(d, "capabilities unknown: no session free to ask the DSP");
		else if (d->attrs_err == -EOPNOTSUPP)
			note(d, "capabilities unknown: the DSP does not answer capability queries");
	}
	close(fd);
}

/* The debugfs directory of the domain's ordinary accel device */
static int ordinary_minor(const struct domain *d)
{
	unsigned int i;

	for (i = 0; i < d->nnodes; i++)
		if (d->nodes[i].kind == NODE_ACCEL && !d->nodes[i].privileged)
			return d->nodes[i].minor;
	return -1;
}

/* Value of " key value" in a line of "sessions"; 0 when found */
static int kv(const char *line, const char *key, char *val, size_t len)
{
	size_t k = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[k] == ' ') {
			p += k + 1;
			k = strcspn(p, "\n ");
			if (k >= len)
				k = len - 1;
			memcpy(val, p, k);
			val[k] = '\0';
			return 0;
		}
		p += k;
	}
	return -ENOENT;
}

static long long kv_num(const char *line, const char *key)
{
	char v[32];

	return kv(line, key, v, sizeof(v)) ? -1 : strtoll(v, NULL, 0);
}

static int cb_cmp(const void *a, const void *b)
{
	const struct cb_info *x = a, *y = b;

	return x->sid < y->sid ? -1 : x->sid > y->sid;
}

/*
 * The driver's debugfs file "sessions" (fastrpc_debugfs.c), in the debugfs
 * directory of the domain's ordinary device: named after the device
 * ("fastrpc-<label>", the DRM device's unique name), or after its minor.
 */
static void read_sessions(struct domain *d)
{
	char p[PATH_MAX], line[512];
	int minor = ordinary_minor(d);
	struct client *c;
	struct cb_info *cb;
	FILE *f;

	snprintf(p, sizeof(p), DBG_ACCEL "/fastrpc-%s/sessions", d->label);
	f = fopen(p, "re");
	if (!f && errno == ENOENT && minor >= 0) {
		snprintf(p, sizeof(p), DBG_ACCEL "/%d/sessions", minor);
		f = fopen(p, "re");
	}
	if (!f) {
		d->dbg_err = -errno;
		if (d->dbg_err == -EACCES || d->dbg_err == -EPERM)
			note(d, "sessions unknown: debugfs needs root");
		else
			note(d, "sessions unknown: no debugfs file fastrpc-<domain>/sessions");
		return;
	}
	d->dbg_err = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned int v;

		if (sscanf(line, "online %u", &v) == 1) {
			d->online = v;
		} else if (sscanf(line, "sessions %u", &v) == 1) {
			d->sessions = v;
		} else if (sscanf(line, "in_use %u", &v) == 1) {
			d->in_use = v;
		} else if (sscanf(line, "free %u", &v) == 1) {
			d->free = v;
		} else if (!strncmp(line, "cb ", 3) && d->ncbs < MAX_CBS) {
			cb = &d->cbs[d->ncbs++];
			cb->sid = kv_num(line, "cb");
			cb->slots = kv_num(line, "slots");
			cb->busy = kv_num(line, "busy");
			cb->pid = kv_num(line, "pid");
			cb->bytes = kv_num(line, "bytes");
		} else if (!strncmp(line, "client ", 7) &&
			   d->nclients < MAX_CLIENTS) {
			c = &d->clients[d->nclients++];
			memset(c, 0, sizeof(*c));
			c->id = kv_num(line, "client");
			kv(line, "face", c->face, sizeof(c->face));
			kv(line, "pd", c->pd, sizeof(c->pd));
			kv(line, "state", c->state, sizeof(c->state));
			c->privileged = kv_num(line, "privileged") > 0;
			c->pid = kv_num(line, "pid");
			c->cb = kv_num(line, "cb");
			c->slot = kv_num(line, "slot");
			c->calls = kv_num(line, "calls");
			if (!kv(line, "drm_client", p, sizeof(p))) {
				c->drm_client = strtoull(p, NULL, 0);
				c->has_drm_client = 1;
			}
		}
	}
	fclose(f);
	qsort(d->cbs, d->ncbs, sizeof(d->cbs[0]), cb_cmp);
}

/* "123 KiB" of DRM fdinfo, in bytes */
static uint64_t fdinfo_bytes(const char *v)
{
	char *end;
	uint64_t n = strtoull(v, &end, 10);

	while (*end == ' ' || *end == '\t')
		end++;
	if (!strncmp(end, "KiB", 3))
		n <<= 10;
	else if (!strncmp(end, "MiB", 3))
		n <<= 20;
	else if (!strncmp(end, "GiB", 3))
		n <<= 30;
	return n;
}

/* DRM usage stats of an accel file (Documentation/gpu/drm-usage-stats.rst) */
static void read_fdinfo(struct use *u)
{
	char p[PATH_MAX], line[256], *v;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/fdinfo/%d", u->pid, u->fd);
	f = fopen(p, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		v = strchr(line, ':');
		if (!v)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (!strcmp(line, "drm-client-id")) {
			u->drm_client = strtoull(v, NULL, 10);
			u->has_client = 1;
		} else if (!strncmp(line, "drm-total-", 10)) {
			u->total += fdinfo_bytes(v);
			u->has_mem = 1;
		} else if (!strncmp(line, "drm-resident-", 13)) {
			u->resident += fdinfo_bytes(v);
		} else if (!strncmp(line, "drm-engine-", 11) &&
			   strncmp(line, "drm-engine-capacity-", 20)) {
			u->busy_ns += strtoull(v, NULL, 10);
			u->has_busy = 1;
		}
	}
	fclose(f);
}

static const struct node *find_node(dev_t rdev, struct domain **dp)
{
	unsigned int i, j;

	for (i = 0; i < ndomains; i++) {
		for (j = 0; j < domains[i].nnodes; j++) {
			if (domains[i].nodes[j].rdev == rdev) {
				*dp = &domains[i];
				return &domains[i].nodes[j];
			}
		}
	}
	return NULL;
}

/* Every open node of a domain in /proc/<pid>/fd, but for this process's */
static void scan_proc(void)
{
	char p[PATH_MAX];
	struct dirent *pe, *fe;
	DIR *proc, *fds;
	struct stat st;
	struct domain *d;
	const struct node *n;
	struct use *u;
	int pid;

	proc = opendir("/proc");
	if (!proc)
		return;
	while ((pe = readdir(proc))) {
		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		pid = atoi(pe->d_name);
		if (pid == getpid())
			continue;
		snprintf(p, sizeof(p), "/proc/%d/fd", pid);
		fds = opendir(p);
		if (!fds) {
			if (errno == EACCES)
				proc_partial = 1;
			continue;
		}
		while ((fe = readdir(fds))) {
			if (!isdigit((unsigned char)fe->d_name[0]))
				continue;
			snprintf(p, sizeof(p), "/proc/%d/fd/%s", pid,
				 fe->d_name);
			if (stat(p, &st) || !S_ISCHR(st.st_mode))
				continue;
			n = find_node(st.st_rdev, &d);
			if (!n || d->nuses == MAX_USES)
				continue;
			u = &d->uses[d->nuses++];
			memset(u, 0, sizeof(*u));
			u->pid = pid;
			u->fd = atoi(fe->d_name);
			u->node = n;
			if (n->kind == NODE_ACCEL)
				read_fdinfo(u);
		}
		closedir(fds);
	}
	closedir(proc);
}

static void comm_of(int pid, char *buf, size_t len)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	if (pid <= 0 || read_line(p, buf, len))
		snprintf(buf, len, "-");
}

static const struct cb_info *find_cb(const struct domain *d, unsigned int sid)
{
	unsigned int i;

	for (i = 0; i < d->ncbs; i++)
		if (d->cbs[i].sid == sid)
			return &d->cbs[i];
	return NULL;
}

/* The open node of a client: its accel file, or a legacy node of its pid */
static struct use *client_use(struct domain *d, const struct client *c)
{
	unsigned int i;

	for (i = 0; i < d->nuses; i++) {
		struct use *u = &d->uses[i];

		if (u->matched || u->pid != c->pid)
			continue;
		if (c->has_drm_client ? u->has_client &&
		    u->drm_client == c->drm_client :
		    u->node->kind == NODE_LEGACY) {
			u->matched = 1;
			return u;
		}
	}
	return NULL;
}

/* Output */

enum fmt { FMT_TEXT, FMT_JSON, FMT_KEYS };

static enum fmt fmt = FMT_TEXT;

/*
 * The machine-readable forms, JSON or key=value lines, from one walk:
 * out_begin(), objects and arrays opened with out_open() and closed with
 * out_close(), values with out_str() and out_num(), out_end(). A key=value
 * line names its value by the keys of the objects around it, joined with
 * dots; an array's elements are numbered from 0.
 */
#define OUT_DEPTH	8

static struct {
	int depth;
	int first[OUT_DEPTH];
	int array[OUT_DEPTH];
	int index[OUT_DEPTH];
	char key[OUT_DEPTH][40];
} out;

/* The name of the next value of the current level */
static void out_key(const char *key, char *buf, size_t len)
{
	int i = out.depth;

	if (out.array[i])
		snprintf(buf, len, "%d", out.index[i]++);
	else
		snprintf(buf, len, "%s", key);
}

static void out_start(const char *key)
{
	char name[40];
	int i;

	out_key(key, name, sizeof(name));
	if (fmt == FMT_JSON) {
		printf("%s\n%*s", out.first[out.depth] ? "" : ",",
		       2 * out.depth, "");
		if (!out.array[out.depth])
			printf("\"%s\": ", name);
	} else {
		for (i = 1; i <= out.depth; i++)
			printf("%s.", out.key[i]);
		printf("%s=", name);
	}
	out.first[out.depth] = 0;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void out_str(const char *key, const char *val)
{
	out_start(key);
	if (fmt == FMT_JSON)
		json_str(val);
	else
		printf("%s\n", val);
}

static void out_num(const char *key, long long val)
{
	out_start(key);
	printf(fmt == FMT_JSON ? "%lld" : "%lld\n", val);
}

static void out_open(const char *key, int array)
{
	int i = out.depth + 1;

	if (i >= OUT_DEPTH)
		abort();
	out_key(key, out.key[i], sizeof(out.key[i]));
	if (fmt == FMT_JSON) {
		/* out_start() would take a second index */
		printf("%s\n%*s", out.first[out.depth] ? "" : ",",
		       2 * out.depth, "");
		if (!out.array[out.depth])
			printf("\"%s\": ", out.key[i]);
		putchar(array ? '[' : '{');
	}
	out.first[out.depth] = 0;
	out.depth = i;
	out.first[i] = 1;
	out.array[i] = array;
	out.index[i] = 0;
}

static void out_close(void)
{
	int i = out.depth--;

	if (fmt == FMT_JSON) {
		if (!out.first[i])
			printf("\n%*s", 2 * out.depth, "");
		putchar(out.array[i] ? ']' : '}');
	}
}

static void out_begin(void)
{
	memset(&out, 0, sizeof(out));
	out.first[0] = 1;
	if (fmt == FMT_JSON)
		putchar('{');
}

static void out_end(void)
{
	if (fmt == FMT_JSON)
		printf("\n}\n");
}

static const char *node_kind(const struct node *n)
{
	if (n->kind == NODE_ACCEL)
		return n->privileged ? "accel-privileged" : "accel";
	return n->secure ? "legacy-secure" : "legacy";
}

static int caps_known(const struct domain *d)
{
	return !d->attrs_err;
}

/* Online: DEVICE_INFO, else debugfs; -1 unknown */
static int domain_online(const struct domain *d)
{
	if (!d->info_err)
		return !!(d->info.flags & DRM_FASTRPC_DEVICE_ONLINE);
	if (!d->dbg_err)
		return d->online;
	return -1;
}

static void out_machine_domain(struct domain *d)
{
	const struct cb_info *cb;
	char comm[32], arch[16];
	unsigned int i;
	struct use *u;

	out_open(d->label, 0);
	out_str("domain", d->label);
	out_num("domain_id", d->id);
	out_num("online", domain_online(d));
	if (!d->info_err) {
		out_num("secure", !!(d->info.flags & DRM_FASTRPC_DEVICE_SECURE));
		snprintf(arch, sizeof(arch), "%u.%u", d->info.driver_major,
			 d->info.driver_minor);
		out_str("driver_version", arch);
		out_num("protocol_version", d->info.protocol_version);
	}

	out_open("nodes", 1);
	for (i = 0; i < d->nnodes; i++) {
		out_open(NULL, 0);
		out_str("path", d->nodes[i].path);
		out_str("kind", node_kind(&d->nodes[i]));
		out_close();
	}
	out_close();

	out_open("sessions", 0);
	if (!d->dbg_err && d->online) {
		out_num("total", d->sessions);
		out_num("in_use", d->in_use);
		out_num("free", d->free);
		out_open("context_banks", 1);
		for (i = 0; i < d->ncbs; i++) {
			out_open(NULL, 0);
			out_num("sid", d->cbs[i].sid);
			out_num("slots", d->cbs[i].slots);
			out_num("busy", d->cbs[i].busy);
			out_num("pid", d->cbs[i].pid);
			out_num("mapped_bytes", d->cbs[i].bytes);
			out_close();
		}
		out_close();
	} else if (domain_online(d) > 0) {
		out_num("total", d->info.num_sessions);
	}
	out_close();

	if (caps_known(d)) {
		out_open("capabilities", 0);
		for (i = 0; i < ARRAY_SIZE(caps); i++) {
			if (caps[i].fmt == CAP_ARCH) {
				snprintf(arch, sizeof(arch), "v%x",
					 d->attrs[caps[i].id] & 0xff);
				out_str(caps[i].key, arch);
				out_num("arch_version", d->attrs[caps[i].id]);
			} else {
				out_num(caps[i].key, d->attrs[caps[i].id]);
			}
		}
		out_close();
	}

	out_open("processes", 1);
	for (i = 0; i < d->nclients; i++) {
		const struct client *c = &d->clients[i];

		u = client_use(d, c);
		cb = find_cb(d, c->cb);
		comm_of(c->pid, comm, sizeof(comm));
		out_open(NULL, 0);
		out_num("pid", c->pid);
		out_str("command", comm);
		out_str("face", c->face);
		out_str("node", u ? u->node->path : "-");
		out_num("client", c->id);
		out_num("privileged", c->privileged);
		out_str("pd", c->pd);
		out_str("state", c->state);
		out_num("context_bank", c->cb);
		out_num("slot", c->slot);
		out_num("calls", c->calls);
		if (cb && cb->pid == c->pid)
			out_num("dsp_mapped_bytes", cb->bytes);
		if (u && u->has_mem) {
			out_num("gem_total_bytes", u->total);
			out_num("gem_resident_bytes", u->resident);
		}
		if (u && u->has_busy)
			out_num("busy_ns", u->busy_ns);
		out_close();
	}
	/* Open nodes without a session, or all of them without debugfs */
	for (i = 0; i < d->nuses; i++) {
		u = &d->uses[i];
		if (u->matched || (!d->dbg_err && u->node->kind == NODE_LEGACY))
			continue;
		comm_of(u->pid, comm, sizeof(comm));
		out_open(NULL, 0);
		out_num("pid", u->pid);
		out_str("command", comm);
		out_str("face", u->node->kind == NODE_ACCEL ? "accel" : "legacy");
		out_str("node", u->node->path);
		out_str("state", d->dbg_err ? "unknown" : "no-session");
		if (u->has_mem) {
			out_num("gem_total_bytes", u->total);
			out_num("gem_resident_bytes", u->resident);
		}
		if (u->has_busy)
			out_num("busy_ns", u->busy_ns);
		out_close();
	}
	out_close();

	out_open("notes", 1);
	for (i = 0; i < d->nnotes; i++)
		out_str(NULL, d->notes[i]);
	if (proc_partial)
		out_str(NULL, "processes of other users not shown: no permission");
	out_close();
	out_close();
}

static void out_machine(void)
{
	unsigned int i;

	out_begin();
	out_open("domains", 0);
	for (i = 0; i < ndomains; i++)
		out_machine_domain(&domains[i]);
	out_close();
	out_end();
}

/* "2.0 MiB" */
static const char *human(uint64_t n, char *buf, size_t len)
{
	static const char * const units[] = { "B", "KiB", "MiB", "GiB" };
	unsigned int u = 0;
	double v = n;

	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (!u || v >= 100 || v == (uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

static void text_caps(const struct domain *d)
{
	char buf[32];
	unsigned int i;
	uint32_t v;

	if (d->attrs_err) {
		printf("  %-13s%s\n", "capabilities",
		       d->attrs_err == -ENODEV ? "unknown (offline)" :
		       "unknown");
		return;
	}
	printf("  capabilities\n");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		v = d->attrs[caps[i].id];
		switch (caps[i].fmt) {
		case CAP_BOOL:
			snprintf(buf, sizeof(buf), "%s", v ? "yes" : "no");
			break;
		case CAP_NUM:
			snprintf(buf, sizeof(buf), "%u", v);
			break;
		case CAP_BYTES:
			human(v, buf, sizeof(buf));
			break;
		case CAP_ARCH:
			snprintf(buf, sizeof(buf), "v%x (%#x)", v & 0xff, v);
			break;
		}
		printf("    %-26s%s\n", caps[i].name, buf);
	}
}

static void text_process(const char *pid, const char *comm, const char *face,
			 const char *node, const char *pd, const char *state,
			 const char *cb, const char *mapped, const char *gem)
{
	printf("    %-7s %-15.15s %-6s %-24s %-7s %-10s %-3s %-10s %s\n",
	       pid, comm, face, node, pd, state, cb, mapped, gem);
}

static void text_domain(struct domain *d)
{
	char pid[16], comm[32], cbs[16], mapped[16], gem[16];
	const struct cb_info *cb;
	unsigned int i, nrows = 0;
	int online = domain_online(d);
	struct use *u;

	printf("%s", d->label);
	if (d->id >= 0)
		printf(" (domain %d)", d->id);
	printf(": %s", online < 0 ? "state unknown" :
	       online ? "online" : "offline");
	if (!d->info_err)
		printf(", %s", d->info.flags & DRM_FASTRPC_DEVICE_SECURE ?
		       "secure" : "non-secure");
	putchar('\n');

	for (i = 0; i < d->nnodes; i++)
		printf("  %-13s%-28s%s\n", i ? "" : "nodes", d->nodes[i].path,
		       node_kind(&d->nodes[i]));

	if (!d->dbg_err && d->online) {
		printf("  %-13s%u total, %u in use, %u free\n", "sessions",
		       d->sessions, d->in_use, d->free);
		for (i = 0; i < d->ncbs; i++) {
			cb = &d->cbs[i];
			printf("  %-13scontext bank %u: %u/%u in use", "",
			       cb->sid, cb->busy, cb->slots);
			if (cb->busy)
				printf(", pid %d, %s mapped", cb->pid,
				       human(cb->bytes, mapped, sizeof(mapped)));
			putchar('\n');
		}
	} else if (!d->info_err && online > 0) {
		printf("  %-13s%u total, use unknown\n", "sessions",
		       d->info.num_sessions);
	} else if (online == 0) {
		printf("  %-13snone (offline)\n", "sessions");
	} else {
		printf("  %-13sunknown\n", "sessions");
	}

	text_caps(d);

	printf("  processes\n");
	text_process("PID", "COMMAND", "FACE", "NODE", "PD", "STATE", "CB",
		     "DSP-MAPPED", "GEM");
	for (i = 0; i < d->nclients; i++) {
		const struct client *c = &d->clients[i];

		u = client_use(d, c);
		cb = find_cb(d, c->cb);
		snprintf(pid, sizeof(pid), "%d", c->pid);
		comm_of(c->pid, comm, sizeof(comm));
		snprintf(cbs, sizeof(cbs), "%u", c->cb);
		if (cb && cb->pid == c->pid)
			human(cb->bytes, mapped, sizeof(mapped));
		else
			snprintf(mapped, sizeof(mapped), "-");
		if (u && u->has_mem)
			human(u->total, gem, sizeof(gem));
		else
			snprintf(gem, sizeof(gem), "-");
		text_process(pid, comm, c->face, u ? u->node->path : "-",
			     c->pd, c->state, cbs, mapped, gem);
		nrows++;
	}
	for (i = 0; i < d->nuses; i++) {
		u = &d->uses[i];
		if (u->matched || (!d->dbg_err && u->node->kind == NODE_LEGACY))
			continue;
		snprintf(pid, sizeof(pid), "%d", u->pid);
		comm_of(u->pid, comm, sizeof(comm));
		if (u->has_mem)
			human(u->total, gem, sizeof(gem));
		else
			snprintf(gem, sizeof(gem), "-");
		text_process(pid, comm,
			     u->node->kind == NODE_ACCEL ? "accel" : "legacy",
			     u->node->path, "-",
			     d->dbg_err ? "?" : "no-session", "-", "-", gem);
		nrows++;
	}
	if (!nrows)
		printf("    none\n");
	for (i = 0; i < d->nnotes; i++)
		printf("  note: %s\n", d->notes[i]);
	if (proc_partial)
		printf("  note: processes of other users not shown: no permission\n");
}

static void text_out(void)
{
	unsigned int i;

	for (i = 0; i < ndomains; i++) {
		if (!domains[i].info_err) {
			printf("FastRPC driver %u.%u, DSP protocol %u\n\n",
			       domains[i].info.driver_major,
			       domains[i].info.driver_minor,
			       domains[i].info.protocol_version);
			break;
		}
	}
	for (i = 0; i < ndomains; i++) {
		if (i)
			putchar('\n');
		text_domain(&domains[i]);
	}
}

static const char *prog = "fastrpc_info";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j | -k] [-d DOMAIN]\n"
		"List the FastRPC DSP domains: device nodes, state, capabilities,\n"
		"sessions and the processes using them.\n"
		"  -j, --json          JSON output\n"
		"  -k, --keys          key=value lines\n"
		"  -d, --domain NAME   only this domain (adsp, cdsp, ...)\n"
		"  -h, --help          this text\n"
		"Sessions and the processes of other users need root (debugfs).\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "keys", no_argument, NULL, 'k' },
		{ "domain", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL;
	unsigned int i, j;
	int c;

	while ((c = getopt_long(argc, argv, "jkd:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			fmt = FMT_JSON;
			break;
		case 'k':
			fmt = FMT_KEYS;
			break;
		case 'd':
			only = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fastrpc_info: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}

	scan_accel();
	scan_legacy();
	if (only) {
		for (i = 0, j = 0; i < ndomains; i++)
			if (!strcmp(domains[i].label, only))
				domains[j++] = domains[i];
		ndomains = j;
	}
	if (!ndomains) {
		fprintf(stderr, only ?
			"fastrpc_info: no FastRPC domain '%s'\n" :
			"fastrpc_info: no FastRPC device (is fastrpc_accel loaded?)%s\n",
			only ? only : "");
		return 1;
	}
	qsort(domains, ndomains, sizeof(domains[0]), domain_cmp);
	for (i = 0; i < ndomains; i++) {
		qsort(domains[i].nodes, domains[i].nnodes,
		      sizeof(domains[i].nodes[0]), node_cmp);
		query_domain(&domains[i]);
	}
	/* After the queries, which may borrow a session for a moment */
	for (i = 0; i < ndomains; i++)
		read_sessions(&domains[i]);
	scan_proc();

	if (fmt == FMT_TEXT)
		text_out();
	else
		out_machine();
	return 0;
}
