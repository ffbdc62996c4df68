// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may reach which DSP process (Documentation/accel/fastrpc/
 * privilege.rst): the node a file was opened on decides what it may do,
 * and the udev rules the project ships decide who may open which node.
 *
 * There is no udev in the test VM: the fixture applies the shipped rules
 * (/etc/udev/rules.d/70-fastrpc.rules, a subset of the udev syntax: the
 * SUBSYSTEM, KERNEL and KERNELS matches, GROUP and MODE) to the device
 * nodes, then each case runs as root, as a uid in the "fastrpc" group and
 * as a uid outside it, on both faces.
 *
 * Expects the harness's instances (cdsp0 on "cdsp", adsp0 on "adsp", both
 * non-secure channels) and creates a secure one of its own ("priv0" on
 * "gdsp0").
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <misc/fastrpc.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"
#include "../../../../../accel/fastrpc/fastrpc_listener.h"

#define RULES		"/etc/udev/rules.d/70-fastrpc.rules"
#define GROUP_FILE	"/etc/group"
#define SIM_CFG		"/sys/kernel/config/fastrpc-sim"
#define SEC_INST	"priv0"
#define SEC_LABEL	"gdsp0"
#define MEMBER_UID	4243
#define OUTSIDER_UID	4244

#define DSP_EUNSUPPORTED ((int)(0x80000400u + 0x14))

/* ------------------------------------------------------------------ */
/* The udev rules, applied by hand                                     */
/* ------------------------------------------------------------------ */

struct rule {
	char subsystem[32], kernel[64], kernels[64], group[32];
	int mode;			/* -1: not set */
};

#define MAX_RULES 32

/* The value of key@op"value" in @line, or 0 when the key is not there */
static int rule_key(const char *line, const char *key, const char *op,
		    char *val, size_t len)
{
	char pat[48];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "%s%s\"", key, op);
	for (p = strstr(line, pat); p; p = strstr(p + 1, pat)) {
		/* A whole key: KERNEL== is not the tail of KERNELS== */
		if (p == line || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t')
			break;
	}
	if (!p)
		return 0;
	p += strlen(pat);
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= len)
		return -EINVAL;
	memcpy(val, p, e - p);
	val[e - p] = 0;
	return 1;
}

static int parse_rules(struct rule *rules, int max)
{
	char line[1024], part[512], mode[16];
	FILE *f = fopen(RULES, "re");
	int n = 0;

	if (!f)
		return -errno;
	line[0] = 0;
	while (fgets(part, sizeof(part), f)) {
		size_t l = strcspn(part, "\n");
		struct rule *r;

		part[l] = 0;
		/* Continuation lines */
		if (l && part[l - 1] == '\\') {
			part[l - 1] = 0;
			strncat(line, part, sizeof(line) - strlen(line) - 1);
			continue;
		}
		strncat(line, part, sizeof(line) - strlen(line) - 1);
		if (line[strspn(line, " \t")] == '#' || !line[0] || n == max) {
			line[0] = 0;
			continue;
		}
		r = &rules[n];
		memset(r, 0, sizeof(*r));
		r->mode = -1;
		if (rule_key(line, "SUBSYSTEM", "==", r->subsystem,
			     sizeof(r->subsystem)) < 0 ||
		    rule_key(line, "KERNEL", "==", r->kernel,
			     sizeof(r->kernel)) < 0 ||
		    rule_key(line, "KERNELS", "==", r->kernels,
			     sizeof(r->kernels)) < 0 ||
		    rule_key(line, "GROUP", "=", r->group,
			     sizeof(r->group)) < 0) {
			fclose(f);
			return -EINVAL;
		}
		if (rule_key(line, "MODE", "=", mode, sizeof(mode)) == 1)
			r->mode = strtol(mode, NULL, 8);
		n++;
		line[0] = 0;
	}
	fclose(f);
	return n;
}

static int group_id(const char *name)
{
	char line[256];
	FILE *f;
	int gid = -ENOENT;

	if (!strcmp(name, "root"))
		return 0;
	f = fopen(GROUP_FILE, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *save, *g = strtok_r(line, ":", &save);

		if (g && !strcmp(g, name)) {
			strtok_r(NULL, ":", &save);
			gid = atoi(strtok_r(NULL, ":", &save));
			break;
		}
	}
	fclose(f);
	return gid;
}

/* Does a KERNELS== glob match the device or one of its parents? */
static int kernels_match(const char *devpath, const char *glob)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", devpath);
	while (strlen(p) > strlen("/sys/devices")) {
		if (!fnmatch(glob, basename(p), 0))
			return 1;
		*strrchr(p, '/') = 0;
	}
	return 0;
}

