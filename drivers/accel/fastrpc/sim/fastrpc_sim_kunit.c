// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the simulated DSP and its SMMU: request checks, address
 * translation, DSP mappings, built-in modules, and the request queue with
 * its fault knobs, against an endpoint of the test, which checks that the
 * DSP calls it in hard interrupt context as a real transport does.
 *
 * Requests are laid out as a FastRPC driver lays them out, in a kernel
 * buffer whose pages are mapped in a context bank of a simulated SMMU (one
 * that is not registered, with a domain that has no device), so the DSP
 * goes through the real page table. Some pages of the buffer are left
 * unmapped, so that an address check that is missing or wrong lets a
 * request reach memory it must not, and the test fails.
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rpmsg.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <kunit/test.h>

#include "../fastrpc_proto.h"
#include "fastrpc_sim.h"

#define FASTRPC_SIM_TEST_PAGE		4096
#define FASTRPC_SIM_TEST_BASE		0x10000000ULL
#define FASTRPC_SIM_TEST_SID		3
#define FASTRPC_SIM_TEST_MEM_PAGES	8
#define FASTRPC_SIM_TEST_MEM_SIZE	\
	(FASTRPC_SIM_TEST_MEM_PAGES * FASTRPC_SIM_TEST_PAGE)
/*
 * Pages 0-1: payload; 4-5: init memory of a PD; all four are mapped.
 * Pages 2-3 and 6-7 are not mapped: memory nobody described.
 */
#define FASTRPC_SIM_TEST_PAYLOAD_SIZE	(2 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_IMEM_OFF	(4 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_IMEM_SIZE	(2 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_OUTSIDE_OFF	(6 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_MAX_BUFS	8

#define FASTRPC_SIM_TEST_EBADPARM	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADPARM)
#define FASTRPC_SIM_TEST_EBADSTATE	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE)
#define FASTRPC_SIM_TEST_EINVHANDLE	FASTRPC_DSP_ERR(FASTRPC_AEE_EINVHANDLE)
#define FASTRPC_SIM_TEST_ENOSUCHMOD	FASTRPC_DSP_ERR(FASTRPC_AEE_ENOSUCHMOD)

#define FASTRPC_SIM_TEST_CALC_URI \
	"file:///libcalculator_skel.so?calculator_skel_handle_invoke&_modver=1.0&_dom=cdsp"
#define FASTRPC_SIM_TEST_SIMTEST_URI \
	"file:///libsimtest_skel.so?simtest_skel_handle_invoke"

#define FASTRPC_SIM_TEST_MAX_RX		8

/**
 * struct fastrpc_sim_test_rx - what the DSP sent to the test's endpoint
 * @lock: protects @len, @data and @n
 * @wq: woken on each message
 * @len: length of each message
 * @data: first bytes of each message
 * @n: number of messages
 * @not_atomic: messages delivered with interrupts enabled
 */
struct fastrpc_sim_test_rx {
	spinlock_t lock;	/* protects len, data, n */
	wait_queue_head_t wq;
	int len[FASTRPC_SIM_TEST_MAX_RX];
	u8 data[FASTRPC_SIM_TEST_MAX_RX][FASTRPC_SIM_LONG_REPLY];
	unsigned int n;
	unsigned int not_atomic;
};

struct fastrpc_sim_test {
	struct fastrpc_sim_dsp *dsp;
	struct fastrpc_sim_smmu *smmu;
	struct iommu_domain *domain;
	u8 *mem;
	struct rpmsg_endpoint ept;
	struct fastrpc_sim_test_rx rx;
	bool ept_set;
};

/**
 * struct fastrpc_sim_test_call - a request to build and run
 * @pid: msg.pid
 * @handle: msg.handle
 * @sc: msg.sc
 * @len: length of each buffer argument
 * @data: contents of each buffer argument, or NULL for zeroes
 * @off: payload offset of each buffer argument, set by the builder
 * @msg: the message, set by the builder
 */
struct fastrpc_sim_test_call {
	u32 pid;
	u32 handle;
	u32 sc;
	u32 len[FASTRPC_SIM_TEST_MAX_BUFS];
	const void *data[FASTRPC_SIM_TEST_MAX_BUFS];
	size_t off[FASTRPC_SIM_TEST_MAX_BUFS];
	struct fastrpc_msg msg;
};

static u64 fastrpc_sim_test_addr(u64 off)
{
	return fastrpc_wire_addr(FASTRPC_SIM_TEST_SID,
				 FASTRPC_SIM_TEST_BASE + off);
}

static union fastrpc_remote_arg *
fastrpc_sim_test_rpra(struct fastrpc_sim_test *t, u32 sc, u32 i)
{
	return (union fastrpc_remote_arg *)t->mem + i;
}

static struct fastrpc_phy_page *
fastrpc_sim_test_page(struct fastrpc_sim_test *t, u32 sc, u32 i)
{
	u32 nargs = fastrpc_sc_nargs(sc);

	return (struct fastrpc_phy_page *)
		(t->mem + nargs * (sizeof(union fastrpc_remote_arg) +
				   sizeof(struct fastrpc_invoke_buf))) + i;
}

/* Lay the request out in the payload as the drivers do, inline. */
static void fastrpc_sim_test_build(struct kunit *test,
				   struct fastrpc_sim_test_call *c)
{
	struct fastrpc_sim_test *t = test->priv;
	u32 nargs = fastrpc_sc_nargs(c->sc);
	u32 nbufs = fastrpc_sc_nbufs(c->sc);
	struct fastrpc_invoke_buf *list;
	size_t off;
	u32 i;

	KUNIT_ASSERT_LE(test, nbufs, FASTRPC_SIM_TEST_MAX_BUFS);
	memset(t->mem, 0, FASTRPC_SIM_TEST_PAYLOAD_SIZE);

	list = (struct fastrpc_invoke_buf *)
		(t->mem + nargs * sizeof(union fastrpc_remote_arg));
	off = ALIGN(fastrpc_meta_len(nargs), FASTRPC_INLINE_ALIGN);
	for (i = 0; i < nbufs; i++) {
		union fastrpc_remote_arg *rpra = fastrpc_sim_test_rpra(t, c->sc, i);
		struct fastrpc_phy_page *page = fastrpc_sim_test_page(t, c->sc, i);
		u32 len = c->len[i];
		u64 first, last;

		list[i].pgidx = cpu_to_le32(i);
		if (!len)
			continue;

		c->off[i] = off;
		first = off / FASTRPC_SIM_TEST_PAGE;
		last = (off + len - 1) / FASTRPC_SIM_TEST_PAGE;
		/* pv is a host address: only its in-page offset matters */
		rpra->buf.pv = cpu_to_le64(0x7f1234560000ULL +
					   off % FASTRPC_SIM_TEST_PAGE);
		rpra->buf.len = cpu_to_le64(len);
		list[i].num = cpu_to_le32(1);
		page->addr = cpu_to_le64(fastrpc_sim_test_addr(first *
							       FASTRPC_SIM_TEST_PAGE));
		page->size = cpu_to_le64((last - first + 1) *
					 FASTRPC_SIM_TEST_PAGE);
		if (c->data[i])
			memcpy(t->mem + off, c->data[i], len);
		off = ALIGN(off + len, FASTRPC_INLINE_ALIGN);
	}
	KUNIT_ASSERT_LE(test, off, FASTRPC_SIM_TEST_PAYLOAD_SIZE);

	c->msg = (struct fastrpc_msg) {
		.pid = cpu_to_le32(c->pid),
		.tid = cpu_to_le32(1),
		.ctx = cpu_to_le64(0x12345600),
		.handle = cpu_to_le32(c->handle),
		.sc = cpu_to_le32(c->sc),
		.addr = cpu_to_le64(fastrpc_sim_test_addr(0)),
		.size = cpu_to_le64(FASTRPC_SIM_TEST_PAYLOAD_SIZE),
	};
}

