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
#include <linux/delay.h>
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

#include "fastrpc_proto.h"
#include "fastrpc_sim.h"

#define FASTRPC_SIM_TEST_PAGE		4096
#define FASTRPC_SIM_TEST_BASE		0x10000000ULL
#define FASTRPC_SIM_TEST_SID		3
#define FASTRPC_SIM_TEST_MEM_PAGES	18
#define FASTRPC_SIM_TEST_MEM_SIZE	\
	(FASTRPC_SIM_TEST_MEM_PAGES * FASTRPC_SIM_TEST_PAGE)
/*
 * Pages 0-1: payload; 4-5: init memory of a PD; all four are mapped.
 * Pages 2-3 and 6-7 are not mapped: memory nobody described. Pages 8-15,
 * mapped, are the payloads of requests that wait while others run (slots
 * 0-3), and 16-17, mapped, pages a host gives a PD's heap.
 */
#define FASTRPC_SIM_TEST_PAYLOAD_SIZE	(2 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_IMEM_OFF	(4 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_IMEM_SIZE	(2 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_OUTSIDE_OFF	(6 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_MAX_BUFS	8
#define FASTRPC_SIM_TEST_SLOT(n)	((8 + 2 * (n)) * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_HEAP_OFF	(16 * FASTRPC_SIM_TEST_PAGE)
#define FASTRPC_SIM_TEST_HEAP_SIZE	(2 * FASTRPC_SIM_TEST_PAGE)

#define FASTRPC_SIM_TEST_EBADPARM	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADPARM)
#define FASTRPC_SIM_TEST_EBADSTATE	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE)
#define FASTRPC_SIM_TEST_EINVHANDLE	FASTRPC_DSP_ERR(FASTRPC_AEE_EINVHANDLE)
#define FASTRPC_SIM_TEST_ENOSUCHMOD	FASTRPC_DSP_ERR(FASTRPC_AEE_ENOSUCHMOD)

#define FASTRPC_SIM_TEST_CALC_URI \
	"file:///libcalculator_skel.so?calculator_skel_handle_invoke&_modver=1.0&_dom=cdsp"
#define FASTRPC_SIM_TEST_SIMTEST_URI \
	"file:///libsimtest_skel.so?simtest_skel_handle_invoke"

#define FASTRPC_SIM_TEST_MAX_RX		64

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
	u64 ctx_seq;
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

/*
 * Lay the request out in the payload as the drivers do, inline, in the
 * payload at @base of the test memory.
 */
static void fastrpc_sim_test_build_at(struct kunit *test,
				      struct fastrpc_sim_test_call *c,
				      size_t base)
{
	struct fastrpc_sim_test *t = test->priv;
	u32 nargs = fastrpc_sc_nargs(c->sc);
	u32 nbufs = fastrpc_sc_nbufs(c->sc);
	struct fastrpc_invoke_buf *list;
	u8 *p = t->mem + base;
	size_t off;
	u32 i;

	KUNIT_ASSERT_LE(test, nbufs, FASTRPC_SIM_TEST_MAX_BUFS);
	memset(p, 0, FASTRPC_SIM_TEST_PAYLOAD_SIZE);

	list = (struct fastrpc_invoke_buf *)
		(p + nargs * sizeof(union fastrpc_remote_arg));
	off = base + ALIGN(fastrpc_meta_len(nargs), FASTRPC_INLINE_ALIGN);
	for (i = 0; i < nbufs; i++) {
		union fastrpc_remote_arg *rpra = (union fastrpc_remote_arg *)p + i;
		struct fastrpc_phy_page *page = (struct fastrpc_phy_page *)
			(p + nargs * (sizeof(union fastrpc_remote_arg) +
				      sizeof(struct fastrpc_invoke_buf))) + i;
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
	KUNIT_ASSERT_LE(test, off, base + FASTRPC_SIM_TEST_PAYLOAD_SIZE);

	c->msg = (struct fastrpc_msg) {
		.pid = cpu_to_le32(c->pid),
		.tid = cpu_to_le32(1),
		.ctx = cpu_to_le64(0x12345600),
		.handle = cpu_to_le32(c->handle),
		.sc = cpu_to_le32(c->sc),
		.addr = cpu_to_le64(fastrpc_sim_test_addr(base)),
		.size = cpu_to_le64(FASTRPC_SIM_TEST_PAYLOAD_SIZE),
	};
}

static void fastrpc_sim_test_build(struct kunit *test,
				   struct fastrpc_sim_test_call *c)
{
	fastrpc_sim_test_build_at(test, c, 0);
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

	/* pages 0-1, 4-5 and 8-17 */
	KUNIT_EXPECT_EQ(test, pages, 14);
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

/* INIT CREATE_STATIC of @name for @pgid, with the heap [@addr, +@size) */
static u32 fastrpc_sim_test_create_static(struct kunit *test, u32 pgid,
					  const char *name, u64 addr, u64 size)
{
	struct fastrpc_create_static_req req = {
		.pgid = cpu_to_le32(pgid),
		.namelen = cpu_to_le32(strlen(name) + 1),
	};
	struct fastrpc_phy_page heap = {
		.addr = cpu_to_le64(addr),
		.size = cpu_to_le64(size),
	};
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_CREATE_STATIC, 3, 0),
		.len = { sizeof(req), strlen(name) + 1, sizeof(heap) },
		.data = { &req, name, &heap },
	};

	return fastrpc_sim_test_call(test, &c);
}

/* INIT MMAP with REMOTE_HEAP of physical [@addr, +@size) for @pgid */
static u32 fastrpc_sim_test_remote_heap(struct kunit *test, u32 pgid,
					u64 addr, u64 size, u64 *dsp_addr)
{
	struct fastrpc_mmap_req req = {
		.pgid = cpu_to_le32(pgid),
		.flags = cpu_to_le32(FASTRPC_MMAP_REMOTE_HEAP),
		.num = cpu_to_le32(sizeof(struct fastrpc_phy_page)),
	};
	struct fastrpc_phy_page page = {
		.addr = cpu_to_le64(addr),
		.size = cpu_to_le64(size),
	};
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_MMAP, 2, 1),
		.len = { sizeof(req), sizeof(page), sizeof(u64) },
		.data = { &req, &page },
	};
	u32 ret;

	ret = fastrpc_sim_test_call(test, &c);
	*dsp_addr = get_unaligned_le64(fastrpc_sim_test_out(test, &c, 2));
	return ret;
}

/*
 * Static PDs run only on a DSP with a reserved region, with their heap and
 * remote heap in it, and never in a region that needed a VM assignment.
 */
