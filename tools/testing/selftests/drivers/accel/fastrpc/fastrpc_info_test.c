// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc-info (tools/accel/fastrpc/fastrpc_info.c) against the real state
 * of the VM's simulated DSPs: cdsp0 (cdsp, 3 sessions) and adsp0 (adsp, 2
 * sessions) of harness/init.sh. Processes that hold a session on either
 * face show up with their pid and memory and go with their exit, the
 * session counts follow, a stopped instance shows offline, the
 * capabilities are the simulator's table (Documentation/accel/fastrpc/
 * sim.rst, "DSP utilities"), and what a non-root user or a machine without
 * the driver gets. The tool runs as /tests/bin/fastrpc_info (or
 * $FASTRPC_INFO); its key=value output (-k) is what is checked, the text
 * and JSON forms are checked for the same facts.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define INFO_BIN	"/tests/bin/fastrpc_info"
#define OUT_MAX		(256 * 1024)
#define NOBODY		65534
#define INIT_MEM	(2 * 1024 * 1024u)	/* init memory of a dynamic PD */
#define GEM_SIZE	(1024 * 1024u)

static char out[OUT_MAX], err[8192];

static const char *info_bin(void)
{
	const char *p = getenv("FASTRPC_INFO");

	return p && *p ? p : INFO_BIN;
}

/* Read all of @fd into @buf, NUL terminated */
static void slurp(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = '\0';
}

/* Hide the driver's nodes from sysfs in a mount namespace of the child */
static int hide_devices(void)
{
	static const char * const dirs[] = {
		"/sys/class/accel", "/sys/class/misc",
	};
	unsigned int i;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	for (i = 0; i < 2; i++) {
		if (access(dirs[i], F_OK))
			continue;
		if (mount("none", dirs[i], "tmpfs", 0, NULL) &&
		    mount("none", dirs[i], "ramfs", 0, NULL))
			return -1;
	}
	return 0;
}

/*
 * Run the tool with @args (NULL terminated), as @uid (-1: as is), with the
 * devices hidden when @hide: its exit status, or -1. @out and @err get its
 * output.
 */
static int run_info(const char *const *args, int uid, int hide)
{
	const char *argv[16] = { "fastrpc_info" };
	int po[2], pe[2], status, i;
	pid_t pid;

	for (i = 0; args && args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (hide && hide_devices())
			_exit(126);
		if (uid >= 0 && (setgroups(0, NULL) || setgid(uid) ||
				 setuid(uid)))
			_exit(126);
		execv(info_bin(), (char **)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	slurp(po[0], out, sizeof(out));
	slurp(pe[0], err, sizeof(err));
	close(po[0]);
	close(pe[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int run_keys(void)
{
	static const char * const args[] = { "-k", NULL };

	return run_info(args, -1, 0);
}

/* The value of "@key=" in @out (key=value lines), or NULL */
static const char *get(const char *key, char *val, size_t len)
{
	size_t k = strlen(key);
	const char *p = out;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, k) && p[k] == '=') {
			p += k + 1;
			k = strcspn(p, "\n");
			if (k >= len)
				k = len - 1;
			memcpy(val, p, k);
			val[k] = '\0';
			return val;
		}
	}
	return NULL;
}

static long long get_num(const char *fmt, ...)
{
	char key[256], val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return get(key, val, sizeof(val)) ? strtoll(val, NULL, 0) : -1;
}

static int is(const char *want, const char *fmt, ...)
{
	char key[256], val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return get(key, val, sizeof(val)) && !strcmp(val, want);
}

/* Index of @pid among the processes of @dom, or -1 */
static int find_pid(const char *dom, pid_t pid)
{
	char key[128], val[16];
	int i;

	for (i = 0; ; i++) {
		snprintf(key, sizeof(key), "domains.%s.processes.%d.face", dom,
			 i);
		if (!get(key, val, sizeof(val)))
			return -1;
		if (get_num("domains.%s.processes.%d.pid", dom, i) == pid)
			return i;
	}
}

/* Does a node of @kind at @path belong to @dom? */
static int has_node(const char *dom, const char *path, const char *kind)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (is(path, "domains.%s.nodes.%d.path", dom, i))
			return is(kind, "domains.%s.nodes.%d.kind", dom, i);
	}
	return 0;
}