static u32 fastrpc_sim_test_run(struct kunit *test,
				struct fastrpc_sim_test_call *c)
{
	struct fastrpc_sim_test *t = test->priv;
	unsigned int delay_ms;

	return fastrpc_sim_dsp_handle(t->dsp, &c->msg, sizeof(c->msg),
				      &delay_ms);
}

static u32 fastrpc_sim_test_call(struct kunit *test,
				 struct fastrpc_sim_test_call *c)
{
	fastrpc_sim_test_build(test, c);
	return fastrpc_sim_test_run(test, c);
}

static u64 fastrpc_sim_test_stat(struct kunit *test, enum fastrpc_sim_stat s)
{
	struct fastrpc_sim_test *t = test->priv;

	return atomic64_read(&t->dsp->stats[s]);
}

static void *fastrpc_sim_test_out(struct kunit *test,
				  struct fastrpc_sim_test_call *c, u32 i)
{
	struct fastrpc_sim_test *t = test->priv;

	return t->mem + c->off[i];
}

/* A capability query for @n attributes; out0 holds n u32s */
static void fastrpc_sim_test_caps(struct fastrpc_sim_test_call *c, __le32 *n)
{
	*c = (struct fastrpc_sim_test_call) {
		.handle = FASTRPC_HANDLE_DSP_UTILS,
		.sc = FASTRPC_SC(FASTRPC_DSP_UTILS_CAPS_METHOD, 1, 1),
		.len = { sizeof(*n), le32_to_cpu(*n) * sizeof(u32) },
		.data = { n },
	};
}

static void fastrpc_sim_test_attach(struct kunit *test, u32 pgid)
{
	__le32 in = cpu_to_le32(pgid);
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_ATTACH, 1, 0),
		.len = { sizeof(in) },
		.data = { &in },
	};

	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
}

/* remotectl1 open1 of @uri in PD @pgid; returns the handle */
static u32 fastrpc_sim_test_open(struct kunit *test, u32 pgid,
				 const char *uri, s32 *dlerr)
{
	__le32 hdr[2] = { cpu_to_le32(strlen(uri) + 1), cpu_to_le32(64) };
	struct fastrpc_sim_test_call c = {
		.pid = pgid,
		.handle = FASTRPC_HANDLE_REMOTECTL1,
		.sc = FASTRPC_SC(2, 2, 2),
		.len = { sizeof(hdr), strlen(uri) + 1, 8, 64 },
		.data = { hdr, uri },
	};
	u8 *out;

	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	out = fastrpc_sim_test_out(test, &c, 2);
	*dlerr = get_unaligned_le32(out + 4);
	return get_unaligned_le32(out);
}

static void fastrpc_sim_test_good_request(struct kunit *test)
{
	static const u32 expect[] = { 1, 0, 4, 0x40000, 1, 0x73, 0, 0 };
	__le32 n = cpu_to_le32(ARRAY_SIZE(expect));
	struct fastrpc_sim_test_call c;
	u8 *out;
	u32 i;

	fastrpc_sim_test_caps(&c, &n);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);

	out = fastrpc_sim_test_out(test, &c, 1);
	for (i = 0; i < ARRAY_SIZE(expect); i++)
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(out + 4 * i),
				expect[i]);

	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BAD_REQUESTS), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_INLINE_BYTES),
			sizeof(n) + sizeof(expect));
}

static void fastrpc_sim_test_pages_outside_payload(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	u8 *outside = t->mem + FASTRPC_SIM_TEST_OUTSIDE_OFF;
	__le32 n = cpu_to_le32(4);
	struct fastrpc_sim_test_call c;
	union fastrpc_remote_arg *rpra;
	struct fastrpc_phy_page *page;

	memset(outside, 0xa5, FASTRPC_SIM_TEST_PAGE);

	/* out0 described in memory that is neither payload nor PD memory */
	fastrpc_sim_test_caps(&c, &n);
	fastrpc_sim_test_build(test, &c);
	page = fastrpc_sim_test_page(t, c.sc, 1);
	page->addr = cpu_to_le64(fastrpc_sim_test_addr(FASTRPC_SIM_TEST_OUTSIDE_OFF));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 1);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(outside, 0xa5, FASTRPC_SIM_TEST_PAGE),
			    NULL);

	/* in0 read from there */
	fastrpc_sim_test_build(test, &c);
	page = fastrpc_sim_test_page(t, c.sc, 0);
	page->addr = cpu_to_le64(fastrpc_sim_test_addr(FASTRPC_SIM_TEST_OUTSIDE_OFF));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_INLINE_BYTES), 0);

	/* out0 straddling the end of the payload into an unmapped page */
	fastrpc_sim_test_build(test, &c);
	page = fastrpc_sim_test_page(t, c.sc, 1);
	page->addr = cpu_to_le64(fastrpc_sim_test_addr(FASTRPC_SIM_TEST_PAGE));
	page->size = cpu_to_le64(2 * FASTRPC_SIM_TEST_PAGE);
	rpra = fastrpc_sim_test_rpra(t, c.sc, 1);
	rpra->buf.pv = cpu_to_le64(FASTRPC_SIM_TEST_PAGE - 8);
	memset(t->mem + FASTRPC_SIM_TEST_PAYLOAD_SIZE - 8, 0xa5, 8);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 3);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_SMMU_FAULTS), 3);
	/* nothing was written before the fault */
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(t->mem + FASTRPC_SIM_TEST_PAYLOAD_SIZE - 8,
					     0xa5, 8), NULL);

	/* a page range larger than the argument is fine */
	fastrpc_sim_test_build(test, &c);
	page = fastrpc_sim_test_page(t, c.sc, 1);
	page->size = cpu_to_le64(3 * FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c), 0);
}

static void fastrpc_sim_test_arg_past_pages(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(4);
	struct fastrpc_sim_test_call c;
	union fastrpc_remote_arg *rpra;
	u8 *out;

	/* out0 runs past its one page, although not past the payload */
	fastrpc_sim_test_caps(&c, &n);
	fastrpc_sim_test_build(test, &c);
	rpra = fastrpc_sim_test_rpra(t, c.sc, 1);
	rpra->buf.len = cpu_to_le64(FASTRPC_SIM_TEST_PAGE - c.off[1] + 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 1);
	out = fastrpc_sim_test_out(test, &c, 1);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(out, 0, 16), NULL);

	/* an in-page offset that pushes out0 past the page */
	fastrpc_sim_test_build(test, &c);
	rpra = fastrpc_sim_test_rpra(t, c.sc, 1);
	rpra->buf.pv = cpu_to_le64(0x7f1234560ff8ULL);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 2);
}

static void fastrpc_sim_test_nargs_too_large(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_msg msg = {
		.handle = cpu_to_le32(FASTRPC_HANDLE_DSP_UTILS),
		/* 40 * 200 + 384 bytes of metadata do not fit in 8 KiB */
		.sc = cpu_to_le32(FASTRPC_SC(0, 100, 100)),
		.addr = cpu_to_le64(fastrpc_sim_test_addr(0)),
		.size = cpu_to_le64(FASTRPC_SIM_TEST_PAYLOAD_SIZE),
	};
	unsigned int delay_ms;

	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_handle(t->dsp, &msg, sizeof(msg),
						     &delay_ms),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BAD_REQUESTS), 1);

	/* a message of the wrong length */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_handle(t->dsp, &msg, sizeof(msg) - 1,
						     &delay_ms),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BAD_REQUESTS), 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 0);
}

