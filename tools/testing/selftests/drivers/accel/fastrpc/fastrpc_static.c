// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audio PD, a static PD, on both faces (Documentation/accel/fastrpc/
 * privilege.rst, memory.rst): its heap comes from the reserved memory the
 * device tree gives the channel ("memory-region"), and so do the remote-heap
 * ranges it asks for; a region that must belong to the DSP's VMs
 * ("qcom,vmids") cannot be handed over without SCM, and is refused.
 *
 * The simulated DSP runs static PDs only on an instance with a reserved
 * region (configfs "heap_kib"), and refuses, counting it in
 * "region_faults", a heap or remote-heap page outside the region, or any of
 * a region that needed a VM assignment ("vmid"). Instances of its own:
 * "aud0" on "mdsp" (a 4 MiB region), "aud1" on "sdsp" (the same, with a
 * VM), made and removed by each test.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <misc/fastrpc.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"
#include "../../../../../accel/fastrpc/fastrpc_listener.h"

#define SIM_CFG		"/sys/kernel/config/fastrpc-sim"
#define AUD_INST	"aud0"
#define AUD_LABEL	"mdsp"
#define VM_INST		"aud1"
#define VM_LABEL	"sdsp"
#define REGION_KIB	4096
#define REMOTE_HEAP	0x8	/* MMAP flags: ADSP_MMAP_REMOTE_HEAP_ADDR */

/* Instance @inst on @label with a reserved region, and a VM if @vmid */
static int make_instance(const char *inst, const char *label,
			 unsigned int heap_kib, unsigned int vmid)
{
	static const char * const attrs[] = {
		"label", "sessions", "nsessions", "secure", "heap_kib", "vmid",
	};
	char vals[6][16], p[PATH_MAX];
	unsigned int i;
	int ret;

	snprintf(vals[0], sizeof(vals[0]), "%s", label);
	snprintf(vals[1], sizeof(vals[1]), "2");
	snprintf(vals[2], sizeof(vals[2]), "1");
	snprintf(vals[3], sizeof(vals[3]), "0");
	snprintf(vals[4], sizeof(vals[4]), "%u", heap_kib);
	snprintf(vals[5], sizeof(vals[5]), "%u", vmid);

	snprintf(p, sizeof(p), SIM_CFG "/%s", inst);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	for (i = 0; i < 6; i++) {
		snprintf(p, sizeof(p), SIM_CFG "/%s/%s", inst, attrs[i]);
		ret = frpc_write_str(p, vals[i]);
		if (ret)
			return ret;
	}
	return frpc_sim_live(inst, 1);
}

static uint64_t counter(const char *inst, const char *name)
{
	uint64_t v = UINT64_MAX;

	frpc_sim_counter(inst, name, &v);
	return v;
}

static int legacy_open(const char *label)
{
	char node[64];
	int fd, i;

	snprintf(node, sizeof(node), "/dev/fastrpc-%s", label);
	/* The node appears with the channel */
	for (i = 0; i < 100; i++) {
		fd = open(node, O_RDWR);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		usleep(50000);
	}
	return -1;
}

static int legacy_create_static(int fd, uint32_t memlen)
{
	static const char name[] = "audiopd";
	struct fastrpc_init_create_static init = {
		.namelen = sizeof(name), .memlen = memlen,
		.name = (uintptr_t)name,
	};

	return ioctl(fd, FASTRPC_IOCTL_INIT_CREATE_STATIC, &init) ? -errno : 0;
}

static int legacy_mmap(int fd, uint32_t flags, uint64_t size, uint64_t *addr)
{
	struct fastrpc_req_mmap req = { .fd = -1, .flags = flags, .size = size };

	if (ioctl(fd, FASTRPC_IOCTL_MMAP, &req))
		return -errno;
	*addr = req.vaddrout;
	return 0;
}