static void fastrpc_sim_test_static_pd(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	const u64 base = 0x80000000ULL, mib = 1024 * 1024;
	u64 dsp_addr = 0;

	/* No region: no static PD */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_create_static(test, 40, "audiopd",
							     base, 3 * mib),
			FASTRPC_DSP_ERR(FASTRPC_AEE_EUNSUPPORTED));

	/* The sim never touches the region's memory: any address will do */
	t->dsp->region_phys = base;
	t->dsp->region_size = 4 * mib;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_create_static(test, 40, "oispd",
							     base, 3 * mib),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_create_static(test, 40, "audiopd",
							     base + mib,
							     4 * mib),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test,
						    FASTRPC_SIM_STAT_REGION_FAULTS), 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_create_static(test, 40, "audiopd",
							     base, 3 * mib), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test,
						    FASTRPC_SIM_STAT_STATIC_PDS), 1);
	/* Another client names the same heap, and only that one */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_create_static(test, 41, "audiopd",
							     base + mib, mib),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_create_static(test, 41, "audiopd",
							     base, 3 * mib), 0);

	/* Remote heap: physical pages of the region, as a heap mapping */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_remote_heap(test, 40,
							   base + 3 * mib,
							   2 * mib, &dsp_addr),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_remote_heap(test, 40,
							   base + 3 * mib,
							   mib, &dsp_addr), 0);
	KUNIT_EXPECT_NE(test, dsp_addr, 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test,
						    FASTRPC_SIM_STAT_REGION_MAPS), 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_munmap(test, 40, dsp_addr, mib),
			0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test,
						    FASTRPC_SIM_STAT_REGION_MAPS), 0);

	/* A region that had to be assigned to the DSP's VMs: refused */
	t->dsp->region_vmids = true;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_remote_heap(test, 40,
							   base + 3 * mib,
							   mib, &dsp_addr),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test,
						    FASTRPC_SIM_STAT_REGION_FAULTS), 3);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test,
						    FASTRPC_SIM_STAT_REGION_MAPS), 0);

	/* A restart forgets the heap */
	fastrpc_sim_dsp_forget_pds(t->dsp);
	KUNIT_EXPECT_EQ(test, t->dsp->static_heap, 0);
	t->dsp->region_vmids = false;
	t->dsp->region_size = 0;
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

/* ---- the DSP calling back: listener, apps_std, apps_mem, FARF ---- */

#define FASTRPC_SIM_TEST_ERPC		0x80000600
#define FASTRPC_SIM_TEST_ENOMEMORY	FASTRPC_DSP_ERR(FASTRPC_AEE_ENOMEMORY)
#define FASTRPC_SIM_TEST_EUNSUPPORTED	FASTRPC_DSP_ERR(FASTRPC_AEE_EUNSUPPORTED)
#define FASTRPC_SIM_TEST_CALC_LIB	"libcalculator_skel.so"
/* Reverse handles the fake host gives its modules */
#define FASTRPC_SIM_TEST_H_STD		0x57d
#define FASTRPC_SIM_TEST_H_MEM		0x3e3
#define FASTRPC_SIM_TEST_H_MSGD		0x1095
#define FASTRPC_SIM_TEST_FD		5
#define FASTRPC_SIM_TEST_REQ_MAX	8192
#define FASTRPC_SIM_TEST_PREV_MAX	1024
#define FASTRPC_SIM_TEST_LOGS		80
/* A host error of apps_std (AEE_ENOSUCH) */
#define FASTRPC_SIM_TEST_HOST_ERR	39

/**
 * struct fastrpc_sim_test_lsn - a host listener thread, as the library's
 * @pid: its PD
 * @slot: payload of its calls
 * @ctx: msg.ctx of its outstanding next2
 * @c: its outstanding next2
 * @prev_ctx: next2 in0: the reverse call answered, 0 for none
 * @prev_result: next2 in0: its result
 * @prev_len: next2 in0: bytes of @prevbufs
 * @bufs_len: next2 in0: room offered for the request
 * @prevbufs: next2 in1: the answer's out-buffers, packed
 * @rctx: the request received: its context
 * @rhandle: its reverse handle
 * @rsc: its scalars word
 * @req_len: length of @req
 * @req: its packed in-buffers and out-buffer lengths
 */
struct fastrpc_sim_test_lsn {
	u32 pid;
	size_t slot;
	u64 ctx;
	struct fastrpc_sim_test_call c;
	u32 prev_ctx;
	u32 prev_result;
	u32 prev_len;
	u32 bufs_len;
	u8 prevbufs[FASTRPC_SIM_TEST_PREV_MAX];
	u32 rctx;
	u32 rhandle;
	u32 rsc;
	u32 req_len;
	u8 req[FASTRPC_SIM_TEST_REQ_MAX];
};

/**
 * struct fastrpc_sim_test_host - the host modules a listener serves
 * @l: the listener
 * @file: the file apps_std finds, or NULL
 * @data: its bytes
 * @len: their number
 * @flen: what flen answers
 * @nread: what fread says it read
 * @heap: INIT MMAP heap pages for apps_mem request_map64
 * @map_err: request_map64 fails with this result
 * @vadsp_delta: added to the DSP address request_map64 answers
 * @mmap_ret: retval of the INIT MMAP
 * @calls: reverse calls served, per handle (0 remotectl, 1 std, 2 mem,
 *         3 msgd) and method
 * @name: the last file name fopen_with_env was given
 * @req: the last request_map64 in0
 * @nlogs: FARF messages logged
 * @logs: their first bytes (struct fastrpc_sim_farf_node)
 */
struct fastrpc_sim_test_host {
	struct fastrpc_sim_test_lsn *l;
	const char *file;
	const void *data;
	u32 len;
	u64 flen;
	u32 nread;
	bool heap;
	u32 map_err;
	u64 vadsp_delta;
	u32 mmap_ret;
	unsigned int calls[4][32];
	char name[64];
	u8 req[32];
	unsigned int nlogs;
	u8 logs[FASTRPC_SIM_TEST_LOGS][64];
};

static u64 fastrpc_sim_test_ctx(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;

	return 0x7000000000ULL + (++t->ctx_seq << 16);
}

/* Queue @c, laid out at payload @base; returns its msg.ctx. */
static u64 fastrpc_sim_test_send(struct kunit *test,
				 struct fastrpc_sim_test_call *c, size_t base)
{
	struct fastrpc_sim_test *t = test->priv;
	u64 ctx = fastrpc_sim_test_ctx(test);

	fastrpc_sim_test_build_at(test, c, base);
	c->msg.ctx = cpu_to_le64(ctx);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_dsp_queue(t->dsp, &c->msg,
						    sizeof(c->msg)), 0);
	return ctx;
}

/* Let every queued request, and those it resumes, run. */
static void fastrpc_sim_test_settle(struct fastrpc_sim_test *t)
{
	int i;

	for (i = 0; i < 4; i++)
		fastrpc_sim_dsp_flush(t->dsp);
}

static bool fastrpc_sim_test_got(struct fastrpc_sim_test *t, u64 ctx,
				 u32 *retval)
{
	unsigned int i;
	bool found = false;

	spin_lock_irq(&t->rx.lock);
	for (i = 0; i < min(t->rx.n, FASTRPC_SIM_TEST_MAX_RX); i++) {
		if (t->rx.len[i] != sizeof(struct fastrpc_rsp) ||
		    get_unaligned_le64(t->rx.data[i]) != ctx)
			continue;
		*retval = get_unaligned_le32(t->rx.data[i] + 8);
		found = true;
		break;
	}
	spin_unlock_irq(&t->rx.lock);
	return found;
}

/* Wait up to 5 s for the reply to @ctx. */
static bool fastrpc_sim_test_wait(struct kunit *test, u64 ctx, u32 *retval)
{
	struct fastrpc_sim_test *t = test->priv;

	wait_event_timeout(t->rx.wq, fastrpc_sim_test_got(t, ctx, retval),
			   5 * HZ);
	return fastrpc_sim_test_got(t, ctx, retval);
}

/* Is the request @ctx unanswered once everything ran? */
static bool fastrpc_sim_test_parked(struct kunit *test, u64 ctx)
{
	struct fastrpc_sim_test *t = test->priv;
	u32 retval;

	fastrpc_sim_test_settle(t);
	return !fastrpc_sim_test_got(t, ctx, &retval);
}