static void fastrpc_sim_test_overflow(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(4);
	struct fastrpc_sim_test_call c;
	union fastrpc_remote_arg *rpra;
	struct fastrpc_phy_page *page;

	fastrpc_sim_test_caps(&c, &n);

	/* huge argument length */
	fastrpc_sim_test_build(test, &c);
	rpra = fastrpc_sim_test_rpra(t, c.sc, 1);
	rpra->buf.len = cpu_to_le64(U64_MAX);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);

	/* in-page offset + length wrapping around */
	fastrpc_sim_test_build(test, &c);
	rpra = fastrpc_sim_test_rpra(t, c.sc, 1);
	rpra->buf.pv = cpu_to_le64(0xfff);
	rpra->buf.len = cpu_to_le64(U64_MAX - 0xffe);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);

	/* page range wrapping around */
	fastrpc_sim_test_build(test, &c);
	page = fastrpc_sim_test_page(t, c.sc, 1);
	page->size = cpu_to_le64(U64_MAX - FASTRPC_SIM_TEST_PAGE + 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 3);

	/* payload size wrapping around */
	fastrpc_sim_test_build(test, &c);
	c.msg.size = cpu_to_le64(U64_MAX);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);

	/* payload running past the 32-bit IOVA space */
	fastrpc_sim_test_build(test, &c);
	c.msg.addr = cpu_to_le64(fastrpc_wire_addr(FASTRPC_SIM_TEST_SID,
						   0xfffff000));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BAD_REQUESTS), 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_INLINE_BYTES), 0);
}

static void fastrpc_sim_test_calculator(struct kunit *test)
{
	static const s32 vals[] = { 1, -2, 30, 4000, -7 };
	__le32 vec[ARRAY_SIZE(vals)];
	__le32 n = cpu_to_le32(ARRAY_SIZE(vals));
	struct fastrpc_sim_test_call c;
	u32 handle, i;
	s32 dlerr;

	for (i = 0; i < ARRAY_SIZE(vals); i++)
		vec[i] = cpu_to_le32(vals[i]);

	fastrpc_sim_test_attach(test, 100);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_CALC_URI,
				       &dlerr);
	KUNIT_EXPECT_EQ(test, dlerr, 0);
	KUNIT_EXPECT_GE(test, handle, 0x1000);

	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(2, 2, 1),
		.len = { sizeof(n), sizeof(vec), sizeof(s64) },
		.data = { &n, vec },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_EQ(test, (s64)get_unaligned_le64(fastrpc_sim_test_out(test, &c, 2)),
			4022);

	c.sc = FASTRPC_SC(3, 2, 1);
	c.len[2] = sizeof(s32);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_EQ(test, (s32)get_unaligned_le32(fastrpc_sim_test_out(test, &c, 2)),
			4000);

	/* in1 shorter than 4 n bytes */
	c.len[1] = sizeof(vec) - 1;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);

	/* another PD cannot use the handle */
	c.pid = 200;
	c.len[1] = sizeof(vec);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADSTATE);
	fastrpc_sim_test_attach(test, 200);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EINVHANDLE);

	/* unknown modules are reported in dlerr */
	fastrpc_sim_test_open(test, 100, "file:///libnope_skel.so", &dlerr);
	KUNIT_EXPECT_EQ(test, (u32)dlerr, FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 0);
}

static void fastrpc_sim_test_echo(struct kunit *test)
{
	static const char a[8] = "abcdefg", b[16] = "0123456789abcde";
	struct fastrpc_sim_test_call c;
	u32 handle;
	s32 dlerr;

	fastrpc_sim_test_attach(test, 100);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);

	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(2, 2, 2),
		.len = { sizeof(a), sizeof(b), sizeof(a), sizeof(b) },
		.data = { a, b },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_MEMEQ(test, fastrpc_sim_test_out(test, &c, 2), a, sizeof(a));
	KUNIT_EXPECT_MEMEQ(test, fastrpc_sim_test_out(test, &c, 3), b, sizeof(b));

	/* lengths must match */
	c.len[3] = sizeof(b) - 4;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(fastrpc_sim_test_out(test, &c, 2), 0,
					     sizeof(a)), NULL);
}

/* IOVA of the test's second context bank, and of pages only it maps */
#define FASTRPC_SIM_TEST_FAR_IOVA	0x20000000ULL

static void fastrpc_sim_test_smmu_domain(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	phys_addr_t phys = virt_to_phys(t->mem + FASTRPC_SIM_TEST_IMEM_OFF);
	u64 iova = FASTRPC_SIM_TEST_FAR_IOVA;
	u64 pages = fastrpc_sim_smmu_pages(t->smmu);

	KUNIT_EXPECT_EQ(test, pages, 4);
	KUNIT_ASSERT_EQ(test, iommu_map(t->domain, iova, phys,
					2 * FASTRPC_SIM_TEST_PAGE,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_smmu_pages(t->smmu), pages + 2);
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(t->domain, iova + 0x123),
			phys + 0x123);
	KUNIT_EXPECT_EQ(test,
			iommu_iova_to_phys(t->domain,
					   iova + FASTRPC_SIM_TEST_PAGE + 5),
			phys + FASTRPC_SIM_TEST_PAGE + 5);
	/* mapping a mapped page again fails */
	KUNIT_EXPECT_NE(test, iommu_map(t->domain, iova, phys,
					FASTRPC_SIM_TEST_PAGE,
					IOMMU_READ, GFP_KERNEL), 0);

	KUNIT_EXPECT_EQ(test, iommu_unmap(t->domain, iova,
					  2 * FASTRPC_SIM_TEST_PAGE),
			2 * FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(t->domain, iova), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_smmu_pages(t->smmu), pages);
	/* an IOVA never mapped translates to nothing */
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(t->domain,
						 FASTRPC_SIM_TEST_BASE +
						 FASTRPC_SIM_TEST_OUTSIDE_OFF),
			0);
}

/* A simtest handle of PD @pgid, attached */
static u32 fastrpc_sim_test_simtest(struct kunit *test, u32 pgid)
{
	u32 handle;
	s32 dlerr;

	fastrpc_sim_test_attach(test, pgid);
	handle = fastrpc_sim_test_open(test, pgid, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	return handle;
}

static void fastrpc_sim_test_discontiguous(struct kunit *test)
{
	static const char data[16] = "0123456789abcde";
	struct fastrpc_sim_test *t = test->priv;
	struct page *lo, *hi;
	struct fastrpc_sim_test_call c;
	union fastrpc_remote_arg *rpra;
	struct fastrpc_phy_page *page;
	u64 iova = FASTRPC_SIM_TEST_FAR_IOVA;
	u32 handle;
	u8 *va;

	handle = fastrpc_sim_test_simtest(test, 100);

	/* Two IOVA-contiguous pages, physically apart and in reverse order */
	lo = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	KUNIT_ASSERT_NOT_NULL(test, lo);
	hi = lo + 1;
	KUNIT_ASSERT_EQ(test, iommu_map(t->domain, iova, page_to_phys(hi),
					FASTRPC_SIM_TEST_PAGE,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iommu_map(t->domain, iova + FASTRPC_SIM_TEST_PAGE,
					page_to_phys(lo), FASTRPC_SIM_TEST_PAGE,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);

	/* echo into out0 = the 16 bytes that straddle the two pages */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(2, 1, 1),
		.len = { sizeof(data), sizeof(data) },
		.data = { data },
	};
	fastrpc_sim_test_build(test, &c);
	rpra = fastrpc_sim_test_rpra(t, c.sc, 1);
	rpra->buf.pv = cpu_to_le64(0x7f0000000ff8ULL);
	page = fastrpc_sim_test_page(t, c.sc, 1);
	page->addr = cpu_to_le64(fastrpc_wire_addr(FASTRPC_SIM_TEST_SID, iova));
	page->size = cpu_to_le64(2 * FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c), 0);

	va = page_address(hi);
	KUNIT_EXPECT_MEMEQ(test, va + FASTRPC_SIM_TEST_PAGE - 8, data, 8);
	va = page_address(lo);
	KUNIT_EXPECT_MEMEQ(test, va, data + 8, 8);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BUFFER_BYTES),
			sizeof(data));

	iommu_unmap(t->domain, iova, 2 * FASTRPC_SIM_TEST_PAGE);
	__free_pages(lo, 1);
}

/*
 * Handle argument @i of a request fastrpc_sim_test_build() laid out:
 * {@fd, @offset, @len} and, when @size is not 0, the page range
 * [@mem_off, @mem_off + @size) of the test's memory, as a driver describes
 * the mapping of the handle's buffer.
 */