static int legacy_munmap(int fd, uint64_t addr, uint64_t size)
{
	struct fastrpc_req_munmap req = { .vaddrout = addr, .size = size };

	return ioctl(fd, FASTRPC_IOCTL_MUNMAP, &req) ? -errno : 0;
}

static int legacy_invoke(int fd, uint32_t handle, uint32_t sc,
			 struct fastrpc_invoke_args *args)
{
	struct fastrpc_invoke inv = {
		.handle = handle, .sc = sc, .args = (uintptr_t)args,
	};
	int ret = ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv);

	return ret < 0 ? -errno : ret;
}

#define LARG(p, len) \
	((struct fastrpc_invoke_args){ .ptr = (uintptr_t)(p), .length = (len), \
				       .fd = -1 })

/* remotectl1 open1 of @uri through the legacy face: the handle, or -1 */
static int64_t legacy_module_open(int fd, const char *uri)
{
	struct { uint32_t urilen, errlen; } oin = { strlen(uri) + 1, 64 };
	struct { int32_t handle, dlerr; } oout = { -1, -1 };
	struct fastrpc_invoke_args a[4];
	char err[64];

	a[0] = LARG(&oin, sizeof(oin));
	a[1] = LARG(uri, oin.urilen);
	a[2] = LARG(&oout, sizeof(oout));
	a[3] = LARG(err, sizeof(err));
	if (legacy_invoke(fd, FRPC_HANDLE_REMOTECTL1,
			  FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2), a) || oout.dlerr)
		return -1;
	return (uint32_t)oout.handle;
}

/* The same through the legacy face: remotectl1 open1, then sum */
static int64_t legacy_calc_sum(int fd)
{
	struct fastrpc_invoke_args a[3];
	int64_t h, sum = -1;
	int32_t vec[10];
	uint32_t n = 10;
	int i;

	for (i = 0; i < 10; i++)
		vec[i] = i + 1;
	h = legacy_module_open(fd, FRPC_CALCULATOR_URI);
	if (h < 0)
		return -1;
	a[0] = LARG(&n, sizeof(n));
	a[1] = LARG(vec, sizeof(vec));
	a[2] = LARG(&sum, sizeof(sum));
	if (legacy_invoke(fd, h, FRPC_SC(FRPC_CALC_SUM, 2, 1), a))
		return -1;
	return sum;
}

/*
 * The audio PD asks its host for memory while a call of it waits (simtest
 * grow): as a static PD it asks for reserved memory (apps_mem REMOTE_HEAP),
 * and the listener serves it from the region through the face's remote-heap
 * map. The DSP refuses an answer that is not reserved memory.
 */
static void dsp_asks_remote_heap(struct __test_metadata *_metadata, int fd,
				 enum frpc_face face, uint32_t simtest)
{
	struct frpc_listener_stats st;
	struct frpc_listener *l = NULL;
	uint64_t len = 65536, addr = 0;
	struct frpc_buf b[2] = {
		{ &len, sizeof(len) }, { &addr, sizeof(addr) },
	};
	uint32_t status = 1;
	int ret;

	ret = frpc_listener_start(fd, face, NULL, &l);
	ASSERT_EQ(0, ret) TH_LOG("listener: %s", strerror(-ret));
	EXPECT_EQ(0, frpc_face_invoke(fd, face, simtest,
				      FRPC_SC(FRPC_SIMTEST_GROW, 1, 1), b,
				      &status));
	EXPECT_EQ(0u, status) TH_LOG("grow: DSP result %#x", status);
	EXPECT_NE(0u, addr);
	frpc_listener_stats(l, &st);
	EXPECT_EQ(addr, st.last_map_vadsp);
	EXPECT_EQ(1u, counter(AUD_INST, "region_maps"));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));
	EXPECT_EQ(0, frpc_listener_stop(l));
}