/* Apply @rules to every device of @subsystem; returns 0 or -errno */
static int apply_class(const char *subsystem, const struct rule *rules,
		       int n)
{
	char cls[64], ev[PATH_MAX], line[256], devpath[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int ret = 0;

	snprintf(cls, sizeof(cls), "/sys/class/%s", subsystem);
	dir = opendir(cls);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		char devnode[PATH_MAX] = "";
		int gid = -1, mode = -1, i;
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(ev, sizeof(ev), "%s/%s", cls, d->d_name);
		if (!realpath(ev, devpath))
			continue;
		strncat(ev, "/uevent", sizeof(ev) - strlen(ev) - 1);
		f = fopen(ev, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "DEVNAME=", 8))
				snprintf(devnode, sizeof(devnode), "/dev/%.*s",
					 (int)strcspn(line + 8, "\n"),
					 line + 8);
		fclose(f);
		if (!devnode[0])
			continue;
		for (i = 0; i < n; i++) {
			const struct rule *r = &rules[i];

			if (strcmp(r->subsystem, subsystem) ||
			    (r->kernel[0] && fnmatch(r->kernel, d->d_name, 0)) ||
			    (r->kernels[0] && !kernels_match(devpath, r->kernels)))
				continue;
			if (r->group[0])
				gid = group_id(r->group);
			if (r->mode >= 0)
				mode = r->mode;
		}
		if (gid < -1 || (gid >= 0 && chown(devnode, 0, gid)) ||
		    (mode >= 0 && chmod(devnode, mode)))
			ret = gid < -1 ? gid : -errno;
	}
	closedir(dir);
	return ret;
}

static int apply_rules(void)
{
	static const char *const classes[] = { "misc", "accel", "dma_heap" };
	struct rule rules[MAX_RULES];
	int n = parse_rules(rules, MAX_RULES), i, ret;

	if (n <= 0)
		return n ? n : -ENOENT;
	for (i = 0; i < (int)ARRAY_SIZE(classes); i++) {
		ret = apply_class(classes[i], rules, n);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The identities                                                      */
/* ------------------------------------------------------------------ */

FIXTURE(as) {
	int gid;		/* of the "fastrpc" group */
};

FIXTURE_VARIANT(as) {
	uid_t uid;
	int member;		/* in the "fastrpc" group */
};

FIXTURE_VARIANT_ADD(as, root) { .uid = 0, .member = 0 };
FIXTURE_VARIANT_ADD(as, member) { .uid = MEMBER_UID, .member = 1 };
FIXTURE_VARIANT_ADD(as, outsider) { .uid = OUTSIDER_UID, .member = 0 };

FIXTURE_SETUP(as)
{
	gid_t groups[1];
	int ret;

	if (access(RULES, R_OK))
		SKIP(return, "no %s", RULES);
	self->gid = group_id("fastrpc");
	ASSERT_LE(0, self->gid) TH_LOG("no fastrpc group in " GROUP_FILE);
	ret = apply_rules();
	ASSERT_EQ(0, ret) TH_LOG("applying %s: %s", RULES, strerror(-ret));
	if (!variant->uid)
		return;
	/* This process only: the harness forks each case */
	groups[0] = self->gid;
	ASSERT_EQ(0, setgroups(variant->member, groups));
	ASSERT_EQ(0, setresgid(variant->uid, variant->uid, variant->uid));
	ASSERT_EQ(0, setresuid(variant->uid, variant->uid, variant->uid));
}

FIXTURE_TEARDOWN(as)
{
}

/* What the rules let each identity open */
enum node_kind { ORDINARY, PRIVILEGED, DMA_HEAP };

static int may_open(const FIXTURE_VARIANT(as) *v, enum node_kind k)
{
	if (!v->uid)
		return 1;
	return v->member && k != PRIVILEGED;
}

/* open() of a legacy node: the fd, or -errno */
static int open_node(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* A legacy ioctl: 0, -errno, or the DSP's result the old UAPI returns */
static int lioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret == -1 ? -errno : ret;
}

static int legacy_create_unsigned(int fd)
{
	struct fastrpc_init_create init = {
		.attrs = FASTRPC_MODE_UNSIGNED_MODULE,
	};

	return lioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init);
}

static int legacy_create_static(int fd)
{
	static const char name[] = "audiopd";
	struct fastrpc_init_create_static init = {
		.namelen = sizeof(name), .memlen = 1024 * 1024,
		.name = (uintptr_t)name,
	};

	return lioctl(fd, FASTRPC_IOCTL_INIT_CREATE_STATIC, &init);
}

/* remotectl1 open1 of simtest through either face: 0 when it opened */
static int face_open_simtest(int fd, enum frpc_face face)
{
	static char uri[] = FRPC_SIMTEST_URI;
	uint32_t in0[2] = { sizeof(uri), 64 }, st = 1;
	int32_t out0[2] = { -1, -1 };
	char err[64];
	struct frpc_buf b[4] = {
		{ in0, sizeof(in0) }, { uri, sizeof(uri) },
		{ out0, sizeof(out0) }, { err, sizeof(err) },
	};
	int ret;

	ret = frpc_face_invoke(fd, face, FRPC_HANDLE_REMOTECTL1,
			       FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2), b, &st);
	if (ret)
		return ret;
	return st || out0[1] ? -EIO : 0;
}

