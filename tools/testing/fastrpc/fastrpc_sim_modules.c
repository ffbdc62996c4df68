// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: built-in modules.
 *
 * A method reaches host memory only through fastrpc_sim_access() and its
 * helpers. Unless the module marks it lazy, every buffer and handle
 * argument has been checked whole before the method runs; a lazy method checks every range
 * it touches itself, before it writes anything.
 */

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/unaligned.h>

#include <kunit/visibility.h>

#include "fastrpc_proto.h"
#include "fastrpc_sim.h"

#define FASTRPC_SIM_EBADPARM	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADPARM)
#define FASTRPC_SIM_EUNSUPPORTED FASTRPC_DSP_ERR(FASTRPC_AEE_EUNSUPPORTED)

/* simtest methods */
#define FASTRPC_SIM_SIMTEST_ECHO	2
#define FASTRPC_SIM_SIMTEST_SLEEP	3
#define FASTRPC_SIM_SIMTEST_ERROR	4
#define FASTRPC_SIM_SIMTEST_FILL	5
#define FASTRPC_SIM_SIMTEST_TOUCH	6
#define FASTRPC_SIM_SIMTEST_WRITE_AT	7
#define FASTRPC_SIM_SIMTEST_READ_AT	8
#define FASTRPC_SIM_SIMTEST_READ_IOVA	9
#define FASTRPC_SIM_SIMTEST_HANDLES	10
#define FASTRPC_SIM_SIMTEST_CRASH	11
#define FASTRPC_SIM_SIMTEST_GROW	12
#define FASTRPC_SIM_SIMTEST_FARF	13

/**
 * struct fastrpc_sim_write_at_req - in0 of simtest write_at
 * @dsp_addr: DSP address of the range
 * @len: its length
 * @pattern: 32-bit pattern to fill it with
 * @pad: padding
 */
struct fastrpc_sim_write_at_req {
	__le64 dsp_addr;
	__le64 len;
	__le32 pattern;
	__le32 pad;
};

/**
 * struct fastrpc_sim_read_req - in0 of simtest read_at and read_iova
 * @addr: DSP address (read_at) or IOVA of the caller's context bank
 *        (read_iova)
 * @len: bytes to read
 */
struct fastrpc_sim_read_req {
	__le64 addr;
	__le64 len;
};

/**
 * struct fastrpc_sim_handle_rec - what simtest handles saw of one handle
 * @fd: the fd (cookie) of the handle argument
 * @offset: its offset
 * @len: its length
 * @mapped: 1 if the host gave it memory (a page range), else 0
 */
struct fastrpc_sim_handle_rec {
	__le32 fd;
	__le32 offset;
	__le32 len;
	__le32 mapped;
};

static_assert(sizeof(struct fastrpc_sim_write_at_req) == 24);
static_assert(sizeof(struct fastrpc_sim_read_req) == 16);
static_assert(sizeof(struct fastrpc_sim_handle_rec) == 16);

/* ---- calculator ---- */