/* The calculator runs in the process of @fd: sum of 1..10 */
static int64_t calc_sum(int fd)
{
	int32_t vec[10];
	uint32_t h;
	int64_t sum = -1;
	int i;

	for (i = 0; i < 10; i++)
		vec[i] = i + 1;
	if (frpc_module_open(fd, FRPC_CALCULATOR_URI, &h))
		return -1;
	if (frpc_calc_sum(fd, h, vec, 10, &sum))
		return -1;
	frpc_remotectl_close(fd, h, NULL, NULL, 0);
	return sum;
}

FIXTURE(audio) {
	int pfd;	/* privileged accel device of AUD_LABEL */
};

FIXTURE_SETUP(audio)
{
	int ret;

	self->pfd = -1;
	if (access(SIM_CFG, F_OK))
		SKIP(return, "no simulator configfs");
	ret = make_instance(AUD_INST, AUD_LABEL, REGION_KIB, 0);
	ASSERT_EQ(0, ret) TH_LOG("creating " AUD_INST ": %s", strerror(-ret));
	self->pfd = frpc_open_online(AUD_LABEL, 1);
	ASSERT_LE(0, self->pfd) TH_LOG("%s: %s", AUD_LABEL,
				       strerror(-self->pfd));
}

FIXTURE_TEARDOWN(audio)
{
	if (self->pfd >= 0)
		close(self->pfd);
	frpc_sim_remove(AUD_INST);
}

/* The audio PD starts with its heap in the region, and runs modules */
TEST_F(audio, accel_audio_pd)
{
	int fd2;

	EXPECT_EQ(0, frpc_process_init(self->pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(1u, counter(AUD_INST, "static_pds"));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));
	EXPECT_EQ(55, calc_sum(self->pfd));

	/* A second client of the audio PD: same heap (the DSP checks it) */
	fd2 = frpc_open_online(AUD_LABEL, 1);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, frpc_process_init(fd2, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(2u, counter(AUD_INST, "static_pds"));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));
	close(fd2);

	/* A second process on the same file */
	EXPECT_EQ(-EALREADY,
		  frpc_process_init(self->pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
}

/* Only the privileged device starts it; flags and a shell are refused */
TEST_F(audio, accel_audio_refused)
{
	struct drm_fastrpc_process_init init = {
		.kind = DRM_FASTRPC_PROCESS_AUDIO,
	};
	uint64_t m0;
	int fd;

	fd = frpc_open_online(AUD_LABEL, 0);
	ASSERT_LE(0, fd);
	m0 = counter(AUD_INST, "messages");
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	/* Refused before anything reached the DSP */
	EXPECT_EQ(m0, counter(AUD_INST, "messages"));
	close(fd);

	init.flags = DRM_FASTRPC_PROCESS_UNSIGNED;
	EXPECT_EQ(-1, ioctl(self->pfd, DRM_IOCTL_FASTRPC_PROCESS_INIT, &init));
	EXPECT_EQ(EINVAL, errno);
	init.flags = 0;
	init.shell_size = 4096;
	EXPECT_EQ(-1, ioctl(self->pfd, DRM_IOCTL_FASTRPC_PROCESS_INIT, &init));
	EXPECT_EQ(EINVAL, errno);
	init.shell_size = 0;
	init.kind = DRM_FASTRPC_PROCESS_AUDIO + 1;
	EXPECT_EQ(-1, ioctl(self->pfd, DRM_IOCTL_FASTRPC_PROCESS_INIT, &init));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, counter(AUD_INST, "static_pds"));
}