static void fastrpc_sim_test_set_handle(struct fastrpc_sim_test *t, u32 sc,
					u32 i, s32 fd, u32 offset, u32 len,
					u64 mem_off, u64 size)
{
	union fastrpc_remote_arg *rpra = fastrpc_sim_test_rpra(t, sc, i);
	struct fastrpc_phy_page *page = fastrpc_sim_test_page(t, sc, i);
	struct fastrpc_invoke_buf *list;

	list = (struct fastrpc_invoke_buf *)
		(t->mem + fastrpc_sc_nargs(sc) * sizeof(*rpra));
	rpra->dma.fd = cpu_to_le32(fd);
	rpra->dma.offset = cpu_to_le32(offset);
	rpra->dma.len = cpu_to_le32(len);
	list[i].num = cpu_to_le32(len ? 1 : 0);
	list[i].pgidx = cpu_to_le32(i);
	if (!size)
		return;
	page->addr = cpu_to_le64(fastrpc_sim_test_addr(mem_off));
	page->size = cpu_to_le64(size);
}

/* simtest handles: out0, in-handle 1, out-handles 2 and 3 */
#define FASTRPC_SIM_TEST_HANDLES_SC					\
	(FASTRPC_SC(10, 0, 1) | FIELD_PREP(FASTRPC_SC_INHANDLES, 1) |	\
	 FIELD_PREP(FASTRPC_SC_OUTHANDLES, 2))

/*
 * Build the call: in-handle {42, @in_off, 100} in the page range
 * [@in_mem, +@in_size), out-handle {-1, 4096 + 7, 100} in the init memory
 * (2 pages, mapped), and an empty out-handle {7, 5, 0}.
 */
static void fastrpc_sim_test_build_handles(struct kunit *test,
					   struct fastrpc_sim_test_call *c,
					   u32 handle, u32 in_off, u64 in_mem,
					   u64 in_size)
{
	struct fastrpc_sim_test *t = test->priv;
	u32 sc = FASTRPC_SIM_TEST_HANDLES_SC;

	*c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = sc,
		.len = { 3 * 16 },
	};
	fastrpc_sim_test_build(test, c);
	fastrpc_sim_test_set_handle(t, sc, 1, 42, in_off, 100, in_mem,
				    in_size);
	fastrpc_sim_test_set_handle(t, sc, 2, -1, FASTRPC_SIM_TEST_PAGE + 7,
				    100, FASTRPC_SIM_TEST_IMEM_OFF,
				    FASTRPC_SIM_TEST_IMEM_SIZE);
	fastrpc_sim_test_set_handle(t, sc, 3, 7, 5, 0, 0, 0);
}

static void fastrpc_sim_test_handles(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	u8 *imem = t->mem + FASTRPC_SIM_TEST_IMEM_OFF;
	u8 *dst = imem + FASTRPC_SIM_TEST_PAGE + 7;
	static const u32 expect[] = {
		42, 10, 100, 1, 0xffffffff, FASTRPC_SIM_TEST_PAGE + 7, 100, 1,
		7, 5, 0, 0,
	};
	struct fastrpc_sim_test_call c;
	struct fastrpc_invoke_buf *list;
	struct fastrpc_phy_page *page;
	u64 faults, smmu, bad;
	u32 handle, i;
	u8 *out;

	handle = fastrpc_sim_test_simtest(test, 100);
	for (i = 0; i < FASTRPC_SIM_TEST_PAGE; i++)
		imem[i] = i * 7 + 1;
	memset(imem + FASTRPC_SIM_TEST_PAGE, 0, FASTRPC_SIM_TEST_PAGE);

	/* in-handle 0 is copied to out-handle 0; out0 tells what it saw */
	fastrpc_sim_test_build_handles(test, &c, handle, 10,
				       FASTRPC_SIM_TEST_IMEM_OFF,
				       FASTRPC_SIM_TEST_IMEM_SIZE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c), 0);
	KUNIT_EXPECT_MEMEQ(test, dst, imem + 10, 100);
	KUNIT_EXPECT_EQ(test, dst[100], 0);
	out = fastrpc_sim_test_out(test, &c, 0);
	for (i = 0; i < ARRAY_SIZE(expect); i++)
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(out + 4 * i),
				expect[i]);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BUFFER_BYTES),
			200);

	memset(dst, 0, 100);
	faults = fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS);
	smmu = fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_SMMU_FAULTS);
	bad = fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BAD_REQUESTS);

	/* A range that ends past the page range it is given: a fault */
	fastrpc_sim_test_build_handles(test, &c, handle,
				       FASTRPC_SIM_TEST_IMEM_SIZE - 50,
				       FASTRPC_SIM_TEST_IMEM_OFF,
				       FASTRPC_SIM_TEST_IMEM_SIZE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS),
			++faults);

	/* Pages the context bank does not map: an SMMU fault, nothing moved */
	fastrpc_sim_test_build_handles(test, &c, handle, 0,
				       FASTRPC_SIM_TEST_OUTSIDE_OFF,
				       FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_SMMU_FAULTS),
			smmu + 1);
	faults = fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS);

	/* Pages in another context bank than the caller's */
	fastrpc_sim_test_build_handles(test, &c, handle, 10,
				       FASTRPC_SIM_TEST_IMEM_OFF,
				       FASTRPC_SIM_TEST_IMEM_SIZE);
	page = fastrpc_sim_test_page(t, c.sc, 1);
	page->addr = cpu_to_le64(fastrpc_wire_addr(FASTRPC_SIM_TEST_SID + 1,
						   FASTRPC_SIM_TEST_BASE +
						   FASTRPC_SIM_TEST_IMEM_OFF));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS),
			++faults);

	/* A page list index past the arguments, and a count above 1 */
	fastrpc_sim_test_build_handles(test, &c, handle, 10,
				       FASTRPC_SIM_TEST_IMEM_OFF,
				       FASTRPC_SIM_TEST_IMEM_SIZE);
	list = (struct fastrpc_invoke_buf *)
		(t->mem + fastrpc_sc_nargs(c.sc) *
			  sizeof(union fastrpc_remote_arg));
	list[1].pgidx = cpu_to_le32(4);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	list[1].pgidx = cpu_to_le32(1);
	list[1].num = cpu_to_le32(2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BAD_REQUESTS),
			bad + 2);

	/* A length but no pages (the old driver's fd -1 with a length) */
	fastrpc_sim_test_build_handles(test, &c, handle, 10, 0, 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_BAD_REQUESTS),
			bad + 3);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(dst, 0, 100), NULL);

	/* Methods that take no handles refuse them */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(2, 1, 1) | FIELD_PREP(FASTRPC_SC_INHANDLES, 1),
		.len = { 8, 8 },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
}

static void fastrpc_sim_test_other_sid(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	struct iommu_domain *other;
	u8 *secret = t->mem + FASTRPC_SIM_TEST_OUTSIDE_OFF;
	struct {
		__le64 iova;
		__le64 len;
	} req = {
		cpu_to_le64(FASTRPC_SIM_TEST_FAR_IOVA), cpu_to_le64(16)
	};
	struct fastrpc_sim_test_call c;
	u32 handle;

	handle = fastrpc_sim_test_simtest(test, 100);

	/* A page only the context bank of stream id SID + 1 maps */
	other = fastrpc_sim_smmu_test_domain(t->smmu, FASTRPC_SIM_TEST_SID + 1);
	KUNIT_ASSERT_NOT_NULL(test, other);
	memset(secret, 0x5a, FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, iommu_map(other, FASTRPC_SIM_TEST_FAR_IOVA,
					virt_to_phys(secret),
					FASTRPC_SIM_TEST_PAGE,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL), 0);

	/* read_iova of it from the caller's context bank: SMMU fault */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(9, 1, 1),
		.len = { sizeof(req), 16 },
		.data = { &req },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_SMMU_FAULTS), 1);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(fastrpc_sim_test_out(test, &c, 1), 0,
					     16), NULL);

	/* an IOVA of the caller's own bank reads */
	req.iova = cpu_to_le64(FASTRPC_SIM_TEST_BASE + FASTRPC_SIM_TEST_IMEM_OFF);
	memset(t->mem + FASTRPC_SIM_TEST_IMEM_OFF, 0x3c, 16);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(fastrpc_sim_test_out(test, &c, 1),
					     0x3c, 16), NULL);

	/* a buffer argument naming the other stream id: fault, not read */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(2, 1, 1),
		.len = { 16, 16 },
	};
	fastrpc_sim_test_build(test, &c);
	fastrpc_sim_test_page(t, c.sc, 0)->addr =
		cpu_to_le64(fastrpc_wire_addr(FASTRPC_SIM_TEST_SID + 1,
					      FASTRPC_SIM_TEST_FAR_IOVA));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(fastrpc_sim_test_out(test, &c, 1), 0,
					     16), NULL);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 2);

	iommu_domain_free(other);
}

