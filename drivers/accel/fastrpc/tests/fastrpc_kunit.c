// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the FastRPC accel driver's pure parts: scalars, payload
 * layout, bounds and overflow checks, DSP result mapping and reply
 * validation.
 */

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include <kunit/test.h>

#include <uapi/drm/fastrpc_accel.h>

#include "../fastrpc_drv.h"
#include "../fastrpc_proto.h"

static struct fastrpc_layout *layout_alloc(struct kunit *test, u32 nbufs,
					   const u64 *lens)
{
	struct fastrpc_layout *layout;
	u32 i;

	layout = kunit_kzalloc(test, struct_size(layout, bufs, nbufs),
			       GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, layout);
	layout->nbufs = nbufs;
	for (i = 0; i < nbufs; i++)
		layout->bufs[i].len = lens ? lens[i] : 0;
	return layout;
}

static void fastrpc_test_scalars(struct kunit *test)
{
	u32 sc = FASTRPC_SC(2, 2, 1);

	KUNIT_EXPECT_EQ(test, sc, 0x02020100);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_method(sc), 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_inbufs(sc), 2);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_outbufs(sc), 1);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_nbufs(sc), 3);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_nargs(sc), 3);

	sc = 0x1f0203a5;
	KUNIT_EXPECT_EQ(test, fastrpc_sc_method(sc), 0x1f);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_inhandles(sc), 0xa);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_outhandles(sc), 5);
	KUNIT_EXPECT_EQ(test, fastrpc_sc_nargs(sc), 2 + 3 + 0xa + 5);
	sc = FASTRPC_SC(FASTRPC_RMID_INIT_CREATE, 4, 0);
	KUNIT_EXPECT_EQ(test, sc, 0x06040000);
}

static void fastrpc_test_meta_len(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fastrpc_meta_len(0), 384);
	KUNIT_EXPECT_EQ(test, fastrpc_meta_len(3), 504);
	KUNIT_EXPECT_EQ(test, fastrpc_meta_len(4), 544);
}

/* The calculator example of protocol.md: sum(n, vec[4], &res) */
static void fastrpc_test_layout_calculator(struct kunit *test)
{
	static const u64 lens[] = { 4, 16, 8 };
	struct fastrpc_layout *l = layout_alloc(test, 3, lens);

	KUNIT_ASSERT_EQ(test, fastrpc_layout_compute(l), 0);
	KUNIT_EXPECT_EQ(test, l->meta_len, 504);
	KUNIT_EXPECT_EQ(test, l->inline_off, 512);
	KUNIT_EXPECT_EQ(test, l->bufs[0].offset, 512);
	KUNIT_EXPECT_EQ(test, l->bufs[1].offset, 640);
	KUNIT_EXPECT_EQ(test, l->bufs[2].offset, 768);
	KUNIT_EXPECT_EQ(test, l->inline_len, 28);
	KUNIT_EXPECT_EQ(test, l->end, 776);
	KUNIT_EXPECT_EQ(test, l->size, PAGE_SIZE);
}

static void fastrpc_test_layout_alignment(struct kunit *test)
{
	static const u64 lens[] = { 1, 128, 129, 0, 3, 4096 };
	struct fastrpc_layout *l = layout_alloc(test, ARRAY_SIZE(lens), lens);
	size_t prev_end = 0;
	u32 i;

	KUNIT_ASSERT_EQ(test, fastrpc_layout_compute(l), 0);
	for (i = 0; i < l->nbufs; i++) {
		KUNIT_EXPECT_EQ(test, l->bufs[i].offset % FASTRPC_INLINE_ALIGN,
				0);
		KUNIT_EXPECT_GE(test, l->bufs[i].offset, l->inline_off);
		KUNIT_EXPECT_GE(test, l->bufs[i].offset, prev_end);
		if (l->bufs[i].len)
			prev_end = l->bufs[i].offset + l->bufs[i].len;
	}
	KUNIT_EXPECT_EQ(test, l->bufs[1].offset, l->bufs[0].offset + 128);
	KUNIT_EXPECT_EQ(test, l->bufs[2].offset, l->bufs[1].offset + 128);
	KUNIT_EXPECT_EQ(test, l->bufs[4].offset, l->bufs[2].offset + 256);
	/* An empty argument takes no space */
	KUNIT_EXPECT_EQ(test, l->bufs[3].offset, l->bufs[4].offset);
	KUNIT_EXPECT_EQ(test, l->end, prev_end);
	KUNIT_EXPECT_EQ(test, l->size, PAGE_ALIGN(prev_end));
}