/* Remote heap: pages of the region, given back at UNMAP and at close */
TEST_F(audio, accel_remote_heap)
{
	uint64_t a = 0, b = 0, c = 0;
	int fd;

	ASSERT_EQ(0, frpc_process_init(self->pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(0, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
			      65536, &a));
	EXPECT_NE(0u, a);
	EXPECT_EQ(1u, counter(AUD_INST, "region_maps"));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));

	/* The region holds 4 MiB, 3 of them the audio heap */
	EXPECT_EQ(-ENOMEM, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0,
				    0, 1024 * 1024, &b));
	EXPECT_EQ(0, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
			      1024 * 1024 - 65536, &b));
	EXPECT_EQ(2u, counter(AUD_INST, "region_maps"));
	EXPECT_EQ(-ENOMEM, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0,
				    0, 4096, &c));

	/* Malformed: a handle, an offset, a length that is not whole pages */
	EXPECT_EQ(-EINVAL, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 1,
				    0, 4096, &c));
	EXPECT_EQ(-EINVAL, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0,
				    4096, 4096, &c));
	EXPECT_EQ(-EINVAL, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0,
				    0, 100, &c));
	EXPECT_EQ(-EINVAL, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP |
				    DRM_FASTRPC_BUF_GEM, 0, 0, 4096, &c));

	EXPECT_EQ(0, frpc_unmap(self->pfd, a));
	EXPECT_EQ(1u, counter(AUD_INST, "region_maps"));
	/* The pages are free again */
	EXPECT_EQ(0, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
			      65536, &a));

	/* Not for the ordinary device */
	fd = frpc_open_online(AUD_LABEL, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0));
	EXPECT_EQ(-EACCES, frpc_map(fd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
				    4096, &c));
	close(fd);

	/* Close gives the rest back: the whole 1 MiB is free after it */
	close(self->pfd);
	self->pfd = frpc_open_online(AUD_LABEL, 1);
	ASSERT_LE(0, self->pfd);
	EXPECT_EQ(0u, counter(AUD_INST, "region_maps"));
	ASSERT_EQ(0, frpc_process_init(self->pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(0, frpc_map(self->pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
			      1024 * 1024, &a));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));
}

/* The legacy face: INIT_CREATE_STATIC and MMAP REMOTE_HEAP, same memory */
TEST_F(audio, legacy_audio_pd)
{
	uint64_t a = 0, b = 0;
	int fd, ofd;

	/* mdsp has a single node, privileged as before */
	fd = legacy_open(AUD_LABEL);
	ASSERT_LE(0, fd) TH_LOG("/dev/fastrpc-" AUD_LABEL ": %s",
				strerror(errno));
	EXPECT_EQ(0, legacy_create_static(fd, 3 * 1024 * 1024));
	EXPECT_EQ(1u, counter(AUD_INST, "static_pds"));
	EXPECT_EQ(55, legacy_calc_sum(fd));
	EXPECT_EQ(0, legacy_mmap(fd, REMOTE_HEAP, 65536, &a));
	EXPECT_NE(0u, a);
	EXPECT_EQ(1u, counter(AUD_INST, "region_maps"));
	/* Sizes are rounded up to pages, as the old driver's allocator did */
	EXPECT_EQ(0, legacy_mmap(fd, REMOTE_HEAP, 100, &b));
	EXPECT_EQ(2u, counter(AUD_INST, "region_maps"));
	EXPECT_EQ(-ENOMEM, legacy_mmap(fd, REMOTE_HEAP, 1024 * 1024, &b));
	EXPECT_EQ(0, legacy_munmap(fd, a, 65536));
	EXPECT_EQ(1u, counter(AUD_INST, "region_maps"));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));

	/* The accel face's audio PD uses the heap the legacy one made */
	ofd = self->pfd;
	EXPECT_EQ(0, frpc_process_init(ofd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(2u, counter(AUD_INST, "static_pds"));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));
	close(fd);
	EXPECT_EQ(0u, counter(AUD_INST, "region_maps"));
}