static void fastrpc_sim_test_rx_reset(struct fastrpc_sim_test *t)
{
	spin_lock_irq(&t->rx.lock);
	t->rx.n = 0;
	spin_unlock_irq(&t->rx.lock);
}

/* A call with no arguments, e.g. init2 or exit */
static u32 fastrpc_sim_test_call0(struct kunit *test, u32 pid, u32 handle,
				  u32 method)
{
	struct fastrpc_sim_test_call c = {
		.pid = pid,
		.handle = handle,
		.sc = FASTRPC_SC(method, 0, 0),
	};

	return fastrpc_sim_test_call(test, &c);
}

static struct fastrpc_sim_test_lsn *
fastrpc_sim_test_lsn_new(struct kunit *test, u32 pid, size_t slot)
{
	struct fastrpc_sim_test_lsn *l;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	l->pid = pid;
	l->slot = slot;
	l->prev_result = -1;	/* as the library's first next2 */
	return l;
}

/* next2 (handle 7 m6), carrying the answer in @l in an in1 of @in1 bytes */
static void fastrpc_sim_test_lsn_send_in1(struct kunit *test,
					  struct fastrpc_sim_test_lsn *l,
					  u32 in1)
{
	__le32 in[4] = {
		cpu_to_le32(l->prev_ctx), cpu_to_le32(l->prev_result),
		cpu_to_le32(l->prev_len), cpu_to_le32(l->bufs_len),
	};

	l->c = (struct fastrpc_sim_test_call) {
		.pid = l->pid,
		.handle = FASTRPC_HANDLE_LISTENER1,
		.sc = FASTRPC_SC(6, 2, 2),
		.len = { sizeof(in), in1, 16, l->bufs_len },
		.data = { in, l->prevbufs },
	};
	l->ctx = fastrpc_sim_test_send(test, &l->c, l->slot);
}

static void fastrpc_sim_test_lsn_send(struct kunit *test,
				      struct fastrpc_sim_test_lsn *l)
{
	fastrpc_sim_test_lsn_send_in1(test, l, l->prev_len);
}

/*
 * Take the request the outstanding next2 answered with, and the rest of it
 * with get_in_bufs2 (handle 7 m7). Returns the next2's retval, or -1 if it
 * is parked (@wait: after 5 s).
 */
static s64 fastrpc_sim_test_lsn_recv(struct kunit *test,
				     struct fastrpc_sim_test_lsn *l, bool wait)
{
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_sim_test_call c;
	__le32 in[3];
	u32 ret, n;
	u8 *out;

	if (wait) {
		if (!fastrpc_sim_test_wait(test, l->ctx, &ret))
			return -1;
	} else {
		fastrpc_sim_test_settle(t);
		if (!fastrpc_sim_test_got(t, l->ctx, &ret))
			return -1;
	}
	if (ret)
		return ret;

	out = t->mem + l->c.off[2];
	l->rctx = get_unaligned_le32(out);
	l->rhandle = get_unaligned_le32(out + 4);
	l->rsc = get_unaligned_le32(out + 8);
	l->req_len = get_unaligned_le32(out + 12);
	KUNIT_ASSERT_LE(test, l->req_len, FASTRPC_SIM_TEST_REQ_MAX);
	n = min(l->req_len, l->bufs_len);
	memcpy(l->req, t->mem + l->c.off[3], n);
	if (n == l->req_len)
		return 0;

	in[0] = cpu_to_le32(l->rctx);
	in[1] = cpu_to_le32(n);
	in[2] = cpu_to_le32(l->req_len - n);
	c = (struct fastrpc_sim_test_call) {
		.pid = l->pid,
		.handle = FASTRPC_HANDLE_LISTENER1,
		.sc = FASTRPC_SC(7, 1, 2),
		.len = { sizeof(in), 4, l->req_len - n },
		.data = { in },
	};
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test,
						      fastrpc_sim_test_send(test, &c, l->slot),
						      &ret));
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->mem + c.off[1]), l->req_len);
	memcpy(l->req + n, t->mem + c.off[2], l->req_len - n);
	return 0;
}

/* Find the arguments in a packed request, as listener_buf.h unpacks it. */
static bool fastrpc_sim_test_unpack(const u8 *buf, u32 len, u32 sc,
				    const u8 **in, u32 *in_len, u32 *out_len)
{
	u32 nin = fastrpc_sc_inbufs(sc), nout = fastrpc_sc_outbufs(sc);
	u32 off = 0, i;

	for (i = 0; i < nin; i++) {
		if (off + 4 > len)
			return false;
		in_len[i] = get_unaligned_le32(buf + off);
		off += 4;
		in[i] = NULL;
		if (!in_len[i])
			continue;
		off = ALIGN(off, 8);
		if (off > len || len - off < in_len[i])
			return false;
		in[i] = buf + off;
		off += in_len[i];
	}
	for (i = 0; i < nout; i++) {
		if (off + 4 > len)
			return false;
		out_len[i] = get_unaligned_le32(buf + off);
		off += 4;
	}
	return off == len;
}

/* Pack out-buffers into the listener's next answer, as listener_buf.h. */
static void fastrpc_sim_test_pack(struct kunit *test,
				  struct fastrpc_sim_test_lsn *l, u32 nout,
				  const u32 *len, const void * const *data)
{
	u32 off = 0, i;

	memset(l->prevbufs, 0, sizeof(l->prevbufs));
	for (i = 0; i < nout; i++) {
		KUNIT_ASSERT_LE(test, off + 12 + len[i], sizeof(l->prevbufs));
		put_unaligned_le32(len[i], l->prevbufs + off);
		off += 4;
		if (!len[i])
			continue;
		off = ALIGN(off, 8);
		memcpy(l->prevbufs + off, data[i], len[i]);
		off += len[i];
	}
	l->prev_len = off;
}

/* apps_mem request_map64: the host maps heap pages with INIT MMAP. */
static u32 fastrpc_sim_test_host_map(struct kunit *test,
				     struct fastrpc_sim_test_host *h,
				     u64 *vadsp)
{
	struct fastrpc_mmap_req req = {
		.pgid = cpu_to_le32(h->l->pid),
		.flags = cpu_to_le32(FASTRPC_MMAP_ADD_PAGES),
		.num = cpu_to_le32(sizeof(struct fastrpc_phy_page)),
	};
	struct fastrpc_phy_page pg = {
		.addr = cpu_to_le64(fastrpc_sim_test_addr(FASTRPC_SIM_TEST_HEAP_OFF)),
		.size = cpu_to_le64(FASTRPC_SIM_TEST_HEAP_SIZE),
	};
	struct fastrpc_sim_test_call c = {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_MMAP, 2, 1),
		.len = { sizeof(req), sizeof(pg), sizeof(u64) },
		.data = { &req, &pg },
	};
	struct fastrpc_sim_test *t = test->priv;
	u32 ret;
	u64 ctx;

	/* While the grow call and another next2 wait in the DSP */
	ctx = fastrpc_sim_test_send(test, &c, FASTRPC_SIM_TEST_SLOT(2));
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	*vadsp = get_unaligned_le64(t->mem + c.off[2]);
	return ret;
}

/* Serve the request the listener holds; set its answer. */
static void fastrpc_sim_test_host_serve(struct kunit *test,
					struct fastrpc_sim_test_host *h)
{
	struct fastrpc_sim_test_lsn *l = h->l;
	u32 method = fastrpc_sc_method(l->rsc), in_len[8], out_len[4];
	const void *out[4] = { NULL };
	u8 out0[16] = { 0 }, dlerr[64] = { 0 };
	const u8 *in[8];
	unsigned int mod, k;
	u32 result = 0;
	u64 vadsp;