/* The accel devices of "cdsp" */

TEST_F(as, accel_ordinary)
{
	struct drm_fastrpc_device_info info;
	uint64_t dsp_addr;
	uint32_t simtest;
	int fd;

	fd = frpc_open_domain("cdsp", &info, NULL, 0);
	if (!may_open(variant, ORDINARY)) {
		EXPECT_EQ(-EACCES, fd);
		return;
	}
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(-fd));
	EXPECT_EQ(0u, info.flags & DRM_FASTRPC_DEVICE_PRIVILEGED);
	/* No root, sensors or audio PD, whoever asks */
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_SENSORS,
					     0));
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_AUDIO,
					     0));
	/* An own PD: unsigned, and signed on a non-secure channel */
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	EXPECT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	/* nor reserved memory */
	EXPECT_EQ(-EACCES, frpc_map(fd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
				    4096, &dsp_addr));
	close(fd);
	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0));
	close(fd);
}

TEST_F(as, accel_privileged)
{
	struct drm_fastrpc_device_info info;
	uint32_t simtest;
	int fd;

	fd = frpc_open_domain_privileged("cdsp", &info, NULL, 0);
	if (!may_open(variant, PRIVILEGED)) {
		EXPECT_EQ(-EACCES, fd);
		return;
	}
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(-fd));
	EXPECT_NE(0u, info.flags & DRM_FASTRPC_DEVICE_PRIVILEGED);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	EXPECT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	close(fd);
	fd = frpc_open_domain_privileged("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_DEBUG));
	close(fd);
	fd = frpc_open_domain_privileged("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_SENSORS, 0));
	EXPECT_EQ(0, face_open_simtest(fd, FRPC_FACE_ACCEL));
	close(fd);
	/*
	 * The audio PD is allowed and reaches the DSP, whose cdsp runs none
	 * (no reserved memory); fastrpc_static starts one where it runs.
	 */
	fd = frpc_open_domain_privileged("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EOPNOTSUPP, frpc_process_init(fd, DRM_FASTRPC_PROCESS_AUDIO,
						 0));
	close(fd);
}

/* The legacy nodes of "cdsp" (both exist) and "adsp" (one) */

TEST_F(as, legacy_plain)
{
	int fd = open_node("/dev/fastrpc-cdsp");

	if (fd == -ENOENT)
		SKIP(return, "no /dev/fastrpc-cdsp");
	if (!may_open(variant, ORDINARY)) {
		EXPECT_EQ(-EACCES, fd);
		return;
	}
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EACCES, lioctl(fd, FASTRPC_IOCTL_INIT_ATTACH, NULL));
	EXPECT_EQ(-EACCES, lioctl(fd, FASTRPC_IOCTL_INIT_ATTACH_SNS, NULL));
	EXPECT_EQ(-EACCES, legacy_create_static(fd));
	EXPECT_EQ(0, legacy_create_unsigned(fd));
	close(fd);
}

TEST_F(as, legacy_secure)
{
	int fd = open_node("/dev/fastrpc-cdsp-secure");

	if (fd == -ENOENT)
		SKIP(return, "no /dev/fastrpc-cdsp-secure");
	if (!may_open(variant, PRIVILEGED)) {
		EXPECT_EQ(-EACCES, fd);
		return;
	}
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, lioctl(fd, FASTRPC_IOCTL_INIT_ATTACH, NULL));
	close(fd);
	fd = open_node("/dev/fastrpc-cdsp-secure");
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, lioctl(fd, FASTRPC_IOCTL_INIT_ATTACH_SNS, NULL));
	/* and runs modules */
	EXPECT_EQ(0, face_open_simtest(fd, FRPC_FACE_LEGACY));
	close(fd);
	/* Reaches the DSP, which runs no static PDs */
	fd = open_node("/dev/fastrpc-cdsp-secure");
	ASSERT_LE(0, fd);
	EXPECT_EQ(DSP_EUNSUPPORTED, legacy_create_static(fd));
	close(fd);
}