TEST_F(audio, dsp_asks_remote_heap_accel)
{
	uint32_t simtest;

	ASSERT_EQ(0, frpc_process_init(self->pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	ASSERT_EQ(0, frpc_module_open(self->pfd, FRPC_SIMTEST_URI, &simtest));
	dsp_asks_remote_heap(_metadata, self->pfd, FRPC_FACE_ACCEL, simtest);
	close(self->pfd);
	self->pfd = -1;
	EXPECT_EQ(0u, counter(AUD_INST, "region_maps"));
}

TEST_F(audio, dsp_asks_remote_heap_legacy)
{
	int64_t simtest;
	int fd;

	fd = legacy_open(AUD_LABEL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, legacy_create_static(fd, 3 * 1024 * 1024));
	simtest = legacy_module_open(fd, FRPC_SIMTEST_URI);
	ASSERT_LE(0, simtest);
	dsp_asks_remote_heap(_metadata, fd, FRPC_FACE_LEGACY, simtest);
	close(fd);
	EXPECT_EQ(0u, counter(AUD_INST, "region_maps"));
}

/* The DSP restarts: the heap is allocated again, from the new region */
TEST_F(audio, heap_after_restart)
{
	ASSERT_EQ(0, frpc_process_init(self->pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	close(self->pfd);
	ASSERT_EQ(0, frpc_sim_live(AUD_INST, 0));
	ASSERT_EQ(0, frpc_sim_live(AUD_INST, 1));
	self->pfd = frpc_open_online(AUD_LABEL, 1);
	ASSERT_LE(0, self->pfd);
	EXPECT_EQ(0, frpc_process_init(self->pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(0u, counter(AUD_INST, "region_faults"));
	EXPECT_EQ(55, calc_sum(self->pfd));
}

/*
 * A region that must belong to the DSP's VMs: this machine has no SCM, so
 * the driver refuses it on both faces rather than hand over memory it did
 * not assign; the DSP never sees it.
 */
TEST(vmids_without_scm)
{
	uint64_t m0, a;
	int pfd, fd, ret;

	if (access(SIM_CFG, F_OK))
		SKIP(return, "no simulator configfs");
	ret = make_instance(VM_INST, VM_LABEL, REGION_KIB, 22);
	ASSERT_EQ(0, ret) TH_LOG("creating " VM_INST ": %s", strerror(-ret));
	pfd = frpc_open_online(VM_LABEL, 1);
	ASSERT_LE(0, pfd);

	m0 = counter(VM_INST, "messages");
	EXPECT_EQ(-EOPNOTSUPP,
		  frpc_process_init(pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(m0, counter(VM_INST, "messages"));
	/* The file has no process: it may try another kind */
	EXPECT_EQ(0, frpc_process_init(pfd, DRM_FASTRPC_PROCESS_ROOT, 0));
	EXPECT_EQ(-EOPNOTSUPP, frpc_map(pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
					4096, &a));
	close(pfd);

	fd = legacy_open(VM_LABEL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EOPNOTSUPP, legacy_create_static(fd, 1024 * 1024));
	EXPECT_EQ(0, ioctl(fd, FASTRPC_IOCTL_INIT_ATTACH));
	EXPECT_EQ(-EOPNOTSUPP, legacy_mmap(fd, REMOTE_HEAP, 4096, &a));
	close(fd);

	EXPECT_EQ(0u, counter(VM_INST, "static_pds"));
	EXPECT_EQ(0u, counter(VM_INST, "region_faults"));
	frpc_sim_remove(VM_INST);
}

/*
 * A DSP without reserved memory (the harness's adsp0) runs no static PD:
 * it refuses CREATE_STATIC, and the accel face has no remote heap to give.
 */
TEST(no_region)
{
	uint64_t a;
	int pfd;

	pfd = frpc_open_online("adsp", 1);
	if (pfd < 0)
		SKIP(return, "no adsp device");
	EXPECT_EQ(-EOPNOTSUPP,
		  frpc_process_init(pfd, DRM_FASTRPC_PROCESS_AUDIO, 0));
	EXPECT_EQ(0, frpc_process_init(pfd, DRM_FASTRPC_PROCESS_ROOT, 0));
	EXPECT_EQ(-ENODEV, frpc_map(pfd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0,
				    4096, &a));
	close(pfd);
}

TEST_HARNESS_MAIN