	KUNIT_ASSERT_LE(test, fastrpc_sc_inbufs(l->rsc), 8);
	KUNIT_ASSERT_LE(test, fastrpc_sc_outbufs(l->rsc), 2);
	KUNIT_ASSERT_EQ(test, l->rsc & 0xff, 0);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_unpack(l->req, l->req_len,
							l->rsc, in, in_len,
							out_len));
	switch (l->rhandle) {
	case 0:
		mod = 0;
		break;
	case FASTRPC_SIM_TEST_H_STD:
		mod = 1;
		break;
	case FASTRPC_SIM_TEST_H_MEM:
		mod = 2;
		break;
	case FASTRPC_SIM_TEST_H_MSGD:
		mod = 3;
		break;
	default:
		KUNIT_FAIL(test, "reverse call to handle %#x", l->rhandle);
		return;
	}
	KUNIT_ASSERT_LT(test, method, 32);
	h->calls[mod][method]++;
	out[0] = out0;

	switch (mod * 32 + method) {
	case 0 * 32 + 0:	/* apps_remotectl open */
		KUNIT_ASSERT_EQ(test, l->rsc, 0x00020200);
		KUNIT_ASSERT_EQ(test, in_len[0], 8);
		KUNIT_ASSERT_EQ(test, get_unaligned_le32(in[0]), in_len[1]);
		KUNIT_ASSERT_EQ(test, in[1][in_len[1] - 1], 0);
		KUNIT_ASSERT_EQ(test, out_len[0], 8);
		KUNIT_ASSERT_EQ(test, out_len[1], get_unaligned_le32(in[0] + 4));
		KUNIT_ASSERT_LE(test, out_len[1], sizeof(dlerr));
		if (!strcmp((const char *)in[1], "apps_std"))
			put_unaligned_le32(FASTRPC_SIM_TEST_H_STD, out0);
		else if (!strcmp((const char *)in[1], "apps_mem"))
			put_unaligned_le32(FASTRPC_SIM_TEST_H_MEM, out0);
		else if (!strcmp((const char *)in[1], "adspmsgd_apps"))
			put_unaligned_le32(FASTRPC_SIM_TEST_H_MSGD, out0);
		else
			put_unaligned_le32(-1, out0 + 4);
		out[1] = dlerr;
		break;
	case 1 * 32 + 19:	/* apps_std fopen_with_env */
		KUNIT_ASSERT_EQ(test, l->rsc, 0x13050100);
		KUNIT_ASSERT_EQ(test, in_len[0], 16);
		KUNIT_EXPECT_STREQ(test, (const char *)in[1], "ADSP_LIBRARY_PATH");
		KUNIT_EXPECT_STREQ(test, (const char *)in[2], ";");
		KUNIT_EXPECT_STREQ(test, (const char *)in[4], "r");
		KUNIT_ASSERT_EQ(test, get_unaligned_le32(in[0] + 8), in_len[3]);
		KUNIT_ASSERT_LT(test, in_len[3], sizeof(h->name));
		KUNIT_ASSERT_EQ(test, in[3][in_len[3] - 1], 0);
		strscpy(h->name, (const char *)in[3]);
		if (h->file && !strcmp(h->name, h->file))
			put_unaligned_le32(FASTRPC_SIM_TEST_FD, out0);
		else
			result = FASTRPC_SIM_TEST_HOST_ERR;
		break;
	case 1 * 32 + 10:	/* apps_std flen */
		KUNIT_ASSERT_EQ(test, l->rsc, 0x0A010100);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(in[0]), FASTRPC_SIM_TEST_FD);
		KUNIT_ASSERT_EQ(test, out_len[0], 8);
		put_unaligned_le64(h->flen, out0);
		break;
	case 1 * 32 + 4:	/* apps_std fread */
		KUNIT_ASSERT_EQ(test, l->rsc, 0x04010200);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(in[0]), FASTRPC_SIM_TEST_FD);
		KUNIT_ASSERT_EQ(test, get_unaligned_le32(in[0] + 4), out_len[1]);
		KUNIT_ASSERT_LE(test, out_len[1], h->len);
		put_unaligned_le32(h->nread, out0);
		put_unaligned_le32(1, out0 + 4);
		out[1] = h->data;
		break;
	case 1 * 32 + 3:	/* apps_std fclose */
		KUNIT_ASSERT_EQ(test, l->rsc, 0x03010000);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(in[0]), FASTRPC_SIM_TEST_FD);
		break;
	case 2 * 32 + 2:	/* apps_mem request_map64 */
		KUNIT_ASSERT_EQ(test, l->rsc, 0x02010100);
		KUNIT_ASSERT_EQ(test, in_len[0], 32);
		KUNIT_ASSERT_EQ(test, out_len[0], 16);
		memcpy(h->req, in[0], sizeof(h->req));
		if (h->map_err) {
			result = h->map_err;
			break;
		}
		KUNIT_ASSERT_EQ(test, fastrpc_sim_test_host_map(test, h, &vadsp),
				h->mmap_ret);
		put_unaligned_le64(0x7f0000001000ULL, out0);
		put_unaligned_le64(vadsp + h->vadsp_delta, out0 + 8);
		break;
	case 3 * 32 + 0:	/* adspmsgd_apps log */
		KUNIT_ASSERT_EQ(test, l->rsc, 0x00020000);
		KUNIT_ASSERT_EQ(test, get_unaligned_le32(in[0]), in_len[1]);
		KUNIT_ASSERT_EQ(test, in_len[1] % 256, 0);
		for (k = 0; k < in_len[1] / 256; k++) {
			KUNIT_ASSERT_LT(test, h->nlogs, FASTRPC_SIM_TEST_LOGS);
			memcpy(h->logs[h->nlogs++], in[1] + k * 256, 64);
			/* the file name, at the end of the node */
			KUNIT_EXPECT_STREQ(test, (const char *)in[1] + k * 256 + 226,
					   "simtest.c");
		}
		break;
	default:
		KUNIT_FAIL(test, "reverse method %u of handle %#x", method,
			   l->rhandle);
		return;
	}

	l->prev_ctx = l->rctx;
	l->prev_result = result;
	l->prev_len = 0;	/* the library sends no out-buffers on error */
	if (!result)
		fastrpc_sim_test_pack(test, l, fastrpc_sc_outbufs(l->rsc),
				      out_len, out);
	l->bufs_len = 256;	/* the library grows its buffer */
}

/*
 * Serve requests until the listener's next2 parks: the first one is
 * waited for. Returns the number served.
 */
static unsigned int fastrpc_sim_test_host_loop(struct kunit *test,
					       struct fastrpc_sim_test_host *h)
{
	unsigned int n = 0;
	s64 r;

	r = fastrpc_sim_test_lsn_recv(test, h->l, true);
	while (!r) {
		fastrpc_sim_test_host_serve(test, h);
		n++;
		fastrpc_sim_test_lsn_send(test, h->l);
		r = fastrpc_sim_test_lsn_recv(test, h->l, false);
	}
	KUNIT_EXPECT_EQ(test, r, -1);
	return n;
}

