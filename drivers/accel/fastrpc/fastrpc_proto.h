/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC wire protocol: bytes on the rpmsg channel or in memory shared with
 * the DSP, little-endian. The simulated DSP includes it too.
 */
#ifndef __FASTRPC_PROTO_H__
#define __FASTRPC_PROTO_H__

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>

/* Arguments are ordered in-buffers, out-buffers, in-handles, out-handles */
#define FASTRPC_SC_ATTR			GENMASK(31, 29)
#define FASTRPC_SC_METHOD		GENMASK(28, 24)
#define FASTRPC_SC_INBUFS		GENMASK(23, 16)
#define FASTRPC_SC_OUTBUFS		GENMASK(15, 8)
#define FASTRPC_SC_INHANDLES		GENMASK(7, 4)
#define FASTRPC_SC_OUTHANDLES		GENMASK(3, 0)

#define FASTRPC_SC(method, in, out)				\
	(FIELD_PREP(FASTRPC_SC_METHOD, (method)) |		\
	 FIELD_PREP(FASTRPC_SC_INBUFS, (in)) |			\
	 FIELD_PREP(FASTRPC_SC_OUTBUFS, (out)))

static inline u32 fastrpc_sc_method(u32 sc)
{
	return FIELD_GET(FASTRPC_SC_METHOD, sc);
}

static inline u32 fastrpc_sc_inbufs(u32 sc)
{
	return FIELD_GET(FASTRPC_SC_INBUFS, sc);
}

static inline u32 fastrpc_sc_outbufs(u32 sc)
{
	return FIELD_GET(FASTRPC_SC_OUTBUFS, sc);
}

static inline u32 fastrpc_sc_inhandles(u32 sc)
{
	return FIELD_GET(FASTRPC_SC_INHANDLES, sc);
}

static inline u32 fastrpc_sc_outhandles(u32 sc)
{
	return FIELD_GET(FASTRPC_SC_OUTHANDLES, sc);
}

static inline u32 fastrpc_sc_nbufs(u32 sc)
{
	return fastrpc_sc_inbufs(sc) + fastrpc_sc_outbufs(sc);
}

static inline u32 fastrpc_sc_nargs(u32 sc)
{
	return fastrpc_sc_nbufs(sc) + fastrpc_sc_inhandles(sc) +
	       fastrpc_sc_outhandles(sc);
}

/*
 * Context word, echoed by the DSP, which reads only PD and ASYNC. SEQ is per
 * channel so a stale or duplicated reply never matches a call that reuses
 * the index.
 */
#define FASTRPC_CTX_PD			GENMASK_ULL(3, 0)
#define FASTRPC_CTX_ASYNC		BIT_ULL(4)
#define FASTRPC_CTX_INDEX		GENMASK_ULL(15, 8)
#define FASTRPC_CTX_SEQ			GENMASK_ULL(63, 16)
#define FASTRPC_CTX_MAX_INDEX		255

#define FASTRPC_PD_ROOT			0
#define FASTRPC_PD_USER			1
#define FASTRPC_PD_SENSORS		2

#define FASTRPC_NOTIF_CTX		0xabcdabcdULL
#define FASTRPC_NOTIF_STATUS_RSP	4
#define FASTRPC_PD_STATUS_UP		0
#define FASTRPC_PD_STATUS_EXIT		1
#define FASTRPC_PD_STATUS_FORCE_KILL	2
#define FASTRPC_PD_STATUS_EXCEPTION	3

/* Only the wire encoding packs the stream id into an address */
#define FASTRPC_ADDR_SID		GENMASK_ULL(63, 32)
#define FASTRPC_ADDR_IOVA		GENMASK_ULL(31, 0)

static inline u64 fastrpc_wire_addr(u32 sid, u64 iova)
{
	return FIELD_PREP(FASTRPC_ADDR_SID, sid) | (iova & FASTRPC_ADDR_IOVA);
}

#define FASTRPC_HANDLE_REMOTECTL	0
#define FASTRPC_HANDLE_INIT		1	/* kernel only */
#define FASTRPC_HANDLE_DSP_UTILS	2
#define FASTRPC_HANDLE_LISTENER		3
#define FASTRPC_HANDLE_CURRENT_PROCESS	4
#define FASTRPC_HANDLE_LISTENER1	7
#define FASTRPC_HANDLE_REMOTECTL1	8
#define FASTRPC_HANDLE_PERF1		9

/*
 * Served by the DSP runtime, never touching memory a process mapped for its
 * modules; a listener call may wait as long as the process lives.
 */
static inline bool fastrpc_handle_is_system(u32 handle)
{
	return handle <= FASTRPC_HANDLE_PERF1 && handle != FASTRPC_HANDLE_INIT;
}

#define FASTRPC_RMID_INIT_ATTACH	0
#define FASTRPC_RMID_INIT_RELEASE	1
#define FASTRPC_RMID_INIT_MMAP		4
#define FASTRPC_RMID_INIT_MUNMAP	5
#define FASTRPC_RMID_INIT_CREATE	6
#define FASTRPC_RMID_INIT_CREATE_ATTR	7
#define FASTRPC_RMID_INIT_CREATE_STATIC	8
#define FASTRPC_RMID_INIT_MEM_MAP	10
#define FASTRPC_RMID_INIT_MEM_UNMAP	11