/*
 * A process holding a session: on the accel face (a dynamic PD and a GEM
 * object of GEM_SIZE) or the legacy face (/dev/fastrpc-cdsp, a dynamic PD),
 * as @uid (-1: as is). Returns its pid once it holds it; killed by
 * stop_holder().
 */
static pid_t start_holder_as(int legacy, int uid)
{
	int ready[2], hold[2], fd, ret;
	uint32_t simtest, handle;
	pid_t pid;
	char c;

	if (pipe(ready) || pipe(hold))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(ready[0]);
		close(hold[1]);
		/*
		 * Dumpable again after the change of uid, as a program the
		 * user started is: its /proc/<pid>/fd is the user's
		 */
		if (uid >= 0 && (setgroups(0, NULL) || setgid(uid) ||
				 setuid(uid) || prctl(PR_SET_DUMPABLE, 1)))
			_exit(1);
		if (legacy) {
			fd = frpc_legacy_open_simtest("/dev/fastrpc-cdsp",
						      &simtest);
			ret = fd < 0 ? fd : 0;
		} else {
			fd = frpc_open_simtest("cdsp", &simtest);
			ret = fd < 0 ? fd : frpc_gem_create(fd, GEM_SIZE,
							    &handle);
		}
		c = ret ? 'E' : 'R';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Until the parent goes or kills us */
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (read(ready[0], &c, 1) != 1 || c != 'R') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(ready[0]);
	/* hold[1] stays open in the parent until it exits */
	return pid;
}

static pid_t start_holder(int legacy)
{
	return start_holder_as(legacy, -1);
}