/* Serve with whichever of @n listeners got a request (waiting up to 5 s) */
static void fastrpc_sim_test_host_pick(struct kunit *test,
				       struct fastrpc_sim_test_host *h,
				       struct fastrpc_sim_test_lsn **ls,
				       unsigned int n)
{
	struct fastrpc_sim_test *t = test->priv;
	unsigned long end = jiffies + 5 * HZ;
	unsigned int i;
	u32 ret;

	do {
		fastrpc_sim_test_settle(t);
		for (i = 0; i < n; i++) {
			if (fastrpc_sim_test_got(t, ls[i]->ctx, &ret)) {
				h->l = ls[i];
				return;
			}
		}
		msleep(20);
	} while (time_before(jiffies, end));
	KUNIT_FAIL(test, "no next2 answered");
}

/* The file apps_std serves: all of it is read */
static void fastrpc_sim_test_host_file(struct fastrpc_sim_test_host *h,
				       const char *name, const void *data,
				       u32 len)
{
	h->file = name;
	h->data = data;
	h->len = len;
	h->flen = len;
	h->nread = len;
}

/* PD @pgid with a listener whose next2 is parked */
static struct fastrpc_sim_test_host *
fastrpc_sim_test_host_new(struct kunit *test, u32 pgid)
{
	struct fastrpc_sim_test_host *h;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->l = fastrpc_sim_test_lsn_new(test, pgid, FASTRPC_SIM_TEST_SLOT(0));

	fastrpc_sim_test_attach(test, pgid);
	fastrpc_sim_test_connect(test);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_call0(test, pgid,
						     FASTRPC_HANDLE_LISTENER1, 5),
			0);
	fastrpc_sim_test_lsn_send(test, h->l);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_parked(test, h->l->ctx));
	return h;
}

/* remotectl1 open1 of @uri at payload slot 1, queued; returns its ctx */
static u64 fastrpc_sim_test_open_send(struct kunit *test, u32 pgid,
				      const char *uri,
				      struct fastrpc_sim_test_call *c)
{
	__le32 hdr[2] = { cpu_to_le32(strlen(uri) + 1), cpu_to_le32(64) };

	*c = (struct fastrpc_sim_test_call) {
		.pid = pgid,
		.handle = FASTRPC_HANDLE_REMOTECTL1,
		.sc = FASTRPC_SC(2, 2, 2),
		.len = { sizeof(hdr), strlen(uri) + 1, 8, 64 },
		.data = { hdr, uri },
	};
	return fastrpc_sim_test_send(test, c, FASTRPC_SIM_TEST_SLOT(1));
}

static const u8 fastrpc_sim_test_elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

/*
 * A module loaded through the host: apps_remotectl open of apps_std, then
 * fopen_with_env, flen, fread, fclose; a second open loads nothing.
 */
static void fastrpc_sim_test_rev_load(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_sim_test_host *h;
	struct fastrpc_sim_test_call c;
	u32 ret, handle;
	s32 dlerr;
	u64 ctx;

	h = fastrpc_sim_test_host_new(test, 100);
	t->dsp->host_loader = true;
	fastrpc_sim_test_host_file(h, FASTRPC_SIM_TEST_CALC_LIB,
				   fastrpc_sim_test_elf,
				   sizeof(fastrpc_sim_test_elf));

	ctx = fastrpc_sim_test_open_send(test, 100, FASTRPC_SIM_TEST_CALC_URI,
					 &c);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 5);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	handle = get_unaligned_le32(t->mem + c.off[2]);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->mem + c.off[2] + 4), 0);
	KUNIT_EXPECT_GE(test, handle, 0x1000);
	KUNIT_EXPECT_STREQ(test, h->name, FASTRPC_SIM_TEST_CALC_LIB);
	KUNIT_EXPECT_EQ(test, h->calls[0][0], 1);
	KUNIT_EXPECT_EQ(test, h->calls[1][19], 1);
	KUNIT_EXPECT_EQ(test, h->calls[1][10], 1);
	KUNIT_EXPECT_EQ(test, h->calls[1][4], 1);
	KUNIT_EXPECT_EQ(test, h->calls[1][3], 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_HOST_LOADS), 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_CALLS), 5);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 0);

	/* loaded once per PD: the next open asks the host nothing */
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_CALC_URI,
				       &dlerr);
	KUNIT_EXPECT_EQ(test, dlerr, 0);
	KUNIT_EXPECT_GE(test, handle, 0x1000);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_CALLS), 5);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, h->l->ctx));

	/* with the built-in loader, no listener is needed */
	t->dsp->host_loader = false;
	fastrpc_sim_test_attach(test, 101);
	fastrpc_sim_test_open(test, 101, FASTRPC_SIM_TEST_CALC_URI, &dlerr);
	KUNIT_EXPECT_EQ(test, dlerr, 0);
}

/* Open with the host loader: the retval, and dlerr in *dlerr */
static u32 fastrpc_sim_test_load(struct kunit *test,
				 struct fastrpc_sim_test_host *h, s32 *dlerr,
				 unsigned int *served)
{
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_sim_test_call c;
	u32 ret = 0xdead;
	u64 ctx;

	ctx = fastrpc_sim_test_open_send(test, h->l->pid,
					 FASTRPC_SIM_TEST_CALC_URI, &c);
	*served = fastrpc_sim_test_host_loop(test, h);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	*dlerr = get_unaligned_le32(t->mem + c.off[2] + 4);
	return ret;
}

/* A missing file, a short read, a file too big or not ELF fail the open. */
static void fastrpc_sim_test_rev_load_fail(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	static const u8 text[64] = "#!/bin/sh\n";
	struct fastrpc_sim_test_host *h;
	unsigned int served;
	s32 dlerr;

	h = fastrpc_sim_test_host_new(test, 100);
	t->dsp->host_loader = true;

	/* no such file: fopen fails; exactly as an unknown module */
	h->file = "libother_skel.so";
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_load(test, h, &dlerr, &served), 0);
	KUNIT_EXPECT_EQ(test, dlerr, FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, served, 2);
	KUNIT_EXPECT_EQ(test, h->calls[1][3], 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_LOAD_MISSING), 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 1);

	/* not an ELF file; apps_std is open already */
	fastrpc_sim_test_host_file(h, FASTRPC_SIM_TEST_CALC_LIB, text,
				   sizeof(text));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_load(test, h, &dlerr, &served), 0);
	KUNIT_EXPECT_EQ(test, dlerr, FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, served, 4);
	KUNIT_EXPECT_EQ(test, h->calls[0][0], 1);
	KUNIT_EXPECT_EQ(test, h->calls[1][3], 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_LOAD_NOT_ELF), 1);

	/* a short read */
	fastrpc_sim_test_host_file(h, FASTRPC_SIM_TEST_CALC_LIB,
				   fastrpc_sim_test_elf,
				   sizeof(fastrpc_sim_test_elf));
	h->nread--;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_load(test, h, &dlerr, &served), 0);
	KUNIT_EXPECT_EQ(test, dlerr, FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_LOAD_SHORT), 1);

	/* larger than 1 MiB: never read, closed */
	h->flen = SZ_1M + 1;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_load(test, h, &dlerr, &served), 0);
	KUNIT_EXPECT_EQ(test, dlerr, FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, served, 3);
	KUNIT_EXPECT_EQ(test, h->calls[1][4], 2);
	KUNIT_EXPECT_EQ(test, h->calls[1][3], 3);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_LOAD_TOO_BIG), 1);

	/* none of them was loaded */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_HOST_LOADS), 0);
	fastrpc_sim_test_host_file(h, FASTRPC_SIM_TEST_CALC_LIB,
				   fastrpc_sim_test_elf,
				   sizeof(fastrpc_sim_test_elf));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_load(test, h, &dlerr, &served), 0);
	KUNIT_EXPECT_EQ(test, dlerr, 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_HOST_LOADS), 1);
}