/* MEM_MAP of [off, off + len) of the test memory into PD @pgid */
static u32 fastrpc_sim_test_mem_map(struct kunit *test, u32 pgid, u64 off,
				    u64 len, u64 *dsp_addr)
{
	struct fastrpc_mem_map_req req = {
		.pgid = cpu_to_le32(pgid),
		.fd = cpu_to_le32(7),
		.num = cpu_to_le32(sizeof(struct fastrpc_phy_page)),
	};
	struct fastrpc_phy_page pg = {
		.addr = cpu_to_le64(fastrpc_sim_test_addr(off)),
		.size = cpu_to_le64(len),
	};
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_MEM_MAP, 3, 1),
		.len = { sizeof(req), sizeof(pg), 0, sizeof(u64) },
		.data = { &req, &pg },
	};
	u32 ret;

	ret = fastrpc_sim_test_call(test, &c);
	*dsp_addr = get_unaligned_le64(fastrpc_sim_test_out(test, &c, 3));
	return ret;
}

static u32 fastrpc_sim_test_mem_unmap(struct kunit *test, u32 pgid,
				      u64 dsp_addr, u64 len)
{
	struct fastrpc_mem_unmap_req req = {
		.pgid = cpu_to_le32(pgid),
		.vaddrin = cpu_to_le64(dsp_addr),
		.len = cpu_to_le64(len),
	};
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_MEM_UNMAP, 1, 0),
		.len = { sizeof(req) },
		.data = { &req },
	};

	return fastrpc_sim_test_call(test, &c);
}

static u32 fastrpc_sim_test_munmap(struct kunit *test, u32 pgid, u64 dsp_addr,
				   u64 len)
{
	struct fastrpc_munmap_req req = {
		.pgid = cpu_to_le32(pgid),
		.vaddr = cpu_to_le64(dsp_addr),
		.size = cpu_to_le64(len),
	};
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_MUNMAP, 1, 0),
		.len = { sizeof(req) },
		.data = { &req },
	};

	return fastrpc_sim_test_call(test, &c);
}

static void fastrpc_sim_test_dsp_maps(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	u8 *imem = t->mem + FASTRPC_SIM_TEST_IMEM_OFF;
	struct {
		__le64 dsp_addr;
		__le64 len;
		__le32 pattern;
		__le32 pad;
	} wr;
	__le32 pgid = cpu_to_le32(100);
	struct fastrpc_sim_test_call c;
	u64 a, b, none;
	u32 handle;

	handle = fastrpc_sim_test_simtest(test, 100);

	/* Two mappings, at the lowest free DSP addresses */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_map(test, 100,
						       FASTRPC_SIM_TEST_IMEM_OFF,
						       FASTRPC_SIM_TEST_PAGE, &a), 0);
	KUNIT_EXPECT_EQ(test, a, 0x40000000);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_map(test, 100,
						       FASTRPC_SIM_TEST_IMEM_OFF,
						       2 * FASTRPC_SIM_TEST_PAGE, &b), 0);
	KUNIT_EXPECT_EQ(test, b, 0x40001000);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_DSP_MAPS), 2);

	/* memory the context bank does not map cannot be mapped */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_map(test, 100,
						       FASTRPC_SIM_TEST_OUTSIDE_OFF,
						       FASTRPC_SIM_TEST_PAGE, &none),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_SMMU_FAULTS), 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_DSP_MAPS), 2);

	/* write_at through the second mapping, at its second page */
	wr = (typeof(wr)) {
		.dsp_addr = cpu_to_le64(b + FASTRPC_SIM_TEST_PAGE + 4),
		.len = cpu_to_le64(8),
		.pattern = cpu_to_le32(0xcafef00d),
	};
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(7, 1, 0),
		.len = { sizeof(wr) },
		.data = { &wr },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(imem + FASTRPC_SIM_TEST_PAGE + 4),
			0xcafef00d);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(imem + FASTRPC_SIM_TEST_PAGE + 8),
			0xcafef00d);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(imem + FASTRPC_SIM_TEST_PAGE + 12), 0);

	/* past the end of the mapping: fault, nothing written */
	wr.dsp_addr = cpu_to_le64(b + 2 * FASTRPC_SIM_TEST_PAGE - 4);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(imem + 2 * FASTRPC_SIM_TEST_PAGE - 4),
			0);

	/* unmap: an unknown address or length is refused */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_unmap(test, 100, a + 0x1000,
							 FASTRPC_SIM_TEST_PAGE),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_unmap(test, 100, a,
							 2 * FASTRPC_SIM_TEST_PAGE),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_unmap(test, 101, a,
							 FASTRPC_SIM_TEST_PAGE),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_unmap(test, 100, a,
							 FASTRPC_SIM_TEST_PAGE), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_DSP_MAPS), 1);
	/* the freed range is reused */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_mem_map(test, 100,
						       FASTRPC_SIM_TEST_IMEM_OFF,
						       FASTRPC_SIM_TEST_PAGE, &a), 0);
	KUNIT_EXPECT_EQ(test, a, 0x40000000);

	/* RELEASE drops every mapping of the PD */
	c = (struct fastrpc_sim_test_call) {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_RELEASE, 1, 0),
		.len = { sizeof(pgid) },
		.data = { &pgid },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_DSP_MAPS), 0);
}

