/*
 * cpu-suite groups SIMD and DSPMUL: the ARMv7E-M DSP extension. Parallel add/subtract set
 * APSR.GE[3:0] (read back in the same asm statement, after clearing them), SEL consumes them; the
 * saturating and halving forms do not touch GE; the DSP multiplies may set Q.
 */
#include "suite.h"

/* Parallel op with GE preset to `ge_in` (bits 19:16) and Q clear: records Rd and GE|Q. */
#define SIMDGE(insn, a, b)                                                                         \
    do {                                                                                           \
        uint32_t r_, f_;                                                                           \
        __asm volatile("msr APSR_nzcvqg, %[z]\n\t" insn " %[r], %[x], %[y]\n\tmrs %[f], APSR"     \
                       : [r] "=&r"(r_), [f] "=&r"(f_)                                              \
                       : [z] "r"(0u), [x] "r"(a), [y] "r"(b)                                       \
                       : "cc");                                                                    \
        rec(r_);                                                                                   \
        rec(f_ & (APSR_GE_MASK | APSR_Q));                                                         \
    } while (0)

/* Three-register op that must leave GE (preset to 0b1010) and Q alone: records Rd and GE|Q. */
#define SIMDKEEP(insn, a, b)                                                                       \
    do {                                                                                           \
        uint32_t r_, f_;                                                                           \
        __asm volatile("msr APSR_nzcvqg, %[g]\n\t" insn " %[r], %[x], %[y]\n\tmrs %[f], APSR"     \
                       : [r] "=&r"(r_), [f] "=&r"(f_)                                              \
                       : [g] "r"(0x000A0000u), [x] "r"(a), [y] "r"(b)                              \
                       : "cc");                                                                    \
        rec(r_);                                                                                   \
        rec(f_ & (APSR_GE_MASK | APSR_Q));                                                         \
    } while (0)

/* Full-template op with Q cleared first: records Rd and Q. */
#define DSPQ(tmpl, a, b, acc)                                                                       \
    do {                                                                                           \
        uint32_t r_, f_;                                                                           \
        __asm volatile("msr APSR_nzcvq, %[z]\n\t" tmpl "\n\tmrs %[f], APSR"                       \
                       : [r] "=&r"(r_), [f] "=&r"(f_)                                              \
                       : [z] "r"(0u), [x] "r"(a), [y] "r"(b), [c] "r"(acc)                         \
                       : "cc");                                                                    \
        rec(r_);                                                                                   \
        rec(f_ & APSR_Q);                                                                          \
    } while (0)

/* Long accumulate: RdLo/RdHi in-out. */
#define DSPLONG(insn, lo0, hi0, a, b)                                                              \
    do {                                                                                           \
        uint32_t lo_ = (lo0), hi_ = (hi0);                                                         \
        __asm volatile(insn " %[lo], %[hi], %[x], %[y]" : [lo] "+&r"(lo_), [hi] "+&r"(hi_)         \
                       : [x] "r"(a), [y] "r"(b));                                                  \
        rec(lo_);                                                                                  \
        rec(hi_);                                                                                  \
    } while (0)