static u32 fastrpc_sim_calculator_invoke(struct fastrpc_sim_call *call)
{
	const u8 *vec = call->dsp->bounce;
	s64 sum = 0;
	s32 max = S32_MIN;
	u32 n, k, ret;

	if (call->method != 2 && call->method != 3)
		return FASTRPC_SIM_EUNSUPPORTED;

	if (!fastrpc_sim_sc_is(call, 2, 1) ||
	    !fastrpc_sim_get_u32(call, 0, &n) ||
	    n > call->bufs[1].len / sizeof(u32))
		return fastrpc_sim_bad_request(call, "bad calculator call");

	for (k = 0; k < n; k++) {
		size_t i = k % (PAGE_SIZE / sizeof(u32));
		s32 v;

		if (!i) {
			ret = fastrpc_sim_access(call, &call->bufs[1],
						 (u64)k * sizeof(u32),
						 call->dsp->bounce,
						 min_t(u64, n - k,
						       PAGE_SIZE / sizeof(u32)) *
						 sizeof(u32),
						 FASTRPC_SIM_READ);
			if (ret)
				return ret;
		}
		v = get_unaligned_le32(vec + i * sizeof(u32));
		sum += v;
		max = max(max, v);
	}

	if (call->method == 2) {
		__le64 res = cpu_to_le64(sum);

		if (call->bufs[2].len < sizeof(res))
			return fastrpc_sim_bad_request(call, "short sum");
		return fastrpc_sim_access(call, &call->bufs[2], 0, &res,
					  sizeof(res), FASTRPC_SIM_WRITE);
	} else {
		__le32 res = cpu_to_le32(max);

		if (call->bufs[2].len < sizeof(res))
			return fastrpc_sim_bad_request(call, "short max");
		return fastrpc_sim_access(call, &call->bufs[2], 0, &res,
					  sizeof(res), FASTRPC_SIM_WRITE);
	}
}

/* ---- simtest ---- */

static u32 fastrpc_sim_simtest_echo(struct fastrpc_sim_call *call)
{
	u32 k, ret;

	if (!fastrpc_sim_sc_is(call, call->nin, call->nin))
		return fastrpc_sim_bad_request(call, "bad echo");

	for (k = 0; k < call->nin; k++)
		if (call->bufs[k].len != call->bufs[call->nin + k].len)
			return fastrpc_sim_bad_request(call, "echo lengths");

	for (k = 0; k < call->nin; k++) {
		ret = fastrpc_sim_copy(call, &call->bufs[call->nin + k],
				       &call->bufs[k], call->bufs[k].len);
		if (ret)
			return ret;
	}
	return 0;
}

static u32 fastrpc_sim_simtest_fill(struct fastrpc_sim_call *call)
{
	u32 val;

	if (!fastrpc_sim_sc_is(call, 1, 1) ||
	    !fastrpc_sim_get_u32(call, 0, &val))
		return fastrpc_sim_bad_request(call, "bad fill");

	return fastrpc_sim_fill(call, &call->bufs[1], val);
}

/*
 * touch: out[i] gets the first and the last byte of in[i]. Lazy: only
 * those bytes are checked and touched, whatever the size of the buffers.
 */
static u32 fastrpc_sim_simtest_touch(struct fastrpc_sim_call *call)
{
	u32 n = call->nin, k, ret;
	u8 first, last;

	if (!fastrpc_sim_sc_is(call, n, n))
		return fastrpc_sim_bad_request(call, "bad touch");

	for (k = 0; k < n; k++) {
		const struct fastrpc_sim_buf *in = &call->bufs[k];
		const struct fastrpc_sim_buf *out = &call->bufs[n + k];

		if (!in->len != !out->len)
			return fastrpc_sim_bad_request(call, "touch lengths");
		if (!in->len)
			continue;

		ret = fastrpc_sim_access(call, in, 0, NULL, 1,
					 FASTRPC_SIM_CHECK);
		if (!ret)
			ret = fastrpc_sim_access(call, in, in->len - 1, NULL, 1,
						 FASTRPC_SIM_CHECK);
		if (!ret)
			ret = fastrpc_sim_access(call, out, 0, NULL, 1,
						 FASTRPC_SIM_CHECK);
		if (!ret)
			ret = fastrpc_sim_access(call, out, out->len - 1, NULL,
						 1, FASTRPC_SIM_CHECK);
		if (ret)
			return ret;
	}

	for (k = 0; k < n; k++) {
		const struct fastrpc_sim_buf *in = &call->bufs[k];
		const struct fastrpc_sim_buf *out = &call->bufs[n + k];

		if (!in->len)
			continue;

		ret = fastrpc_sim_access(call, in, 0, &first, 1,
					 FASTRPC_SIM_READ);
		if (!ret)
			ret = fastrpc_sim_access(call, in, in->len - 1, &last,
						 1, FASTRPC_SIM_READ);
		if (!ret)
			ret = fastrpc_sim_access(call, out, 0, &first, 1,
						 FASTRPC_SIM_WRITE);
		if (!ret)
			ret = fastrpc_sim_access(call, out, out->len - 1, &last,
						 1, FASTRPC_SIM_WRITE);
		if (ret)
			return ret;
	}
	return 0;
}