static void fastrpc_sim_test_init_memory(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	u8 *imem = t->mem + FASTRPC_SIM_TEST_IMEM_OFF;
	struct fastrpc_create_req req = {
		.pgid = cpu_to_le32(300),
		.namelen = cpu_to_le32(6),
		.pageslen = cpu_to_le32(1),
	};
	struct fastrpc_phy_page mem = {
		.addr = cpu_to_le64(fastrpc_sim_test_addr(FASTRPC_SIM_TEST_IMEM_OFF)),
		.size = cpu_to_le64(FASTRPC_SIM_TEST_IMEM_SIZE),
	};
	__le32 val = cpu_to_le32(0x11223344);
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_CREATE, 4, 0),
		.len = { sizeof(req), 6, 0, sizeof(mem) },
		.data = { &req, "kunit", NULL, &mem },
	};
	struct fastrpc_phy_page *page;
	unsigned int delay_ms;
	u32 handle;
	s32 dlerr;

	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	handle = fastrpc_sim_test_open(test, 300, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);

	fastrpc_sim_test_attach(test, 301);

	/* fill, with out0 in the PD's init memory */
	c = (struct fastrpc_sim_test_call) {
		.pid = 300,
		.handle = handle,
		.sc = FASTRPC_SC(5, 1, 1),
		.len = { sizeof(val), 64 },
		.data = { &val },
	};
	fastrpc_sim_test_build(test, &c);
	page = fastrpc_sim_test_page(t, c.sc, 1);
	page->addr = cpu_to_le64(fastrpc_sim_test_addr(FASTRPC_SIM_TEST_IMEM_OFF +
						       FASTRPC_SIM_TEST_PAGE));
	page->size = cpu_to_le64(FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(imem + FASTRPC_SIM_TEST_PAGE +
						 c.off[1] % FASTRPC_SIM_TEST_PAGE + 60),
			0x11223344);

	/* another PD in the same context bank reaches it too */
	c.msg.pid = cpu_to_le32(301);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EINVHANDLE);

	/* but not with a stream id other than the caller's */
	c.msg.pid = cpu_to_le32(300);
	page->addr = cpu_to_le64(fastrpc_wire_addr(FASTRPC_SIM_TEST_SID + 1,
						   FASTRPC_SIM_TEST_BASE +
						   FASTRPC_SIM_TEST_IMEM_OFF +
						   FASTRPC_SIM_TEST_PAGE));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_run(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FAULTS), 1);

	/* sleep asks for a delayed reply */
	c = (struct fastrpc_sim_test_call) {
		.pid = 300,
		.handle = handle,
		.sc = FASTRPC_SC(3, 1, 0),
		.len = { sizeof(val) },
		.data = { &val },
	};
	val = cpu_to_le32(25);
	fastrpc_sim_test_build(test, &c);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_handle(t->dsp, &c.msg, sizeof(c.msg),
						     &delay_ms), 0);
	KUNIT_EXPECT_EQ(test, delay_ms, 25);

	/* after RELEASE the PD is gone */
	c = (struct fastrpc_sim_test_call) {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_RELEASE, 1, 0),
		.len = { sizeof(req.pgid) },
		.data = { &req.pgid },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);

	c = (struct fastrpc_sim_test_call) {
		.pid = 300,
		.handle = handle,
		.sc = FASTRPC_SC(4, 1, 0),
		.len = { sizeof(val) },
		.data = { &val },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADSTATE);
}

static int fastrpc_sim_test_rx_cb(struct rpmsg_device *rpdev, void *data,
				  int len, void *priv, u32 src)
{
	struct fastrpc_sim_test_rx *rx = priv;

	/* As glink: hard interrupt context, a spinlock held */
	if (!irqs_disabled() || !in_hardirq())
		rx->not_atomic++;

	spin_lock(&rx->lock);
	if (rx->n < FASTRPC_SIM_TEST_MAX_RX) {
		rx->len[rx->n] = len;
		memcpy(rx->data[rx->n], data, min_t(int, len, sizeof(rx->data[0])));
	}
	rx->n++;
	spin_unlock(&rx->lock);
	wake_up(&rx->wq);
	return 0;
}

static unsigned int fastrpc_sim_test_rx_count(struct fastrpc_sim_test *t)
{
	unsigned int n;

	spin_lock_irq(&t->rx.lock);
	n = t->rx.n;
	spin_unlock_irq(&t->rx.lock);
	return n;
}

/* Connect the DSP to an endpoint of the test, with no rpmsg device. */
static void fastrpc_sim_test_connect(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;

	spin_lock_init(&t->rx.lock);
	init_waitqueue_head(&t->rx.wq);
	/* As a transport does: no cb_lock, no refcount */
	KUNIT_ASSERT_EQ(test, fastrpc_sim_dsp_set_ept(t->dsp, &t->ept,
						      fastrpc_sim_test_rx_cb,
						      &t->rx), 0);
	t->ept_set = true;
	fastrpc_sim_dsp_start(t->dsp);
}

/* Queue the request as send() does and wait until it has been handled. */
static void fastrpc_sim_test_queue(struct kunit *test,
				   struct fastrpc_sim_test_call *c, u64 ctx)
{
	struct fastrpc_sim_test *t = test->priv;

	fastrpc_sim_test_build(test, c);
	c->msg.ctx = cpu_to_le64(ctx);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_dsp_queue(t->dsp, &c->msg,
						    sizeof(c->msg)), 0);
	fastrpc_sim_dsp_flush(t->dsp);
}

static void fastrpc_sim_test_expect_rsp(struct kunit *test, unsigned int i,
					int len, u64 ctx, u32 retval)
{
	struct fastrpc_sim_test *t = test->priv;

	KUNIT_ASSERT_LT(test, i, FASTRPC_SIM_TEST_MAX_RX);
	KUNIT_EXPECT_EQ(test, t->rx.len[i], len);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(t->rx.data[i]), ctx);
	if (len == sizeof(struct fastrpc_rsp))
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->rx.data[i] + 8),
				retval);
}

static void fastrpc_sim_test_knobs(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	atomic_t *knobs = t->dsp->knobs;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	/* one reply per request */
	fastrpc_sim_test_queue(test, &c, 0x100);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 1);
	fastrpc_sim_test_expect_rsp(test, 0, 16, 0x100, 0);

	atomic_set(&knobs[FASTRPC_SIM_KNOB_DROP_REPLY], 1);
	fastrpc_sim_test_queue(test, &c, 0x200);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 1);

	atomic_set(&knobs[FASTRPC_SIM_KNOB_DUP_REPLY], 1);
	fastrpc_sim_test_queue(test, &c, 0x300);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 3);
	fastrpc_sim_test_expect_rsp(test, 1, 16, 0x300, 0);
	fastrpc_sim_test_expect_rsp(test, 2, 16, 0x300, 0);

	atomic_set(&knobs[FASTRPC_SIM_KNOB_SHORT_REPLY], 1);
	fastrpc_sim_test_queue(test, &c, 0x400);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 4);
	fastrpc_sim_test_expect_rsp(test, 3, 8, 0x400, 0);

	atomic_set(&knobs[FASTRPC_SIM_KNOB_BAD_CTX], 1);
	fastrpc_sim_test_queue(test, &c, 0x500);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 5);
	fastrpc_sim_test_expect_rsp(test, 4, 16, 0x400, 0);

	atomic_set(&knobs[FASTRPC_SIM_KNOB_NOTIFY], 1);
	fastrpc_sim_test_queue(test, &c, 0x600);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 7);
	fastrpc_sim_test_expect_rsp(test, 5, sizeof(struct fastrpc_notif_rsp),
				    FASTRPC_NOTIF_CTX, 0);
	fastrpc_sim_test_expect_rsp(test, 6, 16, 0x600, 0);

	/* knobs are used up */
	fastrpc_sim_test_queue(test, &c, 0x700);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 8);

	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_MESSAGES), 7);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REPLIES), 7);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_ERRORS), 0);
	/* every message was delivered in hard interrupt context */
	KUNIT_EXPECT_EQ(test, t->rx.not_atomic, 0);
}

/* Replies of lengths between 8 and 16 bytes, and longer than a reply */
static void fastrpc_sim_test_bad_lengths(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_TRUNC_REPLY, 1);
	fastrpc_sim_test_queue(test, &c, 0x100);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 1);
	fastrpc_sim_test_expect_rsp(test, 0, 12, 0x100, 0);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_LONG_REPLY, 1);
	fastrpc_sim_test_queue(test, &c, 0x200);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 2);
	KUNIT_EXPECT_EQ(test, t->rx.len[1], FASTRPC_SIM_LONG_REPLY);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(t->rx.data[1]), 0x200);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->rx.data[1] + 8), 0);

	/* used up */
	fastrpc_sim_test_queue(test, &c, 0x300);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 3);
	fastrpc_sim_test_expect_rsp(test, 2, 16, 0x300, 0);
	KUNIT_EXPECT_EQ(test, t->rx.not_atomic, 0);
}

/* A reply held back goes out after the next one */
static void fastrpc_sim_test_reorder(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_REORDER_REPLY, 1);
	fastrpc_sim_test_queue(test, &c, 0x100);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 0);
	fastrpc_sim_test_queue(test, &c, 0x200);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 2);
	fastrpc_sim_test_expect_rsp(test, 0, 16, 0x200, 0);
	fastrpc_sim_test_expect_rsp(test, 1, 16, 0x100, 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REPLIES), 2);
}