void test_simd(void)
{
    group_begin(GID_SIMD);
    /* Signed halfwords: GE[1:0] / GE[3:2] set where the lane result is >= 0. */
    SIMDGE("sadd16", opq(0x7FFF0001u), opq(0x0001FFFFu));   /* 0x80000000, GE 1111 */
    SIMDGE("sadd16", opq(0x8000FFFFu), opq(0xFFFF0001u));   /* lanes -32769 (<0), 0 */
    SIMDGE("ssub16", opq(0x00010005u), opq(0x00020003u));   /* lanes -1, 2 */
    SIMDGE("sasx", opq(0x00100020u), opq(0x00030004u));     /* hi = 0x10 + 4, lo = 0x20 - 3 */
    SIMDGE("ssax", opq(0x00100020u), opq(0x00300004u));     /* hi = 0x10 - 4, lo = 0x20 + 0x30 */
    /* Unsigned halfwords: add sets GE on carry out, subtract on no borrow. */
    SIMDGE("uadd16", opq(0xFFFF0001u), opq(0x00020001u));   /* hi carries */
    SIMDGE("usub16", opq(0x00050001u), opq(0x00030002u));   /* lo borrows */
    SIMDGE("uasx", opq(0x00010005u), opq(0x00060002u));
    SIMDGE("usax", opq(0xFFFF0001u), opq(0x00010002u));
    /* Bytes */
    SIMDGE("sadd8", opq(0x7F80FF01u), opq(0x0180FF01u));
    SIMDGE("ssub8", opq(0x0080FF10u), opq(0x01017F0Fu));
    SIMDGE("uadd8", opq(0xFF80FF01u), opq(0x0180FF01u));
    SIMDGE("usub8", opq(0x0380FF10u), opq(0x04017F0Fu));
    /* SEL picks each byte from Rn where GE[i] = 1, else from Rm (GE from a USUB8 compare). */
    {
        uint32_t a = opq(0x10203040u), b = opq(0x40302010u), d, r;
        __asm volatile("usub8 %[d], %[a], %[b]\n\tsel %[r], %[a], %[b]"
                       : [d] "=&r"(d), [r] "=&r"(r) : [a] "r"(a), [b] "r"(b) : "cc");
        rec(r);   /* byte-wise maximum: 0x40303040 */
        __asm volatile("usub8 %[d], %[a], %[b]\n\tsel %[r], %[b], %[a]"
                       : [d] "=&r"(d), [r] "=&r"(r) : [a] "r"(a), [b] "r"(b) : "cc");
        rec(r);   /* byte-wise minimum: 0x10202010 */
        __asm volatile("msr APSR_nzcvqg, %[g]\n\tsel %[r], %[a], %[b]"
                       : [r] "=r"(r) : [g] "r"(0x00050000u), [a] "r"(opq(0xAAAAAAAAu)),
                         [b] "r"(opq(0x55555555u)) : "cc");
        rec(r);   /* GE = 0101: 0x55AA55AA */
    }
    /* Saturating, halving and absolute-difference forms: GE untouched. */
    SIMDKEEP("qadd16", opq(0x7FFF8000u), opq(0x0001FFFFu));   /* 0x7FFF8000 */
    SIMDKEEP("qsub16", opq(0x80007FFFu), opq(0x0001FFFFu));   /* 0x80007FFF */
    SIMDKEEP("qadd8", opq(0x7F80017Fu), opq(0x01FF0101u));
    SIMDKEEP("qsub8", opq(0x80017F00u), opq(0x0102FF80u));
    SIMDKEEP("qasx", opq(0x7FFF8000u), opq(0x00010001u));
    SIMDKEEP("qsax", opq(0x7FFF8000u), opq(0x00010001u));
    SIMDKEEP("uqadd8", opq(0xFF80FE01u), opq(0x0180FF01u));   /* 0xFFFFFF02 */
    SIMDKEEP("uqsub8", opq(0x0380FF10u), opq(0x04017F0Fu));   /* 0x007F8001 */
    SIMDKEEP("uqadd16", opq(0xFFF00001u), opq(0x00200002u));
    SIMDKEEP("uqsub16", opq(0x00050001u), opq(0x00030002u));
    SIMDKEEP("shadd8", opq(0x7F80FF01u), opq(0x7F80FF02u));
    SIMDKEEP("shsub16", opq(0x80007FFFu), opq(0x7FFF8000u));
    SIMDKEEP("uhadd8", opq(0xFF80FF01u), opq(0xFF80FF02u));
    SIMDKEEP("uhsub16", opq(0x00000005u), opq(0x00010003u));
    SIMDKEEP("shasx", opq(0x7FFF8000u), opq(0x7FFF8000u));
    SIMDKEEP("uhsax", opq(0xFFFF0000u), opq(0x0000FFFFu));
    SIMDKEEP("usad8", opq(0x01FF1080u), opq(0xFF011080u));    /* 254 + 254 + 0 + 0 = 508 */
    {
        uint32_t r;
        __asm volatile("usada8 %[r], %[a], %[b], %[c]" : [r] "=r"(r)
                       : [a] "r"(opq(0x00FF00FFu)), [b] "r"(opq(0xFF00FF00u)), [c] "r"(opq(1000u)));
        rec(r);   /* 1000 + 4 * 255 */
    }
}