static void stop_holder(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int cdsp_in_use(void)
{
	if (run_keys())
		return -1;
	return get_num("domains.cdsp.sessions.in_use");
}

TEST(bad_option)
{
	static const char * const args[] = { "--no-such-option", NULL };

	ASSERT_EQ(2, run_info(args, -1, 0));
	EXPECT_STREQ("", out);
	EXPECT_NE(NULL, strstr(err, "Usage:"));
}

TEST(extra_argument)
{
	static const char * const args[] = { "-k", "cdsp", NULL };

	EXPECT_EQ(2, run_info(args, -1, 0));
	EXPECT_NE(NULL, strstr(err, "unexpected argument"));
}

TEST(no_devices)
{
	ASSERT_EQ(1, run_info(NULL, -1, 1)) TH_LOG("stderr: %s", err);
	EXPECT_STREQ("", out);
	EXPECT_NE(NULL, strstr(err, "no FastRPC device"));
}

TEST(unknown_domain)
{
	static const char * const args[] = { "-d", "nosuch", NULL };

	EXPECT_EQ(1, run_info(args, -1, 0));
	EXPECT_NE(NULL, strstr(err, "no FastRPC domain 'nosuch'"));
}

TEST(domain_filter)
{
	static const char * const args[] = { "-k", "-d", "adsp", NULL };

	ASSERT_EQ(0, run_info(args, -1, 0));
	EXPECT_TRUE(is("adsp", "domains.adsp.domain"));
	EXPECT_EQ(NULL, strstr(out, "domains.cdsp."));
}

TEST(domains_and_nodes)
{
	ASSERT_EQ(0, run_keys()) TH_LOG("stderr: %s", err);

	EXPECT_EQ(3, get_num("domains.cdsp.domain_id"));
	EXPECT_EQ(1, get_num("domains.cdsp.online"));
	EXPECT_EQ(0, get_num("domains.cdsp.secure"));
	EXPECT_EQ(3, get_num("domains.cdsp.sessions.total"));
	EXPECT_EQ(3, get_num("domains.cdsp.sessions.in_use") +
		     get_num("domains.cdsp.sessions.free"));
	EXPECT_TRUE(has_node("cdsp", "/dev/fastrpc-cdsp", "legacy"));
	EXPECT_TRUE(has_node("cdsp", "/dev/fastrpc-cdsp-secure",
			     "legacy-secure"));
	EXPECT_TRUE(is("accel", "domains.cdsp.nodes.0.kind"));
	EXPECT_TRUE(is("accel-privileged", "domains.cdsp.nodes.1.kind"));

	EXPECT_EQ(0, get_num("domains.adsp.domain_id"));
	EXPECT_EQ(1, get_num("domains.adsp.online"));
	EXPECT_EQ(2, get_num("domains.adsp.sessions.total"));
	EXPECT_EQ(2, get_num("domains.adsp.sessions.in_use") +
		     get_num("domains.adsp.sessions.free"));
	EXPECT_TRUE(has_node("adsp", "/dev/fastrpc-adsp", "legacy"));
	EXPECT_TRUE(is("accel", "domains.adsp.nodes.0.kind"));
	EXPECT_TRUE(is("accel-privileged", "domains.adsp.nodes.1.kind"));

	/* The context banks of the simulator: one session each */
	EXPECT_EQ(1, get_num("domains.cdsp.sessions.context_banks.2.slots"));
	EXPECT_EQ(-1, get_num("domains.cdsp.sessions.context_banks.3.slots"));
	EXPECT_EQ(-1, get_num("domains.adsp.sessions.context_banks.2.slots"));
}

/* sim.rst, "DSP utilities (2)": the simulator's capability table */
TEST(capabilities)
{
	static const char * const doms[] = { "cdsp", "adsp" };
	unsigned int i;

	ASSERT_EQ(0, run_keys());
	for (i = 0; i < 2; i++) {
		const char *d = doms[i];

		EXPECT_EQ(1, get_num("domains.%s.capabilities.unsigned_pd", d));
		EXPECT_EQ(0, get_num("domains.%s.capabilities.hvx_64b", d));
		EXPECT_EQ(4, get_num("domains.%s.capabilities.hvx_128b", d));
		EXPECT_EQ(0x40000,
			  get_num("domains.%s.capabilities.vtcm_page", d));
		EXPECT_EQ(1, get_num("domains.%s.capabilities.vtcm_count", d));
		EXPECT_TRUE(is("v73", "domains.%s.capabilities.arch", d));
		EXPECT_EQ(0x73,
			  get_num("domains.%s.capabilities.arch_version", d));
		EXPECT_EQ(0, get_num("domains.%s.capabilities.hmx_depth", d));
		EXPECT_EQ(0,
			  get_num("domains.%s.capabilities.async_fastrpc", d));
	}
}

/* Index of the context bank of @dom whose slots @pid uses, or -1 */
static int find_cb_of(const char *dom, pid_t pid)
{
	int i;

	for (i = 0; get_num("domains.%s.sessions.context_banks.%d.sid", dom,
			    i) >= 0; i++) {
		if (get_num("domains.%s.sessions.context_banks.%d.pid", dom,
			    i) == pid)
			return i;
	}
	return -1;
}

static void check_process(struct __test_metadata *_metadata, pid_t pid,
			  int legacy)
{
	int i = find_pid("cdsp", pid);
	char accel[PATH_MAX];
	long long gem;
	int cb;

	ASSERT_LE(0, i) TH_LOG("pid %d not listed:\n%s", pid, out);
	EXPECT_TRUE(is(legacy ? "legacy" : "accel",
		       "domains.cdsp.processes.%d.face", i));
	/* The ordinary accel node, which frpc_open_simtest() opens */
	ASSERT_NE(NULL, get("domains.cdsp.nodes.0.path", accel,
			    sizeof(accel)));
	EXPECT_TRUE(is(legacy ? "/dev/fastrpc-cdsp" : accel,
		       "domains.cdsp.processes.%d.node", i));
	EXPECT_TRUE(is("user", "domains.cdsp.processes.%d.pd", i));
	EXPECT_TRUE(is("running", "domains.cdsp.processes.%d.state", i));
	EXPECT_TRUE(is("fastrpc_info_te", "domains.cdsp.processes.%d.command",
		       i));
	EXPECT_LE(INIT_MEM,
		  get_num("domains.cdsp.processes.%d.dsp_mapped_bytes", i));
	cb = find_cb_of("cdsp", pid);
	ASSERT_LE(0, cb) TH_LOG("no context bank of pid %d:\n%s", pid, out);
	EXPECT_EQ(1, get_num("domains.cdsp.sessions.context_banks.%d.busy",
			     cb));
	EXPECT_LE(INIT_MEM,
		  get_num("domains.cdsp.sessions.context_banks.%d.mapped_bytes",
			  cb));
	EXPECT_EQ(get_num("domains.cdsp.sessions.context_banks.%d.sid", cb),
		  get_num("domains.cdsp.processes.%d.context_bank", i));
	gem = get_num("domains.cdsp.processes.%d.gem_total_bytes", i);
	/* Only accel files have DRM fdinfo */
	EXPECT_TRUE(legacy ? gem == -1 : gem >= GEM_SIZE) TH_LOG("gem %lld", gem);
}

static void face_test(struct __test_metadata *_metadata, int legacy)
{
	int base = cdsp_in_use();
	pid_t pid;

	ASSERT_LE(0, base) TH_LOG("%s", err);
	ASSERT_GT(3, base);
	pid = start_holder(legacy);
	ASSERT_LT(0, pid);

	EXPECT_EQ(0, run_keys());
	EXPECT_EQ(base + 1, get_num("domains.cdsp.sessions.in_use"));
	EXPECT_EQ(3 - base - 1, get_num("domains.cdsp.sessions.free"));
	check_process(_metadata, pid, legacy);
	stop_holder(pid);

	EXPECT_EQ(0, run_keys());
	EXPECT_EQ(base, get_num("domains.cdsp.sessions.in_use"));
	EXPECT_EQ(3 - base, get_num("domains.cdsp.sessions.free"));
	EXPECT_EQ(-1, find_pid("cdsp", pid));
	EXPECT_EQ(-1, find_cb_of("cdsp", pid));
}

TEST(accel_process)
{
	face_test(_metadata, 0);
}

TEST(legacy_process)
{
	face_test(_metadata, 1);
}

/* Both faces at once, in the text and JSON forms */
TEST(text_and_json)
{
	static const char * const json[] = { "--json", NULL };
	pid_t a, l;
	char line[64];
	int base = cdsp_in_use(), depth = 0;
	const char *p;

	ASSERT_LE(0, base);
	ASSERT_GT(2, base);
	a = start_holder(0);
	ASSERT_LT(0, a);
	l = start_holder(1);
	ASSERT_LT(0, l);

	ASSERT_EQ(0, run_info(NULL, -1, 0));
	EXPECT_NE(NULL, strstr(out, "cdsp (domain 3): online, non-secure"));
	EXPECT_NE(NULL, strstr(out, "adsp (domain 0): online"));
	snprintf(line, sizeof(line), "3 total, %d in use, %d free", base + 2,
		 1 - base);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s", out);
	snprintf(line, sizeof(line), "\n    %-7d fastrpc_info_te accel ", a);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s", out);
	snprintf(line, sizeof(line), "\n    %-7d fastrpc_info_te legacy", l);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "architecture              v73"));

	ASSERT_EQ(0, run_info(json, -1, 0));
	EXPECT_EQ('{', out[0]);
	for (p = out; *p; p++) {
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		if (depth < 0)
			break;
	}
	EXPECT_EQ(0, depth);
	EXPECT_NE(NULL, strstr(out, "\"domains\": {"));
	EXPECT_NE(NULL, strstr(out, "\"in_use\": "));
	snprintf(line, sizeof(line), "\"pid\": %d,", a);
	EXPECT_NE(NULL, strstr(out, line));
	snprintf(line, sizeof(line), "\"pid\": %d,", l);
	EXPECT_NE(NULL, strstr(out, line));
	EXPECT_NE(NULL, strstr(out, "\"arch\": \"v73\""));

	stop_holder(a);
	stop_holder(l);
}