/* write_at: fill a range of a DSP mapping of the caller's PD */
static u32 fastrpc_sim_simtest_write_at(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_write_at_req req;
	struct fastrpc_sim_buf dst;
	u32 ret;

	if (!fastrpc_sim_sc_is(call, 1, 0) || call->bufs[0].len < sizeof(req))
		return fastrpc_sim_bad_request(call, "bad write_at");

	ret = fastrpc_sim_access(call, &call->bufs[0], 0, &req, sizeof(req),
				 FASTRPC_SIM_READ);
	if (ret)
		return ret;

	ret = fastrpc_sim_dsp_map_find(call, le64_to_cpu(req.dsp_addr),
				       le64_to_cpu(req.len), &dst);
	if (!ret)
		ret = fastrpc_sim_access(call, &dst, 0, NULL, dst.len,
					 FASTRPC_SIM_CHECK);
	if (!ret)
		ret = fastrpc_sim_fill(call, &dst, le32_to_cpu(req.pattern));
	return ret;
}

/* read_at and read_iova: out0 gets len bytes of a DSP mapping or an IOVA */
static u32 fastrpc_sim_simtest_read(struct fastrpc_sim_call *call, bool iova)
{
	struct fastrpc_sim_read_req req;
	struct fastrpc_sim_buf src;
	u64 addr, len;
	u32 ret;

	if (!fastrpc_sim_sc_is(call, 1, 1) || call->bufs[0].len < sizeof(req))
		return fastrpc_sim_bad_request(call, "bad read");

	ret = fastrpc_sim_access(call, &call->bufs[0], 0, &req, sizeof(req),
				 FASTRPC_SIM_READ);
	if (ret)
		return ret;

	addr = le64_to_cpu(req.addr);
	len = le64_to_cpu(req.len);
	if (len > call->bufs[1].len)
		return fastrpc_sim_bad_request(call, "read past out0");

	if (iova) {
		/* DSP code dereferencing a stray address */
		src = (struct fastrpc_sim_buf) {
			.sid = call->sid,
			.iova = addr,
			.len = len,
		};
		ret = 0;
	} else {
		ret = fastrpc_sim_dsp_map_find(call, addr, len, &src);
	}
	if (!ret)
		ret = fastrpc_sim_access(call, &src, 0, NULL, len,
					 FASTRPC_SIM_CHECK);
	if (!ret)
		ret = fastrpc_sim_copy(call, &call->bufs[1], &src, len);
	return ret;
}

/*
 * handles: k in-buffers, k + 1 out-buffers, any handles. out0 gets a
 * struct fastrpc_sim_handle_rec for each handle argument, in order;
 * in-handle k is copied to out-handle k (the shorter of the two lengths)
 * for each k that has both; in-buffer k is copied to out-buffer k + 1.
 */