/* The Nth message from now fails to send, the others go through */
static void fastrpc_sim_test_fail_nth(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_FAIL_NTH, 2);
	fastrpc_sim_test_queue(test, &c, 0x100);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_queue(t->dsp, &c.msg,
						    sizeof(c.msg)), -EIO);
	fastrpc_sim_test_queue(test, &c, 0x300);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 2);
	fastrpc_sim_test_expect_rsp(test, 0, 16, 0x100, 0);
	fastrpc_sim_test_expect_rsp(test, 1, 16, 0x300, 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_get_knob(t->dsp,
						       FASTRPC_SIM_KNOB_FAIL_NTH),
			0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_MESSAGES), 2);
}

/* After a crash the DSP answers nothing until it is started again */
static void fastrpc_sim_test_crash_after(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_CRASH_AFTER, 2);
	fastrpc_sim_test_queue(test, &c, 0x100);
	KUNIT_EXPECT_FALSE(test, fastrpc_sim_dsp_crashed(t->dsp));
	fastrpc_sim_test_queue(test, &c, 0x200);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_dsp_crashed(t->dsp));
	/* lost, as in the FIFO of a crashed DSP */
	fastrpc_sim_test_queue(test, &c, 0x300);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 1);

	/* a restart */
	fastrpc_sim_dsp_stop(t->dsp);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_dsp_set_ept(t->dsp, &t->ept,
						      fastrpc_sim_test_rx_cb,
						      &t->rx), 0);
	fastrpc_sim_dsp_start(t->dsp);
	KUNIT_EXPECT_FALSE(test, fastrpc_sim_dsp_crashed(t->dsp));
	fastrpc_sim_test_queue(test, &c, 0x400);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 2);
	fastrpc_sim_test_expect_rsp(test, 1, 16, 0x400, 0);
}

/* A stalled DSP handles nothing; once cleared it handles what it queued */
static void fastrpc_sim_test_stall(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_STALL, 1);
	fastrpc_sim_test_queue(test, &c, 0x100);
	fastrpc_sim_test_queue(test, &c, 0x200);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 0);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_STALL, 0);
	fastrpc_sim_dsp_flush(t->dsp);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 2);

	/* stopping a stalled DSP drops what it queued */
	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_STALL, 1);
	fastrpc_sim_test_queue(test, &c, 0x300);
	fastrpc_sim_dsp_stop(t->dsp);
	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_STALL, 0);
	fastrpc_sim_dsp_flush(t->dsp);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 2);
	KUNIT_EXPECT_EQ(test, t->dsp->nreqs, 0);
}

/* Replies are late by delay_ms */
static void fastrpc_sim_test_delay(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;
	unsigned long t0 = jiffies;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_DELAY_MS, 200);
	fastrpc_sim_test_queue(test, &c, 0x100);
	if (time_before(jiffies, t0 + msecs_to_jiffies(150)))
		KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 0);
	KUNIT_EXPECT_GT(test, wait_event_timeout(t->rx.wq,
						 fastrpc_sim_test_rx_count(t) >= 1,
						 5 * HZ), 0);
	KUNIT_EXPECT_GE(test, jiffies - t0, msecs_to_jiffies(200) - 1);
	fastrpc_sim_test_expect_rsp(test, 0, 16, 0x100, 0);
}

/* The echo endpoint: a bare message and reply, no knob applies */
static void fastrpc_sim_test_echo_ept(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	u8 buf[FASTRPC_SIM_ECHO_MAX + 1];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i * 7;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_DROP_REPLY, 1);
	for (i = 0; i < 100; i++)
		KUNIT_ASSERT_EQ(test, fastrpc_sim_dsp_echo(t->dsp, buf,
							   1 + i % FASTRPC_SIM_ECHO_MAX),
				0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_echo(t->dsp, buf, 0), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_echo(t->dsp, buf, sizeof(buf)),
			-EMSGSIZE);
	/* nothing went to the FastRPC endpoint, nothing was counted */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_get_knob(t->dsp,
						       FASTRPC_SIM_KNOB_DROP_REPLY),
			1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_MESSAGES), 0);

	fastrpc_sim_dsp_stop(t->dsp);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_echo(t->dsp, buf, 8), -EPIPE);
}

/* No callback runs on an endpoint once it is cleared */
static void fastrpc_sim_test_clear_ept(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 n = cpu_to_le32(2);
	struct fastrpc_sim_test_call c;

	fastrpc_sim_test_connect(test);
	fastrpc_sim_test_caps(&c, &n);

	/* a second endpoint is refused */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_set_ept(t->dsp, &t->ept,
						      fastrpc_sim_test_rx_cb,
						      &t->rx), -EBUSY);

	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_STALL, 1);
	fastrpc_sim_test_queue(test, &c, 0x100);
	fastrpc_sim_dsp_clear_ept(t->dsp, &t->ept);
	KUNIT_EXPECT_NULL(test, t->ept.cb);
	fastrpc_sim_dsp_set_knob(t->dsp, FASTRPC_SIM_KNOB_STALL, 0);
	fastrpc_sim_dsp_flush(t->dsp);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 0);
	/* the request was handled all the same */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_MESSAGES), 1);
}

static void fastrpc_sim_test_sleep_release(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 pgid = cpu_to_le32(100), ms = cpu_to_le32(20000);
	struct fastrpc_sim_test_call c;
	unsigned int i, n;
	u32 handle;
	s32 dlerr;

	fastrpc_sim_test_attach(test, 100);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	fastrpc_sim_test_connect(test);

	/* two long sleeps */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(3, 1, 0),
		.len = { sizeof(ms) },
		.data = { &ms },
	};
	fastrpc_sim_test_queue(test, &c, 0x100);
	fastrpc_sim_test_queue(test, &c, 0x200);

	/* other calls are not held up */
	c.sc = FASTRPC_SC(4, 1, 0);
	fastrpc_sim_test_queue(test, &c, 0x300);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 1);
	fastrpc_sim_test_expect_rsp(test, 0, 16, 0x300, 20000);

	/* RELEASE answers both sleeping calls */
	c = (struct fastrpc_sim_test_call) {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_RELEASE, 1, 0),
		.len = { sizeof(pgid) },
		.data = { &pgid },
	};
	fastrpc_sim_test_queue(test, &c, 0x400);
	KUNIT_EXPECT_GT(test, wait_event_timeout(t->rx.wq,
						 fastrpc_sim_test_rx_count(t) >= 4,
						 5 * HZ), 0);
	n = fastrpc_sim_test_rx_count(t);
	KUNIT_ASSERT_EQ(test, n, 4);
	for (i = 1; i < n; i++) {
		u64 ctx = get_unaligned_le64(t->rx.data[i]);
		u32 ret = get_unaligned_le32(t->rx.data[i] + 8);

		KUNIT_EXPECT_EQ(test, ret, ctx == 0x400 ? 0 :
				FASTRPC_SIM_TEST_EBADSTATE);
	}
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_ERRORS), 3);
}

/* An unmap while a call of the same PD sleeps in its method is counted. */
static void fastrpc_sim_test_unmap_in_call(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 pgid = cpu_to_le32(100), ms = cpu_to_le32(20000);
	struct fastrpc_sim_test_call c;
	u32 handle;
	s32 dlerr;

	fastrpc_sim_test_attach(test, 100);
	fastrpc_sim_test_attach(test, 101);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	fastrpc_sim_test_connect(test);

	/* With no call running, an unmap is not counted. */
	fastrpc_sim_test_mem_unmap(test, 100, 0x40000000, FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_UNMAPS_IN_CALL), 0);

	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(3, 1, 0),
		.len = { sizeof(ms) },
		.data = { &ms },
	};
	fastrpc_sim_test_queue(test, &c, 0x100);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 0);

	/* Another PD's unmap is not; this PD's MEM_UNMAP and MUNMAP are. */
	fastrpc_sim_test_mem_unmap(test, 101, 0x40000000, FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_UNMAPS_IN_CALL), 0);
	fastrpc_sim_test_mem_unmap(test, 100, 0x40000000, FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_UNMAPS_IN_CALL), 1);
	fastrpc_sim_test_munmap(test, 100, 0x40000000, FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_UNMAPS_IN_CALL), 2);

	/* Once RELEASE answered the call, the PD is idle again. */
	c = (struct fastrpc_sim_test_call) {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_RELEASE, 1, 0),
		.len = { sizeof(pgid) },
		.data = { &pgid },
	};
	fastrpc_sim_test_queue(test, &c, 0x200);
	KUNIT_EXPECT_GT(test, wait_event_timeout(t->rx.wq,
						 fastrpc_sim_test_rx_count(t) >= 2,
						 5 * HZ), 0);
	fastrpc_sim_test_mem_unmap(test, 100, 0x40000000, FASTRPC_SIM_TEST_PAGE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_UNMAPS_IN_CALL), 2);
}