static void fastrpc_test_layout_empty(struct kunit *test)
{
	struct fastrpc_layout *l = layout_alloc(test, 0, NULL);

	KUNIT_ASSERT_EQ(test, fastrpc_layout_compute(l), 0);
	KUNIT_EXPECT_EQ(test, l->meta_len, 384);
	KUNIT_EXPECT_EQ(test, l->end, 384);
	KUNIT_EXPECT_EQ(test, l->size, PAGE_SIZE);

	l = layout_alloc(test, 2, NULL);
	KUNIT_ASSERT_EQ(test, fastrpc_layout_compute(l), 0);
	KUNIT_EXPECT_EQ(test, l->inline_len, 0);
	KUNIT_EXPECT_EQ(test, l->end, l->meta_len);
}

static void fastrpc_test_layout_bounds(struct kunit *test)
{
	u64 lens[2] = { DRM_FASTRPC_INLINE_MAX, 0 };
	struct fastrpc_layout *l;

	l = layout_alloc(test, 2, lens);
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), 0);

	lens[0] = DRM_FASTRPC_INLINE_MAX + 1;
	l = layout_alloc(test, 2, lens);
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -E2BIG);

	/* Each fits, the total does not */
	lens[0] = DRM_FASTRPC_INLINE_MAX / 2 + 1;
	lens[1] = DRM_FASTRPC_INLINE_MAX / 2;
	l = layout_alloc(test, 2, lens);
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -E2BIG);

	/* A length that would wrap a size_t sum */
	lens[0] = 16;
	lens[1] = U64_MAX;
	l = layout_alloc(test, 2, lens);
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -E2BIG);

	l = layout_alloc(test, FASTRPC_MAX_BUFS, NULL);
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), 0);
	KUNIT_EXPECT_EQ(test, l->meta_len, fastrpc_meta_len(FASTRPC_MAX_BUFS));

	l = layout_alloc(test, FASTRPC_MAX_BUFS + 1, NULL);
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -EINVAL);
	l = layout_alloc(test, 100000, NULL);
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -EINVAL);
}

static void fastrpc_test_check_range(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_range(0x1000, 0x1000), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_range(U64_MAX, 0), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_range(U64_MAX - 15, 15), 0);
	/* Ends past the top of the address space */
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_range(U64_MAX - 15, 16),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_range(1, U64_MAX), -EOVERFLOW);
}

static void fastrpc_test_check_buf(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_buf(0, 4096, 4096), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_buf(4096, 0, 4096), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_buf(100, 3996, 4096), 0);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_buf(4097, 0, 4096), -ERANGE);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_buf(1, 4096, 4096), -ERANGE);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_buf(U64_MAX, 1, 4096),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, fastrpc_args_check_buf(2, U64_MAX - 1, 4096),
			-EOVERFLOW);
}

/* Mapped arguments take no payload space and keep their own address */
static void fastrpc_test_layout_mapped(struct kunit *test)
{
	const u64 lens[] = { 8, 3 * PAGE_SIZE, 100, 0, 16 };
	const dma_addr_t dma = 0x80000000, bo = 0x10000000;
	const u32 sid = 5, n = ARRAY_SIZE(lens);
	struct fastrpc_layout *l = layout_alloc(test, n, lens);
	union fastrpc_remote_arg *rpra;
	struct fastrpc_invoke_buf *list;
	struct fastrpc_phy_page *pages;

	/* in1: whole pages at offset 0x100; in2: crosses a page boundary */
	l->bufs[1].mapped = true;
	l->bufs[1].dma = bo + 0x100;
	l->bufs[2].mapped = true;
	l->bufs[2].dma = bo + 2 * PAGE_SIZE - 50;
	l->bufs[3].mapped = true;
	l->bufs[3].dma = bo;
	KUNIT_ASSERT_EQ(test, fastrpc_layout_compute(l), 0);
	KUNIT_EXPECT_EQ(test, l->inline_len, 24);
	KUNIT_EXPECT_EQ(test, l->bufs[0].offset, l->inline_off);
	KUNIT_EXPECT_EQ(test, l->bufs[4].offset,
			l->inline_off + FASTRPC_INLINE_ALIGN);
	KUNIT_EXPECT_EQ(test, l->end, l->bufs[4].offset + 16);
	KUNIT_EXPECT_EQ(test, l->size, PAGE_SIZE);

	rpra = kunit_kzalloc(test, l->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rpra);
	list = (struct fastrpc_invoke_buf *)(rpra + n);
	pages = (struct fastrpc_phy_page *)(list + n);
	fastrpc_layout_write_meta(l, rpra, sid, dma);

	KUNIT_EXPECT_EQ(test, le64_to_cpu(rpra[1].buf.pv),
			fastrpc_wire_addr(sid, bo + 0x100));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[1].addr),
			fastrpc_wire_addr(sid, bo));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[1].size), 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(rpra[2].buf.pv),
			fastrpc_wire_addr(sid, bo + 2 * PAGE_SIZE - 50));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[2].addr),
			fastrpc_wire_addr(sid, bo + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[2].size), 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(list[3].num), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[3].addr), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(rpra[0].buf.pv),
			fastrpc_wire_addr(sid, dma + l->bufs[0].offset));
}