void test_dspmul(void)
{
    group_begin(GID_DSPMUL);
    /* Dual 16x16 multiplies; SMLAD/SMUAD set Q on 32-bit overflow of the sum. */
    DSPQ("smuad %[r], %[x], %[y]", opq(0x00030004u), opq(0x00050006u), 0u);   /* 3*5 + 4*6 */
    DSPQ("smuad %[r], %[x], %[y]", opq(0x80008000u), opq(0x80008000u), 0u);   /* 2^31: Q */
    DSPQ("smuadx %[r], %[x], %[y]", opq(0x00030004u), opq(0x00050006u), 0u);  /* 3*6 + 4*5 */
    DSPQ("smusd %[r], %[x], %[y]", opq(0x00030004u), opq(0x00050006u), 0u);   /* 4*6 - 3*5 */
    DSPQ("smusdx %[r], %[x], %[y]", opq(0x0003FFFCu), opq(0x00050006u), 0u);  /* -4*5 - 3*6 */
    DSPQ("smlad %[r], %[x], %[y], %[c]", opq(0x7FFF7FFFu), opq(0x7FFF7FFFu), opq(0x7FFFFFFFu)); /* Q */
    DSPQ("smladx %[r], %[x], %[y], %[c]", opq(0xFFFF0002u), opq(0x00030004u), opq(100u));
    DSPQ("smlsd %[r], %[x], %[y], %[c]", opq(0x00020003u), opq(0x00040005u), opq(1000u));
    DSPQ("smlsdx %[r], %[x], %[y], %[c]", opq(0x00020003u), opq(0x00040005u), opq(1000u));
    /* Most-significant-word multiplies */
    DSPQ("smmul %[r], %[x], %[y]", opq(0x40000000u), opq(0x00000003u), 0u);   /* 0 */
    DSPQ("smmulr %[r], %[x], %[y]", opq(0x40000000u), opq(0x00000003u), 0u);  /* rounds to 1 */
    DSPQ("smmul %[r], %[x], %[y]", opq(0x80000000u), opq(0x80000000u), 0u);  /* 0x40000000 */
    DSPQ("smmla %[r], %[x], %[y], %[c]", opq(0xFFFFFFFFu), opq(0x00000001u), opq(10u)); /* 10 - 1 */
    DSPQ("smmlar %[r], %[x], %[y], %[c]", opq(0x7FFFFFFFu), opq(0x7FFFFFFFu), opq(1u));
    DSPQ("smmls %[r], %[x], %[y], %[c]", opq(0x00010000u), opq(0x00010000u), opq(5u)); /* 5 - 1 */
    DSPQ("smmlsr %[r], %[x], %[y], %[c]", opq(0x12345678u), opq(0x9ABCDEF0u), opq(0x11111111u));
    /* Halfword multiplies */
    DSPQ("smulbb %[r], %[x], %[y]", opq(0x0002FFFFu), opq(0x0003FFFEu), 0u);  /* -1 * -2 */
    DSPQ("smulbt %[r], %[x], %[y]", opq(0x0002FFFFu), opq(0x0003FFFEu), 0u);  /* -1 * 3 */
    DSPQ("smultb %[r], %[x], %[y]", opq(0x8000FFFFu), opq(0x0003FFFEu), 0u);  /* -32768 * -2 */
    DSPQ("smultt %[r], %[x], %[y]", opq(0x80000000u), opq(0x80000000u), 0u);  /* 2^30 */
    DSPQ("smulwb %[r], %[x], %[y]", opq(0x00010000u), opq(0x00008000u), 0u);  /* (2^16 * -2^15) >> 16 */
    DSPQ("smulwt %[r], %[x], %[y]", opq(0xFFFF0000u), opq(0x7FFF0000u), 0u);
    DSPQ("smlabb %[r], %[x], %[y], %[c]", opq(0x00007FFFu), opq(0x00007FFFu), opq(0x7FFFFFFFu)); /* Q */
    DSPQ("smlatb %[r], %[x], %[y], %[c]", opq(0x00050000u), opq(0x00000007u), opq(1u));
    DSPQ("smlawb %[r], %[x], %[y], %[c]", opq(0x00020000u), opq(0x00000003u), opq(4u));   /* 6 + 4 */
    DSPQ("smlawt %[r], %[x], %[y], %[c]", opq(0x7FFFFFFFu), opq(0x7FFF0000u), opq(0x7FFFFFFFu)); /* Q */
    /* Long halfword accumulates */
    DSPLONG("smlalbb", opq(0xFFFFFFFFu), opq(0u), opq(0x00000002u), opq(0x00000003u));  /* carry into hi */
    DSPLONG("smlaltt", opq(0u), opq(0u), opq(0x80000000u), opq(0x7FFF0000u));
    DSPLONG("smlald", opq(1u), opq(0u), opq(0x00020003u), opq(0x00040005u));   /* 1 + 8 + 15 */
    DSPLONG("smlaldx", opq(0u), opq(0x80000000u), opq(0x80008000u), opq(0x80008000u));
    DSPLONG("smlsld", opq(0u), opq(0u), opq(0x00020003u), opq(0x00040005u));   /* 15 - 8 */
    DSPLONG("smlsldx", opq(0u), opq(0u), opq(0x00020003u), opq(0x00040005u));  /* 3*4 - 2*5 */
    /* Packing and byte extraction */
    {
        uint32_t r;
        __asm volatile("pkhbt %[r], %[a], %[b], lsl #16" : [r] "=r"(r)
                       : [a] "r"(opq(0x11112222u)), [b] "r"(opq(0x33334444u)));
        rec(r);   /* 0x44442222 */
        __asm volatile("pkhtb %[r], %[a], %[b], asr #16" : [r] "=r"(r)
                       : [a] "r"(opq(0x11112222u)), [b] "r"(opq(0x33334444u)));
        rec(r);   /* 0x11113333 */
        __asm volatile("pkhtb %[r], %[a], %[b], asr #32" : [r] "=r"(r)
                       : [a] "r"(opq(0x11112222u)), [b] "r"(opq(0x83334444u)));
        rec(r);   /* ASR #32 of a negative value: 0x1111FFFF */
        __asm volatile("sxtb16 %[r], %[a]" : [r] "=r"(r) : [a] "r"(opq(0x12803456u)));
        rec(r);   /* 0xFF800056 */
        __asm volatile("uxtb16 %[r], %[a], ror #8" : [r] "=r"(r) : [a] "r"(opq(0x12803456u)));
        rec(r);   /* 0x00120034 */
        __asm volatile("sxtab16 %[r], %[a], %[b]" : [r] "=r"(r)
                       : [a] "r"(opq(0x00010001u)), [b] "r"(opq(0x00FF00FEu)));
        rec(r);   /* 0x0000FFFF: lanes 1 + -1, 1 + -2 */
        __asm volatile("uxtab16 %[r], %[a], %[b]" : [r] "=r"(r)
                       : [a] "r"(opq(0xFFFF0001u)), [b] "r"(opq(0x00020003u)));
        rec(r);   /* 0x00010004 */
    }
}