TEST_F(as, legacy_single_node)
{
	int fd = open_node("/dev/fastrpc-adsp");

	if (fd == -ENOENT)
		SKIP(return, "no /dev/fastrpc-adsp");
	/* The rules give it to the group; the driver treats it as privileged */
	if (!may_open(variant, ORDINARY)) {
		EXPECT_EQ(-EACCES, fd);
		return;
	}
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, lioctl(fd, FASTRPC_IOCTL_INIT_ATTACH, NULL));
	close(fd);
}

TEST_F(as, dma_heap)
{
	int fd = open_node("/dev/dma_heap/system");

	if (fd == -ENOENT)
		SKIP(return, "no /dev/dma_heap/system");
	if (!may_open(variant, DMA_HEAP)) {
		EXPECT_EQ(-EACCES, fd);
		return;
	}
	ASSERT_LE(0, fd);
	close(fd);
}

/*
 * The two devices of a domain are two DRM devices: each has its own
 * buffer objects, and PRIME moves them between the two.
 */
TEST(buffers_between_devices)
{
	static uint8_t src[4096], dst[4096];
	struct drm_fastrpc_arg in, out;
	uint32_t st_p, st_o, hp, ho;
	int pfd, ofd, dfd;
	void *map;
	size_t i;

	pfd = frpc_open_domain_privileged("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, pfd);
	ofd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, ofd);
	ASSERT_EQ(0, frpc_process_init(pfd, DRM_FASTRPC_PROCESS_ROOT, 0));
	ASSERT_EQ(0, frpc_module_open(pfd, FRPC_SIMTEST_URI, &st_p));
	ASSERT_EQ(0, frpc_process_init(ofd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, frpc_module_open(ofd, FRPC_SIMTEST_URI, &st_o));

	/* An object of the privileged device, written by its DSP process */
	ASSERT_EQ(0, frpc_gem_create(pfd, sizeof(src), &hp));
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);
	in = frpc_arg_inline(src, sizeof(src));
	out = frpc_arg_gem(hp, 0, sizeof(src));
	ASSERT_EQ(0, frpc_invoke_args(pfd, st_p, FRPC_SIMTEST_ECHO, &in, 1,
				      &out, 1, 0, NULL));
	/* A handle of the privileged file means nothing to the other one */
	out = frpc_arg_inline(dst, sizeof(dst));
	in = frpc_arg_gem(hp, 0, sizeof(src));
	EXPECT_EQ(-ENOENT, frpc_invoke_args(ofd, st_o, FRPC_SIMTEST_ECHO, &in,
					    1, &out, 1, 0, NULL));
	/* Through PRIME, the ordinary file's process reads it */
	ASSERT_EQ(0, frpc_prime_export(pfd, hp, &dfd));
	ASSERT_EQ(0, frpc_prime_import(ofd, dfd, &ho));
	in = frpc_arg_gem(ho, 0, sizeof(src));
	ASSERT_EQ(0, frpc_invoke_args(ofd, st_o, FRPC_SIMTEST_ECHO, &in, 1,
				      &out, 1, 0, NULL));
	EXPECT_EQ(0, memcmp(src, dst, sizeof(src)));
	/* and the CPU sees it through the dma-buf */
	map = mmap(NULL, sizeof(src), PROT_READ, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, map);
	EXPECT_EQ(0, memcmp(map, src, sizeof(src)));
	munmap(map, sizeof(src));
	close(dfd);
	close(ofd);
	close(pfd);
}

/* ------------------------------------------------------------------ */
/* A secure channel: signed PDs from the privileged device only        */
/* ------------------------------------------------------------------ */

TEST(secure_channel)
{
	struct drm_fastrpc_device_info info;
	int fd, ret;

	if (access(SIM_CFG, F_OK))
		SKIP(return, "no simulator configfs");
	ret = frpc_sim_create(SEC_INST, SEC_LABEL, 2, 1);
	ASSERT_EQ(0, ret) TH_LOG("creating %s: %s", SEC_INST, strerror(-ret));

	fd = frpc_open_online(SEC_LABEL, 0);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", SEC_LABEL, strerror(-fd));
	ASSERT_EQ(0, frpc_device_info(fd, &info));
	EXPECT_NE(0u, info.flags & DRM_FASTRPC_DEVICE_SECURE);
	/* Signed and debug-only PDs: not from the ordinary device */
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0));
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					     DRM_FASTRPC_PROCESS_DEBUG));
	EXPECT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	close(fd);

	fd = frpc_open_online(SEC_LABEL, 1);
	ASSERT_LE(0, fd) TH_LOG("privileged %s: %s", SEC_LABEL, strerror(-fd));
	EXPECT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0));
	close(fd);

	frpc_sim_remove(SEC_INST);
}

TEST_HARNESS_MAIN