/* Mapped arguments do not count towards the inline limit */
static void fastrpc_test_layout_mapped_big(struct kunit *test)
{
	const u64 lens[] = { DRM_FASTRPC_GEM_MAX_SIZE, 8 };
	struct fastrpc_layout *l = layout_alloc(test, 2, lens);

	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -E2BIG);
	l->bufs[0].mapped = true;
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), 0);
	KUNIT_EXPECT_EQ(test, l->inline_len, 8);
}

/*
 * Handle arguments: the metadata is for all N arguments, handles take no
 * payload space, and rpra/list/pages of a handle are laid out as
 * drivers/misc/fastrpc.c does ({fd, offset, len}, {len ? 1 : 0, i}, the
 * whole mapping when mapped).
 */
static void fastrpc_test_layout_handles(struct kunit *test)
{
	const u64 lens[] = { 8, 16 };
	const dma_addr_t dma = 0x80000000, bo = 0x10000000;
	const u32 sid = 2, n = ARRAY_SIZE(lens) + 3;
	struct fastrpc_handle_rec h[3] = {
		{ .fd = 7, .offset = 100, .len = 50, .mapped = true,
		  .dma = bo, .size = 2 * PAGE_SIZE },
		{ .fd = (u32)-1, .offset = 12, .len = 0 },
		{ .fd = 9, .offset = 0, .len = 0, .mapped = true, .dma = bo,
		  .size = PAGE_SIZE },
	};
	struct fastrpc_layout *l = layout_alloc(test, ARRAY_SIZE(lens), lens);
	union fastrpc_remote_arg *rpra;
	struct fastrpc_invoke_buf *list;
	struct fastrpc_phy_page *pages;
	u8 *tail;

	l->nhandles = ARRAY_SIZE(h);
	l->handles = h;
	KUNIT_ASSERT_EQ(test, fastrpc_layout_compute(l), 0);
	KUNIT_EXPECT_EQ(test, l->meta_len, fastrpc_meta_len(n));
	KUNIT_EXPECT_EQ(test, l->inline_len, 24);
	KUNIT_EXPECT_EQ(test, l->bufs[0].offset,
			ALIGN(fastrpc_meta_len(n), FASTRPC_INLINE_ALIGN));

	rpra = kunit_kzalloc(test, l->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rpra);
	list = (struct fastrpc_invoke_buf *)(rpra + n);
	pages = (struct fastrpc_phy_page *)(list + n);
	fastrpc_layout_write_meta(l, rpra, sid, dma);

	KUNIT_EXPECT_EQ(test, le32_to_cpu(rpra[2].dma.fd), 7);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rpra[2].dma.offset), 100);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rpra[2].dma.len), 50);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rpra[2].dma.pad), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(list[2].num), 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(list[2].pgidx), 2);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[2].addr),
			fastrpc_wire_addr(sid, bo));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[2].size), 2 * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, le32_to_cpu(rpra[3].dma.fd), 0xffffffff);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rpra[3].dma.offset), 12);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(list[3].num), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(list[3].pgidx), 3);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[3].addr), 0);
	/* An empty handle's list entry is 0 even when its buffer is mapped */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(list[4].num), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[4].size), PAGE_SIZE);

	/* fdlist and crclist, from pages[n] to the end of the metadata */
	tail = (u8 *)(pages + n);
	KUNIT_EXPECT_EQ(test, (u8 *)rpra + l->meta_len - tail,
			FASTRPC_MAX_FDLIST * 8 + FASTRPC_MAX_CRCLIST * 4);
	KUNIT_EXPECT_PTR_EQ(test,
			    memchr_inv(tail, 0, (u8 *)rpra + l->meta_len - tail),
			    NULL);

	/* A mapped handle's range must lie in its mapping */
	h[0].len = 2 * PAGE_SIZE - 99;
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -EINVAL);
	h[0].len = 50;
	h[0].size = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -EINVAL);
	h[0].size = 2 * PAGE_SIZE;
	l->nhandles = FASTRPC_MAX_HANDLES + 1;
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -EINVAL);
	l->nhandles = 1;
	l->handles = NULL;
	KUNIT_EXPECT_EQ(test, fastrpc_layout_compute(l), -EINVAL);
}