static u32 fastrpc_sim_simtest_handles(struct fastrpc_sim_call *call)
{
	u32 nh = call->ninh + call->nouth, k, ret;
	const struct fastrpc_sim_buf *recs;
	struct fastrpc_sim_handle_rec rec;

	if (call->nout != call->nin + 1 ||
	    call->bufs[call->nin].len < (u64)nh * sizeof(rec))
		return fastrpc_sim_bad_request(call, "bad handles");
	for (k = 0; k < call->nin; k++)
		if (call->bufs[k].len != call->bufs[call->nin + 1 + k].len)
			return fastrpc_sim_bad_request(call, "handles lengths");

	recs = &call->bufs[call->nin];
	for (k = 0; k < nh; k++) {
		const struct fastrpc_sim_handle *h = &call->handles[k];

		rec = (struct fastrpc_sim_handle_rec) {
			.fd = cpu_to_le32(h->fd),
			.offset = cpu_to_le32(h->offset),
			.len = cpu_to_le32(h->len),
			.mapped = cpu_to_le32(h->mapped),
		};
		ret = fastrpc_sim_access(call, recs, (u64)k * sizeof(rec), &rec,
					 sizeof(rec), FASTRPC_SIM_WRITE);
		if (ret)
			return ret;
	}

	for (k = 0; k < min(call->ninh, call->nouth); k++) {
		const struct fastrpc_sim_buf *src = &call->handles[k].buf;
		const struct fastrpc_sim_buf *dst =
			&call->handles[call->ninh + k].buf;

		ret = fastrpc_sim_copy(call, dst, src, min(src->len, dst->len));
		if (ret)
			return ret;
	}

	for (k = 0; k < call->nin; k++) {
		ret = fastrpc_sim_copy(call, &call->bufs[call->nin + 1 + k],
				       &call->bufs[k], call->bufs[k].len);
		if (ret)
			return ret;
	}
	return 0;
}

static u32 fastrpc_sim_simtest_invoke(struct fastrpc_sim_call *call)
{
	u32 val;

	switch (call->method) {
	case FASTRPC_SIM_SIMTEST_ECHO:
		return fastrpc_sim_simtest_echo(call);
	case FASTRPC_SIM_SIMTEST_SLEEP:
		if (!fastrpc_sim_sc_is(call, 1, 0) ||
		    !fastrpc_sim_get_u32(call, 0, &val))
			return fastrpc_sim_bad_request(call, "bad sleep");
		call->delay_ms = val;
		return 0;
	case FASTRPC_SIM_SIMTEST_ERROR:
		if (!fastrpc_sim_sc_is(call, 1, 0) ||
		    !fastrpc_sim_get_u32(call, 0, &val))
			return fastrpc_sim_bad_request(call, "bad error");
		return val;
	case FASTRPC_SIM_SIMTEST_FILL:
		return fastrpc_sim_simtest_fill(call);
	case FASTRPC_SIM_SIMTEST_TOUCH:
		return fastrpc_sim_simtest_touch(call);
	case FASTRPC_SIM_SIMTEST_WRITE_AT:
		return fastrpc_sim_simtest_write_at(call);
	case FASTRPC_SIM_SIMTEST_READ_AT:
		return fastrpc_sim_simtest_read(call, false);
	case FASTRPC_SIM_SIMTEST_READ_IOVA:
		return fastrpc_sim_simtest_read(call, true);
	case FASTRPC_SIM_SIMTEST_HANDLES:
		return fastrpc_sim_simtest_handles(call);
	case FASTRPC_SIM_SIMTEST_CRASH:
		/* An exception in the module: the PD dies with this call */
		if (!fastrpc_sim_sc_is(call, 0, 0) || !call->pd)
			return fastrpc_sim_bad_request(call, "bad crash");
		call->crash = true;
		return 0;
	case FASTRPC_SIM_SIMTEST_GROW:
		return fastrpc_sim_rev_grow(call);
	case FASTRPC_SIM_SIMTEST_FARF:
		return fastrpc_sim_rev_farf(call);
	default:
		return FASTRPC_SIM_EUNSUPPORTED;
	}
}

const struct fastrpc_sim_module fastrpc_sim_modules[] = {
	{ .name = "calculator", .invoke = fastrpc_sim_calculator_invoke },
	{
		.name = "simtest",
		.invoke = fastrpc_sim_simtest_invoke,
		.lazy = BIT(FASTRPC_SIM_SIMTEST_TOUCH),
	},
};

const unsigned int fastrpc_sim_nr_modules = ARRAY_SIZE(fastrpc_sim_modules);