/*
 * simtest crash: the PD dies with the call. Neither the call nor the PD's
 * sleeping call is answered; a status notification reports the PD dead,
 * and the PD is gone; another PD is not touched.
 */
static void fastrpc_sim_test_pd_crash(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 ms = cpu_to_le32(20000);
	struct fastrpc_sim_test_call c;
	u32 handle, handle2;
	s32 dlerr;
	u8 *rx;

	fastrpc_sim_test_attach(test, 100);
	fastrpc_sim_test_attach(test, 101);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	handle2 = fastrpc_sim_test_open(test, 101, FASTRPC_SIM_TEST_SIMTEST_URI,
					&dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	fastrpc_sim_test_connect(test);

	/* PD 100 sleeps, then crashes */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(3, 1, 0),
		.len = { sizeof(ms) },
		.data = { &ms },
	};
	fastrpc_sim_test_queue(test, &c, 0x100);
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(11, 0, 0),
	};
	fastrpc_sim_test_queue(test, &c, 0x200);
	KUNIT_EXPECT_GT(test, wait_event_timeout(t->rx.wq,
						 fastrpc_sim_test_rx_count(t) >= 1,
						 5 * HZ), 0);
	fastrpc_sim_dsp_flush(t->dsp);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_rx_count(t), 1);
	rx = t->rx.data[0];
	KUNIT_EXPECT_EQ(test, t->rx.len[0], sizeof(struct fastrpc_notif_rsp));
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(rx), FASTRPC_NOTIF_CTX);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(rx + 8),
			FASTRPC_NOTIF_STATUS_RSP);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(rx + 12), 100);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(rx + 16),
			FASTRPC_PD_STATUS_EXCEPTION);

	/* PD 100 is gone, PD 101 answers */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(4, 1, 0),
		.len = { sizeof(ms) },
		.data = { &ms },
	};
	KUNIT_EXPECT_NE(test, fastrpc_sim_test_call(test, &c), 20000);
	c.pid = 101;
	c.handle = handle2;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 20000);
}

static void fastrpc_sim_test_stop(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 ms = cpu_to_le32(20000);
	struct fastrpc_sim_test_call c;
	unsigned long t0 = jiffies;
	u32 handle;
	s32 dlerr;

	fastrpc_sim_test_attach(test, 100);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	fastrpc_sim_test_connect(test);

	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(3, 1, 0),
		.len = { sizeof(ms) },
		.data = { &ms },
	};
	fastrpc_sim_test_queue(test, &c, 0x100);

	/* a crash drops the sleeping call without a reply, at once */
	fastrpc_sim_dsp_stop(t->dsp);
	KUNIT_EXPECT_LT(test, jiffies - t0, 5 * HZ);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_rx_count(t), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_dsp_queue(t->dsp, &c.msg, sizeof(c.msg)),
			-EPIPE);

	/* and forgets the PDs */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADSTATE);
}

static int fastrpc_sim_test_init(struct kunit *test)
{
	struct fastrpc_sim_test *t;
	u32 i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->mem = kunit_kzalloc(test, FASTRPC_SIM_TEST_MEM_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->mem);

	KUNIT_ASSERT_TRUE(test, IS_ALIGNED((unsigned long)t->mem,
					   FASTRPC_SIM_TEST_PAGE));

	t->smmu = fastrpc_sim_smmu_alloc("kunit");
	KUNIT_ASSERT_NOT_NULL(test, t->smmu);
	t->domain = fastrpc_sim_smmu_test_domain(t->smmu, FASTRPC_SIM_TEST_SID);
	KUNIT_ASSERT_NOT_NULL(test, t->domain);
	for (i = 0; i < FASTRPC_SIM_TEST_MEM_PAGES; i++) {
		if (i == 2 || i == 3 || i >= 6)
			continue;
		KUNIT_ASSERT_EQ(test,
				iommu_map(t->domain, FASTRPC_SIM_TEST_BASE +
					  i * FASTRPC_SIM_TEST_PAGE,
					  virt_to_phys(t->mem +
						       i * FASTRPC_SIM_TEST_PAGE),
					  FASTRPC_SIM_TEST_PAGE,
					  IOMMU_READ | IOMMU_WRITE, GFP_KERNEL),
				0);
	}

	t->dsp = fastrpc_sim_dsp_create("kunit", &fastrpc_sim_smmu_mem_ops,
					t->smmu);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->dsp);

	test->priv = t;
	return 0;
}

static void fastrpc_sim_test_exit(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;

	if (t->ept_set) {
		fastrpc_sim_dsp_stop(t->dsp);
		fastrpc_sim_dsp_clear_ept(t->dsp, &t->ept);
	}
	if (t->dsp)
		fastrpc_sim_dsp_destroy(t->dsp);
	if (t->domain)
		iommu_domain_free(t->domain);
	if (t->smmu)
		fastrpc_sim_smmu_free(t->smmu);
}

static struct kunit_case fastrpc_sim_test_cases[] = {
	KUNIT_CASE(fastrpc_sim_test_good_request),
	KUNIT_CASE(fastrpc_sim_test_pages_outside_payload),
	KUNIT_CASE(fastrpc_sim_test_arg_past_pages),
	KUNIT_CASE(fastrpc_sim_test_nargs_too_large),
	KUNIT_CASE(fastrpc_sim_test_overflow),
	KUNIT_CASE(fastrpc_sim_test_calculator),
	KUNIT_CASE(fastrpc_sim_test_echo),
	KUNIT_CASE(fastrpc_sim_test_handles),
	KUNIT_CASE(fastrpc_sim_test_init_memory),
	KUNIT_CASE(fastrpc_sim_test_smmu_domain),
	KUNIT_CASE(fastrpc_sim_test_discontiguous),
	KUNIT_CASE(fastrpc_sim_test_other_sid),
	KUNIT_CASE(fastrpc_sim_test_dsp_maps),
	KUNIT_CASE(fastrpc_sim_test_knobs),
	KUNIT_CASE(fastrpc_sim_test_bad_lengths),
	KUNIT_CASE(fastrpc_sim_test_reorder),
	KUNIT_CASE(fastrpc_sim_test_fail_nth),
	KUNIT_CASE(fastrpc_sim_test_crash_after),
	KUNIT_CASE(fastrpc_sim_test_stall),
	KUNIT_CASE(fastrpc_sim_test_delay),
	KUNIT_CASE(fastrpc_sim_test_echo_ept),
	KUNIT_CASE(fastrpc_sim_test_clear_ept),
	KUNIT_CASE(fastrpc_sim_test_sleep_release),
	KUNIT_CASE(fastrpc_sim_test_unmap_in_call),
	KUNIT_CASE(fastrpc_sim_test_pd_crash),
	KUNIT_CASE(fastrpc_sim_test_stop),
	{}
};

static struct kunit_suite fastrpc_sim_test_suite = {
	.name = "fastrpc_sim",
	.init = fastrpc_sim_test_init,
	.exit = fastrpc_sim_test_exit,
	.test_cases = fastrpc_sim_test_cases,
};

kunit_test_suite(fastrpc_sim_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of the simulated FastRPC DSP");
MODULE_LICENSE("GPL");