static void fastrpc_test_write_meta(struct kunit *test)
{
	/* The second argument straddles a page boundary of the payload */
	const u64 lens[] = { 8, 4000, 0, 2 * PAGE_SIZE };
	const dma_addr_t dma = 0x80000000;
	const u32 sid = 3, n = ARRAY_SIZE(lens);
	struct fastrpc_layout *l = layout_alloc(test, n, lens);
	union fastrpc_remote_arg *rpra;
	struct fastrpc_invoke_buf *list;
	struct fastrpc_phy_page *pages;
	u32 i;

	KUNIT_ASSERT_EQ(test, fastrpc_layout_compute(l), 0);
	rpra = kunit_kzalloc(test, l->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rpra);
	list = (struct fastrpc_invoke_buf *)(rpra + n);
	pages = (struct fastrpc_phy_page *)(list + n);

	fastrpc_layout_write_meta(l, rpra, sid, dma);

	for (i = 0; i < n; i++) {
		u64 addr = dma + l->bufs[i].offset;
		u64 start = ALIGN_DOWN(addr, PAGE_SIZE);
		u64 end = ALIGN(addr + lens[i], PAGE_SIZE);

		KUNIT_EXPECT_EQ(test, le32_to_cpu(list[i].pgidx), i);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(rpra[i].buf.len), lens[i]);
		if (!lens[i]) {
			KUNIT_EXPECT_EQ(test, le32_to_cpu(list[i].num), 0);
			KUNIT_EXPECT_EQ(test, le64_to_cpu(rpra[i].buf.pv), 0);
			KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[i].addr), 0);
			KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[i].size), 0);
			continue;
		}
		KUNIT_EXPECT_EQ(test, le32_to_cpu(list[i].num), 1);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(rpra[i].buf.pv),
				fastrpc_wire_addr(sid, addr));
		KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[i].addr),
				fastrpc_wire_addr(sid, start));
		KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[i].size), end - start);
		/* The DSP finds the data at pages[i].addr + (pv & 0xfff) */
		KUNIT_EXPECT_EQ(test, start + (addr & ~PAGE_MASK), addr);
	}
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[1].size), 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[3].size), 3 * PAGE_SIZE);
	/* fdlist and crclist stay zero */
	for (i = fastrpc_meta_len(n) - 384; i < fastrpc_meta_len(n); i++)
		KUNIT_EXPECT_EQ(test, ((u8 *)rpra)[i], 0);
}

static void fastrpc_test_dsp_errno(struct kunit *test)
{
	static const struct {
		u32 aee;
		int err;
	} table[] = {
		{ FASTRPC_AEE_ENOMEMORY, -ENOMEM },
		{ FASTRPC_AEE_EBADPARM, -EINVAL },
		{ FASTRPC_AEE_EUNSUPPORTED, -EOPNOTSUPP },
		{ FASTRPC_AEE_ERESOURCENOTFOUND, -ENOENT },
		{ FASTRPC_AEE_ENOSUCH, -ENOENT },
		{ FASTRPC_AEE_ENOSUCHMOD, -ENOENT },
		{ FASTRPC_AEE_EINVHANDLE, -EBADF },
		{ FASTRPC_AEE_EBADSTATE, -EBADFD },
		{ FASTRPC_AEE_EINTERRUPTED, -EINTR },
		{ FASTRPC_AEE_EFAILED, -EREMOTEIO },
	};
	u32 i;

	KUNIT_EXPECT_EQ(test, fastrpc_dsp_result_to_errno(0), 0);
	for (i = 0; i < ARRAY_SIZE(table); i++)
		KUNIT_EXPECT_EQ(test,
				fastrpc_dsp_result_to_errno(FASTRPC_DSP_ERR(table[i].aee)),
				table[i].err);

	/* Other values, including bare AEE codes and errno-like ones */
	KUNIT_EXPECT_EQ(test, fastrpc_dsp_result_to_errno(1), -EREMOTEIO);
	KUNIT_EXPECT_EQ(test, fastrpc_dsp_result_to_errno(FASTRPC_AEE_EBADPARM),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, fastrpc_dsp_result_to_errno((u32)-EINVAL),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, fastrpc_dsp_result_to_errno(0xffffffff),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, fastrpc_dsp_result_to_errno(0x80000600),
			-EREMOTEIO);
}