#define FASTRPC_MMAP_REMOTE_HEAP	0x8
#define FASTRPC_MMAP_ADD_PAGES		0x1000

#define FASTRPC_CREATE_ATTR_DEBUG	BIT(0)
#define FASTRPC_CREATE_ATTR_UNSIGNED	BIT(3)

#define FASTRPC_DSP_UTILS_CAPS_METHOD	0
#define FASTRPC_DSP_ATTR_COUNT		256
#define FASTRPC_DSP_ATTR_QUERY_LEN	(FASTRPC_DSP_ATTR_COUNT - 1)

/* DSP results are AEE error numbers offset by FASTRPC_DSP_ERR_BASE */
#define FASTRPC_DSP_ERR_BASE		0x80000400u
#define FASTRPC_AEE_EFAILED		0x01
#define FASTRPC_AEE_ENOMEMORY		0x02
#define FASTRPC_AEE_EBADSTATE		0x0d
#define FASTRPC_AEE_EBADPARM		0x0e
#define FASTRPC_AEE_EUNSUPPORTED	0x14
#define FASTRPC_AEE_ERESOURCENOTFOUND	0x16
#define FASTRPC_AEE_ENOSUCH		0x27
#define FASTRPC_AEE_EINVHANDLE		0x2c
#define FASTRPC_AEE_EINTERRUPTED	0x2e
#define FASTRPC_AEE_ENOSUCHMOD		0x3e
#define FASTRPC_DSP_ERR(aee)		(FASTRPC_DSP_ERR_BASE + (aee))

struct fastrpc_msg {
	__le32 pid;	/* client id; 0 for kernel calls */
	__le32 tid;
	__le64 ctx;
	__le32 handle;
	__le32 sc;
	__le64 addr;
	__le64 size;	/* page multiple */
};

struct fastrpc_rsp {
	__le64 ctx;
	__le32 retval;
	__le32 pad;
};

union fastrpc_remote_arg {
	struct {
		__le64 pv;	/* only its in-page offset is used */
		__le64 len;
	} buf;
	struct {
		__le32 fd;
		__le32 offset;
		__le32 len;
		__le32 pad;
	} dma;
};

struct fastrpc_invoke_buf {
	__le32 num;	/* 0 or 1 page list entries */
	__le32 pgidx;
};

struct fastrpc_phy_page {
	__le64 addr;
	__le64 size;
};

#define FASTRPC_MAX_FDLIST		16
#define FASTRPC_MAX_CRCLIST		64
#define FASTRPC_INLINE_ALIGN		128

/*
 * Payload: rpra[N], list[N], pages[N], fdlist[16], crclist[64], then each
 * inline buffer on a 128-byte boundary.
 */
static inline size_t fastrpc_meta_len(u32 nargs)
{
	return (size_t)nargs * (sizeof(union fastrpc_remote_arg) +
				sizeof(struct fastrpc_invoke_buf) +
				sizeof(struct fastrpc_phy_page)) +
	       FASTRPC_MAX_FDLIST * sizeof(__le64) +
	       FASTRPC_MAX_CRCLIST * sizeof(__le32);
}

/* in0 of INIT CREATE and CREATE_ATTR */
struct fastrpc_create_req {
	__le32 pgid;
	__le32 namelen;
	__le32 filelen;
	__le32 pageslen;
	__le32 attrs;	/* FASTRPC_CREATE_ATTR_* */
	__le32 siglen;
};

/* in0 of INIT CREATE_STATIC; one page is sent in in2 all the same */
struct fastrpc_create_static_req {
	__le32 pgid;
	__le32 namelen;
	__le32 pageslen;
};

struct fastrpc_mmap_req {
	__le32 pgid;
	__le32 flags;
	__le64 vaddr;
	__le32 num;
	__le32 pad;
};

struct fastrpc_munmap_req {
	__le32 pgid;
	__le32 pad;
	__le64 vaddr;
	__le64 size;
};

struct fastrpc_mem_map_req {
	__le32 pgid;
	__le32 fd;
	__le32 offset;
	__le32 flags;
	__le64 vaddrin;
	__le32 num;
	__le32 data_len;
};

struct fastrpc_mem_unmap_req {
	__le32 pgid;
	__le32 fd;
	__le64 vaddrin;
	__le64 len;
};

struct fastrpc_notif_rsp {
	__le64 ctx;
	__le32 type;
	__le32 pid;
	__le32 status;
	__le32 pad;
};

static_assert(sizeof(struct fastrpc_msg) == 40);
static_assert(sizeof(struct fastrpc_rsp) == 16);
static_assert(sizeof(union fastrpc_remote_arg) == 16);
static_assert(sizeof(struct fastrpc_invoke_buf) == 8);
static_assert(sizeof(struct fastrpc_phy_page) == 16);
static_assert(sizeof(struct fastrpc_create_req) == 24);
static_assert(sizeof(struct fastrpc_create_static_req) == 12);
static_assert(sizeof(struct fastrpc_mmap_req) == 24);
static_assert(sizeof(struct fastrpc_munmap_req) == 24);
static_assert(sizeof(struct fastrpc_mem_map_req) == 32);
static_assert(sizeof(struct fastrpc_mem_unmap_req) == 24);
static_assert(sizeof(struct fastrpc_notif_rsp) == 24);

#endif /* __FASTRPC_PROTO_H__ */