/*
 * The bytes of a request, as listener_buf.h packs them: for each in-buffer
 * its length, then its data 8-byte aligned, then the out-buffer lengths;
 * next2 gives what fits and get_in_bufs2 the rest.
 */
static void fastrpc_sim_test_rev_packing(struct kunit *test)
{
	static const u8 expect[] = {
		8, 0, 0, 0, 0, 0, 0, 0,		/* in0: 8 bytes, pad */
		9, 0, 0, 0, 64, 0, 0, 0,	/* namelen, dlerrorlen */
		9, 0, 0, 0, 0, 0, 0, 0,		/* in1: 9 bytes, pad */
		'a', 'p', 'p', 's', '_', 's', 't', 'd', 0,
		8, 0, 0, 0,			/* out0: 8 bytes */
		64, 0, 0, 0,			/* out1: 64 bytes */
	};
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_sim_test_host *h;
	struct fastrpc_sim_test_call c;
	__le32 in[3];

	h = fastrpc_sim_test_host_new(test, 100);
	t->dsp->host_loader = true;
	fastrpc_sim_test_open_send(test, 100, FASTRPC_SIM_TEST_CALC_URI, &c);

	/* the library's first next2 offers no room: all of it comes later */
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_lsn_recv(test, h->l, true), 0);
	KUNIT_EXPECT_EQ(test, h->l->rhandle, 0);
	KUNIT_EXPECT_EQ(test, h->l->rsc, 0x00020200);
	KUNIT_EXPECT_NE(test, h->l->rctx, 0);
	KUNIT_ASSERT_EQ(test, h->l->req_len, sizeof(expect));
	KUNIT_EXPECT_MEMEQ(test, h->l->req, expect, sizeof(expect));

	/* part of it in next2, the rest from get_in_bufs2 */
	fastrpc_sim_test_host_serve(test, h);
	h->l->bufs_len = 20;
	fastrpc_sim_test_lsn_send(test, h->l);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_lsn_recv(test, h->l, false), 0);
	KUNIT_EXPECT_EQ(test, h->l->rhandle, FASTRPC_SIM_TEST_H_STD);
	KUNIT_EXPECT_EQ(test, h->l->rsc, 0x13050100);
	/* in0 16 at 8, env 18 at 32, ";" at 56, name 22 at 64, "r" at 96, out0 */
	KUNIT_EXPECT_EQ(test, h->l->req_len, 102);
	KUNIT_EXPECT_STREQ(test, (char *)h->l->req + 64, FASTRPC_SIM_TEST_CALC_LIB);

	/* get_in_bufs2 of no reverse call, or past the request */
	in[0] = cpu_to_le32(h->l->rctx + 1);
	in[1] = 0;
	in[2] = cpu_to_le32(16);
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = FASTRPC_HANDLE_LISTENER1,
		.sc = FASTRPC_SC(7, 1, 2),
		.len = { sizeof(in), 4, 16 },
		.data = { in },
	};
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	in[0] = cpu_to_le32(h->l->rctx);
	in[1] = cpu_to_le32(h->l->req_len + 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	in[1] = cpu_to_le32(-8);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	/* the non-domain listener (handle 3 m5) is the same */
	in[1] = cpu_to_le32(h->l->req_len - 4);
	c.handle = FASTRPC_HANDLE_LISTENER;
	c.sc = FASTRPC_SC(5, 1, 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->mem + c.off[1]),
			h->l->req_len);
	KUNIT_EXPECT_MEMEQ(test, t->mem + c.off[2],
			   h->l->req + h->l->req_len - 4, 4);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_LISTENER1, 0),
			FASTRPC_SIM_TEST_EUNSUPPORTED);
}

/* Answers that do not parse fail their reverse call, and are counted. */
static void fastrpc_sim_test_rev_hostile(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_sim_test_lsn *l2, *l3;
	struct fastrpc_sim_test_host *h;
	struct fastrpc_sim_test_call c;
	u32 ret, good_ctx;
	u64 ctx;

	h = fastrpc_sim_test_host_new(test, 100);
	t->dsp->host_loader = true;
	fastrpc_sim_test_host_file(h, FASTRPC_SIM_TEST_CALC_LIB,
				   fastrpc_sim_test_elf,
				   sizeof(fastrpc_sim_test_elf));
	ctx = fastrpc_sim_test_open_send(test, 100, FASTRPC_SIM_TEST_CALC_URI,
					 &c);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_lsn_recv(test, h->l, true), 0);
	fastrpc_sim_test_host_serve(test, h);
	good_ctx = h->l->prev_ctx;

	/* an answer for no reverse call: ignored, counted */
	h->l->prev_ctx = good_ctx + 7;
	fastrpc_sim_test_lsn_send(test, h->l);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, h->l->ctx));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 1);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, ctx));

	/* from a second thread, an in1 shorter than prevbufsLen says */
	l2 = fastrpc_sim_test_lsn_new(test, 100, FASTRPC_SIM_TEST_SLOT(2));
	*l2 = *h->l;
	l2->slot = FASTRPC_SIM_TEST_SLOT(2);
	l2->prev_ctx = good_ctx;
	fastrpc_sim_test_lsn_send_in1(test, l2, l2->prev_len - 8);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, l2->ctx));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 2);

	/* the open fails as for an unknown module */
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->mem + c.off[2] + 4),
			FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_LOAD_MISSING), 1);

	/* the good answer, now that its reverse call is over */
	l3 = fastrpc_sim_test_lsn_new(test, 100, FASTRPC_SIM_TEST_SLOT(3));
	*l3 = *l2;
	l3->slot = FASTRPC_SIM_TEST_SLOT(3);
	fastrpc_sim_test_lsn_send(test, l3);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, l3->ctx));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 3);

	/* exit lets the three threads go; the listener starts again */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_CURRENT_PROCESS, 2),
			0);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, h->l->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, l2->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, l3->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_LISTENER1, 5),
			0);
	fastrpc_sim_test_rx_reset(t);
	h->l->prev_ctx = 0;
	fastrpc_sim_test_lsn_send(test, h->l);

	/* out-buffer lengths other than asked for */
	ctx = fastrpc_sim_test_open_send(test, 100, FASTRPC_SIM_TEST_CALC_URI,
					 &c);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_lsn_recv(test, h->l, true), 0);
	KUNIT_EXPECT_EQ(test, h->l->rhandle, 0);
	fastrpc_sim_test_host_serve(test, h);
	put_unaligned_le32(9, h->l->prevbufs);
	fastrpc_sim_test_lsn_send(test, h->l);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->mem + c.off[2] + 4),
			FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 4);

	/* an answer cut short */
	ctx = fastrpc_sim_test_open_send(test, 100, FASTRPC_SIM_TEST_CALC_URI,
					 &c);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_lsn_recv(test, h->l, true), 0);
	fastrpc_sim_test_host_serve(test, h);
	h->l->prev_len = 12;
	fastrpc_sim_test_lsn_send(test, h->l);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(t->mem + c.off[2] + 4),
			FASTRPC_SIM_TEST_ENOSUCHMOD);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 5);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_LOAD_MISSING), 3);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_HOST_LOADS), 0);
}

/*
 * A listener that has not called init2 yet: next2 gets AEE_EBADSTATE, and
 * calls that need the host wait for it, as the FastRPC library opens
 * modules while its listener thread starts; init2 serves them. After exit
 * they fail at once.
 */