/*
 * A user without access to debugfs and to the nodes: what sysfs gives,
 * and notes saying what is missing.
 */
TEST(non_root)
{
	pid_t pid = start_holder(0);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, run_info((const char *const []){ "-k", NULL }, NOBODY,
			      0)) TH_LOG("%s", err);
	EXPECT_TRUE(is("cdsp", "domains.cdsp.domain"));
	EXPECT_TRUE(is("adsp", "domains.adsp.domain"));
	EXPECT_TRUE(has_node("cdsp", "/dev/fastrpc-cdsp", "legacy"));
	EXPECT_TRUE(is("accel-privileged", "domains.cdsp.nodes.1.kind"));
	/* Sessions only through debugfs; root's processes are not shown */
	EXPECT_EQ(-1, get_num("domains.cdsp.sessions.in_use"));
	EXPECT_EQ(-1, find_pid("cdsp", pid));
	EXPECT_NE(NULL, strstr(out, "debugfs needs root")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "processes of other users not shown"));

	ASSERT_EQ(0, run_info(NULL, NOBODY, 0));
	EXPECT_NE(NULL, strstr(out, "note: sessions unknown"));
	stop_holder(pid);
}

/*
 * A user who may open the domain's ordinary accel node (the fastrpc group
 * of 70-fastrpc.rules), here by the node's mode for the test's length:
 * state and capabilities from the node, and the user's own processes with
 * their memory from their fdinfo, but no sessions.
 */