static void fastrpc_test_reply_classify(struct kunit *test)
{
	const u64 ctx = FIELD_PREP(FASTRPC_CTX_SEQ, 7) |
			FIELD_PREP(FASTRPC_CTX_INDEX, 5) |
			FIELD_PREP(FASTRPC_CTX_PD, FASTRPC_PD_USER);
	struct fastrpc_reply_match entry = { .ctx = ctx, .answered = false };
	struct fastrpc_rsp rsp = { .ctx = cpu_to_le64(ctx), .retval = 0 };
	struct fastrpc_notif_rsp notif = {
		.ctx = cpu_to_le64(FASTRPC_NOTIF_CTX),
	};
	enum fastrpc_reply_class class;
	__le64 rspv2[3] = { cpu_to_le64(ctx), 0, 0 };

	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, sizeof(rsp), &entry),
			FASTRPC_REPLY_GOOD);
	/* Longer replies (rspv2) are accepted */
	class = fastrpc_reply_classify(rspv2, sizeof(rspv2), &entry);
	KUNIT_EXPECT_EQ(test, class, FASTRPC_REPLY_GOOD);
	class = fastrpc_reply_classify(&notif, sizeof(notif), NULL);
	KUNIT_EXPECT_EQ(test, class, FASTRPC_REPLY_NOTIFICATION);
	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, 8, &entry),
			FASTRPC_REPLY_SHORT);
	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, 15, &entry),
			FASTRPC_REPLY_SHORT);
	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, 0, NULL),
			FASTRPC_REPLY_SHORT);
	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, sizeof(rsp), NULL),
			FASTRPC_REPLY_BAD_INDEX);

	/* Stale sequence number: an older call at the same index */
	rsp.ctx = cpu_to_le64(ctx - FIELD_PREP(FASTRPC_CTX_SEQ, 1));
	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, sizeof(rsp), &entry),
			FASTRPC_REPLY_MISMATCH);
	/* Wrong PD bits */
	rsp.ctx = cpu_to_le64(ctx ^ FASTRPC_PD_USER);
	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, sizeof(rsp), &entry),
			FASTRPC_REPLY_MISMATCH);

	rsp.ctx = cpu_to_le64(ctx);
	entry.answered = true;
	KUNIT_EXPECT_EQ(test, fastrpc_reply_classify(&rsp, sizeof(rsp), &entry),
			FASTRPC_REPLY_ANSWERED);

	/* A notification is recognised even if an entry were found */
	entry.answered = false;
	class = fastrpc_reply_classify(&notif, sizeof(notif), &entry);
	KUNIT_EXPECT_EQ(test, class, FASTRPC_REPLY_NOTIFICATION);
}

static struct kunit_case fastrpc_test_cases[] = {
	KUNIT_CASE(fastrpc_test_scalars),
	KUNIT_CASE(fastrpc_test_meta_len),
	KUNIT_CASE(fastrpc_test_layout_calculator),
	KUNIT_CASE(fastrpc_test_layout_alignment),
	KUNIT_CASE(fastrpc_test_layout_empty),
	KUNIT_CASE(fastrpc_test_layout_bounds),
	KUNIT_CASE(fastrpc_test_check_range),
	KUNIT_CASE(fastrpc_test_check_buf),
	KUNIT_CASE(fastrpc_test_layout_mapped),
	KUNIT_CASE(fastrpc_test_layout_mapped_big),
	KUNIT_CASE(fastrpc_test_write_meta),
	KUNIT_CASE(fastrpc_test_layout_handles),
	KUNIT_CASE(fastrpc_test_dsp_errno),
	KUNIT_CASE(fastrpc_test_reply_classify),
	{}
};

static struct kunit_suite fastrpc_test_suite = {
	.name = "fastrpc_accel",
	.test_cases = fastrpc_test_cases,
};

kunit_test_suite(fastrpc_test_suite);

MODULE_DESCRIPTION("KUnit tests of the FastRPC accel driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