static void fastrpc_sim_test_rev_no_listener(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_sim_test_lsn *l;
	__le64 len = cpu_to_le64(4096);
	struct fastrpc_sim_test_call c, o;
	u64 grow_ctx, open_ctx;
	u32 handle, ret;

	handle = fastrpc_sim_test_simtest(test, 100);
	fastrpc_sim_test_connect(test);

	/* next2 before init2 */
	l = fastrpc_sim_test_lsn_new(test, 100, FASTRPC_SIM_TEST_SLOT(0));
	fastrpc_sim_test_lsn_send(test, l);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, l->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_CALLS), 0);

	/* grow and a load from the host wait for the listener */
	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(12, 1, 1),
		.len = { sizeof(len), sizeof(u64) },
		.data = { &len },
	};
	grow_ctx = fastrpc_sim_test_send(test, &c, FASTRPC_SIM_TEST_SLOT(2));
	t->dsp->host_loader = true;
	open_ctx = fastrpc_sim_test_open_send(test, 100,
					      FASTRPC_SIM_TEST_CALC_URI, &o);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, grow_ctx));
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, open_ctx));

	/* init2 then next2: the listener gets the first reverse call */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_LISTENER1, 5),
			0);
	fastrpc_sim_test_lsn_send(test, l);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, l->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_CALLS), 1);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, grow_ctx));
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, open_ctx));

	/* exit: the waiting calls fail, the reverse call is dropped */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_CURRENT_PROCESS, 2),
			0);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, grow_ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_ERPC);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, open_ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_ERPC);

	/* and after exit, what needs the host fails at once */
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_ERPC);
}

/* exit answers the parked next2 calls; current_process's other methods */
static void fastrpc_sim_test_rev_exit(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	struct fastrpc_sim_test_lsn *taker, *other;
	struct fastrpc_sim_test_host *h;
	struct fastrpc_sim_test_call c;
	u32 ret;
	u64 ctx;

	h = fastrpc_sim_test_host_new(test, 100);
	taker = h->l;
	other = fastrpc_sim_test_lsn_new(test, 100, FASTRPC_SIM_TEST_SLOT(3));
	fastrpc_sim_test_lsn_send(test, other);
	t->dsp->host_loader = true;

	/* an open waits for its file; one next2 took the reverse call */
	ctx = fastrpc_sim_test_open_send(test, 100, FASTRPC_SIM_TEST_CALC_URI,
					 &c);
	fastrpc_sim_test_settle(t);
	if (fastrpc_sim_test_got(t, other->ctx, &ret))
		swap(taker, other);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_got(t, taker->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, other->ctx));
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, ctx));

	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_CURRENT_PROCESS, 3),
			0);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_CURRENT_PROCESS, 10),
			FASTRPC_SIM_TEST_EUNSUPPORTED);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, other->ctx));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_CURRENT_PROCESS, 2),
			0);

	/* the parked next2 leaves; the open fails, the host being gone */
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, other->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_ERPC);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 1);

	/* a next2 after exit leaves at once */
	fastrpc_sim_test_lsn_send(test, taker);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, taker->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 1);
	fastrpc_sim_test_settle(t);
	KUNIT_EXPECT_EQ(test, t->dsp->nreqs, 0);
}

/* simtest grow: heap from the host through apps_mem and INIT MMAP */
static void fastrpc_sim_test_rev_grow(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	u8 *heap = t->mem + FASTRPC_SIM_TEST_HEAP_OFF;
	__le64 len = cpu_to_le64(FASTRPC_SIM_TEST_HEAP_SIZE);
	struct fastrpc_sim_test_lsn *ls[2];
	struct fastrpc_sim_test_host *h;
	struct fastrpc_sim_test_call c;
	u32 handle, ret;
	u64 ctx, addr;
	s32 dlerr;

	h = fastrpc_sim_test_host_new(test, 100);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	/* a second listener thread: one of the two next2 calls stays parked */
	ls[0] = h->l;
	ls[1] = fastrpc_sim_test_lsn_new(test, 100, FASTRPC_SIM_TEST_SLOT(3));
	fastrpc_sim_test_lsn_send(test, ls[1]);

	c = (struct fastrpc_sim_test_call) {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(12, 1, 1),
		.len = { sizeof(len), sizeof(u64) },
		.data = { &len },
	};
	ctx = fastrpc_sim_test_send(test, &c, FASTRPC_SIM_TEST_SLOT(1));
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, ctx));
	/* whichever next2 took the open of apps_mem serves */
	fastrpc_sim_test_host_pick(test, h, ls, 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 2);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	addr = get_unaligned_le64(t->mem + c.off[1]);
	KUNIT_EXPECT_EQ(test, addr, 0x40000000);
	/* request_map64(heapid -1, lflags 0, rflags ADD_PAGES, vin 0, len) */
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h->req), (u32)-1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h->req + 4), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h->req + 8), 0x1000);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(h->req + 16), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(h->req + 24),
			FASTRPC_SIM_TEST_HEAP_SIZE);
	/* the DSP wrote its first page */
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(heap), 0x67726f77);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(heap + FASTRPC_SIM_TEST_PAGE - 4),
			0x67726f77);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(heap + FASTRPC_SIM_TEST_PAGE), 0);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, ls[0]->ctx));
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, ls[1]->ctx));

	/* the host lies: an address that is not the heap it mapped */
	memset(heap, 0, FASTRPC_SIM_TEST_HEAP_SIZE);
	h->vadsp_delta = FASTRPC_SIM_TEST_PAGE;
	ctx = fastrpc_sim_test_send(test, &c, FASTRPC_SIM_TEST_SLOT(1));
	fastrpc_sim_test_host_pick(test, h, ls, 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 1);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(heap, 0, FASTRPC_SIM_TEST_HEAP_SIZE),
			    NULL);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 1);

	/* more than it mapped */
	h->vadsp_delta = 0;
	len = cpu_to_le64(FASTRPC_SIM_TEST_HEAP_SIZE + 1);
	ctx = fastrpc_sim_test_send(test, &c, FASTRPC_SIM_TEST_SLOT(1));
	fastrpc_sim_test_host_pick(test, h, ls, 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 1);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 2);

	/* the host fails */
	h->map_err = FASTRPC_SIM_TEST_HOST_ERR;
	ctx = fastrpc_sim_test_send(test, &c, FASTRPC_SIM_TEST_SLOT(1));
	fastrpc_sim_test_host_pick(test, h, ls, 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 1);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_ENOMEMORY);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 3);

	/* a bad length never reaches the host */
	len = 0;
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
			FASTRPC_SIM_TEST_EBADPARM);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_CALLS), 5);
}

/* A FARF message of simtest farf, queued */
static void fastrpc_sim_test_farf(struct kunit *test, u32 handle, u32 level,
				  const char *msg)
{
	__le32 in[2] = { cpu_to_le32(level), cpu_to_le32(strlen(msg)) };
	struct fastrpc_sim_test_call c = {
		.pid = 100,
		.handle = handle,
		.sc = FASTRPC_SC(13, 2, 0),
		.len = { sizeof(in), strlen(msg) },
		.data = { in, msg },
	};

	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
}

/* set_logging_params (m4, u16 mask) or set_logging_params2 (m8, u32) */
static void fastrpc_sim_test_log_mask(struct kunit *test, u32 method,
				      u32 mask)
{
	__le32 in[2] = { cpu_to_le32(mask), 0 };
	struct fastrpc_sim_test_call c = {
		.pid = 100,
		.handle = FASTRPC_HANDLE_CURRENT_PROCESS,
		.sc = FASTRPC_SC(method, 2, 0),
		.len = { sizeof(in), 0 },
		.data = { in },
	};

	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c), 0);
}