TEST(non_root_with_node)
{
	char node[PATH_MAX];
	struct stat st;
	pid_t mine;
	int i, ret;

	ASSERT_EQ(0, run_keys());
	ASSERT_NE(NULL, get("domains.cdsp.nodes.0.path", node, sizeof(node)));
	ASSERT_EQ(0, stat(node, &st));
	ASSERT_EQ(0, chmod(node, (st.st_mode & 07777) | 0006));
	mine = start_holder_as(0, NOBODY);
	ret = run_info((const char *const []){ "-k", NULL }, NOBODY, 0);
	chmod(node, st.st_mode & 07777);
	ASSERT_LT(0, mine);
	ASSERT_EQ(0, ret) TH_LOG("%s", err);

	EXPECT_EQ(1, get_num("domains.cdsp.online"));
	EXPECT_EQ(3, get_num("domains.cdsp.sessions.total"));
	EXPECT_EQ(-1, get_num("domains.cdsp.sessions.in_use"));
	EXPECT_EQ(4, get_num("domains.cdsp.capabilities.hvx_128b"));
	EXPECT_TRUE(is("v73", "domains.cdsp.capabilities.arch"));
	/* adsp's nodes are still closed to the user */
	EXPECT_EQ(-1, get_num("domains.adsp.online"));
	i = find_pid("cdsp", mine);
	ASSERT_LE(0, i) TH_LOG("%s", out);
	EXPECT_TRUE(is("accel", "domains.cdsp.processes.%d.face", i));
	EXPECT_TRUE(is(node, "domains.cdsp.processes.%d.node", i));
	EXPECT_TRUE(is("unknown", "domains.cdsp.processes.%d.state", i));
	EXPECT_LE(GEM_SIZE,
		  get_num("domains.cdsp.processes.%d.gem_total_bytes", i));
	stop_holder(mine);
}

/* A stopped instance: offline, no capabilities; back when restarted */
TEST(offline_domain)
{
	int fd;

	ASSERT_EQ(0, frpc_sim_live("adsp0", 0));
	EXPECT_EQ(0, run_keys());
	EXPECT_EQ(0, get_num("domains.adsp.online"));
	EXPECT_EQ(-1, get_num("domains.adsp.capabilities.unsigned_pd"));
	EXPECT_EQ(-1, get_num("domains.adsp.sessions.total"));
	EXPECT_EQ(1, get_num("domains.cdsp.online"));
	EXPECT_EQ(0, run_info(NULL, -1, 0));
	EXPECT_NE(NULL, strstr(out, "adsp (domain 0): offline"));
	EXPECT_NE(NULL, strstr(out, "none (offline)"));

	ASSERT_EQ(0, frpc_sim_live("adsp0", 1));
	fd = frpc_open_online("adsp", 0);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, run_keys());
	EXPECT_EQ(1, get_num("domains.adsp.online"));
	EXPECT_EQ(2, get_num("domains.adsp.sessions.total"));
	EXPECT_EQ(1, get_num("domains.adsp.capabilities.unsigned_pd"));
}

TEST_HARNESS_MAIN