/* FARF: levels filtered by the mask, sent to adspmsgd_apps, bounded queue */
static void fastrpc_sim_test_rev_farf(struct kunit *test)
{
	struct fastrpc_sim_test_host *h;
	struct fastrpc_sim_test_lsn *l;
	unsigned int i;
	char msg[32];
	u32 handle;
	s32 dlerr;

	/* messages wait for a listener */
	fastrpc_sim_test_attach(test, 100);
	handle = fastrpc_sim_test_open(test, 100, FASTRPC_SIM_TEST_SIMTEST_URI,
				       &dlerr);
	KUNIT_ASSERT_EQ(test, dlerr, 0);
	fastrpc_sim_test_farf(test, handle, 0, "low, filtered");
	fastrpc_sim_test_farf(test, handle, 1, "medium, filtered");
	fastrpc_sim_test_farf(test, handle, 2, "high");
	fastrpc_sim_test_log_mask(test, 8, 1);
	fastrpc_sim_test_farf(test, handle, 0, "low");
	fastrpc_sim_test_farf(test, handle, 1, "medium, filtered");
	fastrpc_sim_test_log_mask(test, 4, 0x10002);
	fastrpc_sim_test_farf(test, handle, 0, "low, filtered");
	fastrpc_sim_test_farf(test, handle, 1, "medium");
	fastrpc_sim_test_farf(test, handle, 3, "error");
	fastrpc_sim_test_farf(test, handle, 4, "fatal");
	{
		__le32 in[2] = { cpu_to_le32(5), 0 };
		struct fastrpc_sim_test_call c = {
			.pid = 100,
			.handle = handle,
			.sc = FASTRPC_SC(13, 2, 0),
			.len = { sizeof(in), 0 },
			.data = { in },
		};

		KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call(test, &c),
				FASTRPC_SIM_TEST_EBADPARM);
	}

	/* a listener comes: it gets them, in order, in one log call */
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	l = fastrpc_sim_test_lsn_new(test, 100, FASTRPC_SIM_TEST_SLOT(0));
	h->l = l;
	fastrpc_sim_test_connect(test);
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_LISTENER1, 5),
			0);
	fastrpc_sim_test_lsn_send(test, l);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 2);
	KUNIT_ASSERT_EQ(test, h->nlogs, 5);
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[0] + 8, "high");
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[1] + 8, "low");
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[2] + 8, "medium");
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[3] + 8, "error");
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[4] + 8, "fatal");
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h->logs[2]), 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(h->logs[4]), 4);
	/* line: the message's number; thread id: the caller's */
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(h->logs[4] + 4), 5);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(h->logs[4] + 6), 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FARF_SENT), 5);

	/* the host does not wait: one more message goes out at once */
	fastrpc_sim_test_farf(test, handle, 2, "again");
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 1);
	KUNIT_EXPECT_EQ(test, h->nlogs, 6);

	/* with the listener busy, 70 messages: the oldest 6 are dropped */
	fastrpc_sim_test_farf(test, handle, 2, "first");
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_lsn_recv(test, l, true), 0);
	for (i = 0; i < 70; i++) {
		snprintf(msg, sizeof(msg), "m%u", i);
		fastrpc_sim_test_farf(test, handle, 3, msg);
	}
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FARF_DROPPED), 6);
	fastrpc_sim_test_host_serve(test, h);
	fastrpc_sim_test_lsn_send(test, l);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_lsn_recv(test, l, false), 0);
	fastrpc_sim_test_host_serve(test, h);
	fastrpc_sim_test_lsn_send(test, l);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_host_loop(test, h), 3);
	KUNIT_ASSERT_EQ(test, h->nlogs, 7 + 64);
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[6] + 8, "first");
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[7] + 8, "m6");
	KUNIT_EXPECT_STREQ(test, (char *)h->logs[7 + 63] + 8, "m69");
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_FARF_SENT), 71);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 0);
}

/* RELEASE answers the PD's parked requests; nothing is left behind. */
static void fastrpc_sim_test_rev_release(struct kunit *test)
{
	struct fastrpc_sim_test *t = test->priv;
	__le32 pgid = cpu_to_le32(100);
	struct fastrpc_sim_test_host *h;
	struct fastrpc_sim_test_call c;
	u32 ret;
	u64 ctx;

	h = fastrpc_sim_test_host_new(test, 100);
	t->dsp->host_loader = true;
	ctx = fastrpc_sim_test_open_send(test, 100, FASTRPC_SIM_TEST_CALC_URI,
					 &c);
	/* the open's first reverse call is with the host, unanswered */
	KUNIT_ASSERT_EQ(test, fastrpc_sim_test_lsn_recv(test, h->l, true), 0);
	fastrpc_sim_test_host_serve(test, h);
	/* a second next2 waits */
	h->l->prev_ctx = 0;
	fastrpc_sim_test_lsn_send(test, h->l);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, h->l->ctx));
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, ctx));
	KUNIT_EXPECT_EQ(test, t->dsp->nreqs, 2);

	c = (struct fastrpc_sim_test_call) {
		.handle = FASTRPC_HANDLE_INIT,
		.sc = FASTRPC_SC(FASTRPC_RMID_INIT_RELEASE, 1, 0),
		.len = { sizeof(pgid) },
		.data = { &pgid },
	};
	fastrpc_sim_test_queue(test, &c, 0x999);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, h->l->ctx, &ret));
	KUNIT_EXPECT_EQ(test, ret, FASTRPC_SIM_TEST_EBADSTATE);
	KUNIT_ASSERT_TRUE(test, fastrpc_sim_test_wait(test, 0x999, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	fastrpc_sim_test_settle(t);
	KUNIT_EXPECT_EQ(test, t->dsp->nreqs, 0);

	/* the answer for a released PD reaches nothing */
	fastrpc_sim_test_attach(test, 100);
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_call0(test, 100,
						     FASTRPC_HANDLE_LISTENER, 3),
			0);
	h->l->prev_ctx = h->l->rctx;
	fastrpc_sim_test_lsn_send(test, h->l);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, h->l->ctx));
	KUNIT_EXPECT_EQ(test, fastrpc_sim_test_stat(test, FASTRPC_SIM_STAT_REVERSE_ERRORS), 1);

	/* a restart drops parked requests without a reply */
	fastrpc_sim_dsp_stop(t->dsp);
	KUNIT_EXPECT_EQ(test, t->dsp->nreqs, 0);
	KUNIT_EXPECT_TRUE(test, fastrpc_sim_test_parked(test, h->l->ctx));
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
		if (i == 2 || i == 3 || i == 6 || i == 7)
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
	KUNIT_CASE(fastrpc_sim_test_static_pd),
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
	KUNIT_CASE(fastrpc_sim_test_rev_packing),
	KUNIT_CASE(fastrpc_sim_test_rev_load),
	KUNIT_CASE(fastrpc_sim_test_rev_load_fail),
	KUNIT_CASE(fastrpc_sim_test_rev_hostile),
	KUNIT_CASE(fastrpc_sim_test_rev_no_listener),
	KUNIT_CASE(fastrpc_sim_test_rev_exit),
	KUNIT_CASE(fastrpc_sim_test_rev_grow),
	KUNIT_CASE(fastrpc_sim_test_rev_farf),
	KUNIT_CASE(fastrpc_sim_test_rev_release),
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
