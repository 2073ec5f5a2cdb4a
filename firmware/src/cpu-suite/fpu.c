/*
 * cpu-suite groups FPARITH, FPSPECIAL, FPCONV: the FPv4-SP single-precision FPU.
 *
 * Every test runs in one asm statement: write FPSCR (rounding mode / FZ / DN / AHP, flags clear),
 * move the operand bit patterns into s0..s2, execute the instruction, read the result and FPSCR, and
 * write FPSCR = 0 again, so compiled code never runs in a non-default mode and no flag can leak in
 * from compiled code. The recorded FPSCR is masked to NZCV (31:28) and the cumulative exception
 * flags IDC (7) IXC UFC OFC DZC IOC (4:0).
 */
#include "suite.h"

#define FPSCR_SHOWN 0xF000009Fu

/* binary: insn s2, s0, s1 */
#define FOP2(insn, mode, a, b)                                                                     \
    do {                                                                                           \
        uint32_t r_, f_;                                                                           \
        __asm volatile("vmsr fpscr, %[m]\n\t"                                                      \
                       "vmov s0, %[x]\n\t"                                                         \
                       "vmov s1, %[y]\n\t" insn " s2, s0, s1\n\t"                                  \
                       "vmov %[r], s2\n\t"                                                         \
                       "vmrs %[f], fpscr\n\t"                                                      \
                       "vmsr fpscr, %[z]"                                                          \
                       : [r] "=&r"(r_), [f] "=&r"(f_)                                              \
                       : [m] "r"(mode), [x] "r"(a), [y] "r"(b), [z] "r"(0u)                        \
                       : "s0", "s1", "s2");                                                        \
        rec(r_);                                                                                   \
        rec(f_ & FPSCR_SHOWN);                                                                     \
    } while (0)

/* accumulating: s2 = d; insn s2, s0, s1 */
#define FOP3(insn, mode, d, a, b)                                                                  \
    do {                                                                                           \
        uint32_t r_ = (d), f_;                                                                              \
        __asm volatile("vmsr fpscr, %[m]\n\t"                                                      \
                       "vmov s0, %[x]\n\t"                                                         \
                       "vmov s1, %[y]\n\t"                                                         \
                       "vmov s2, %[r]\n\t" insn " s2, s0, s1\n\t"                                  \
                       "vmov %[r], s2\n\t"                                                         \
                       "vmrs %[f], fpscr\n\t"                                                      \
                       "vmsr fpscr, %[z]"                                                          \
                       : [r] "+&r"(r_), [f] "=&r"(f_)                                              \
                       : [m] "r"(mode), [x] "r"(a), [y] "r"(b), [z] "r"(0u)                        \
                       : "s0", "s1", "s2");                                                        \
        rec(r_);                                                                                   \
        rec(f_ & FPSCR_SHOWN);                                                                     \
    } while (0)

/* unary: s1 preset to `d`; insn s1, s0 (a template, e.g. "vsqrt.f32 s1, s0") */
#define FOP1(tmpl, mode, d, a)                                                                     \
    do {                                                                                           \
        uint32_t r_ = (d), f_;                                                                     \
        __asm volatile("vmsr fpscr, %[m]\n\t"                                                      \
                       "vmov s0, %[x]\n\t"                                                         \
                       "vmov s1, %[r]\n\t" tmpl "\n\t"                                             \
                       "vmov %[r], s1\n\t"                                                         \
                       "vmrs %[f], fpscr\n\t"                                                      \
                       "vmsr fpscr, %[z]"                                                          \
                       : [r] "+&r"(r_), [f] "=&r"(f_)                                              \
                       : [m] "r"(mode), [x] "r"(a), [z] "r"(0u)                                    \
                       : "s0", "s1");                                                              \
        rec(r_);                                                                                   \
        rec(f_ & FPSCR_SHOWN);                                                                     \
    } while (0)

/* compare: tmpl uses s0, s1; records FPSCR (NZCV and flags) */
#define FCMP(tmpl, a, b)                                                                           \
    do {                                                                                           \
        uint32_t f_;                                                                               \
        __asm volatile("vmsr fpscr, %[z]\n\t"                                                      \
                       "vmov s0, %[x]\n\t"                                                         \
                       "vmov s1, %[y]\n\t" tmpl "\n\t"                                             \
                       "vmrs %[f], fpscr\n\t"                                                      \
                       "vmsr fpscr, %[z]"                                                          \
                       : [f] "=&r"(f_)                                                             \
                       : [x] "r"(a), [y] "r"(b), [z] "r"(0u)                                       \
                       : "s0", "s1");                                                              \
        rec(f_ & FPSCR_SHOWN);                                                                     \
    } while (0)

#define F_ONE      0x3F800000u
#define F_MONE     0xBF800000u
#define F_TWO      0x40000000u
#define F_THREE    0x40400000u
#define F_FOUR     0x40800000u
#define F_HALF     0x3F000000u
#define F_TEN      0x41200000u
#define F_1P5      0x3FC00000u
#define F_2P25     0x40100000u
#define F_2P5      0x40200000u
#define F_M2P5     0xC0200000u
#define F_3P5      0x40600000u
#define F_TENTH    0x3DCCCCCDu
#define F_2EM24    0x33800000u   /* 2^-24 */
#define F_1P2EM12  0x3F800800u   /* 1 + 2^-12 */
#define F_1P2EM11  0x3F801000u   /* 1 + 2^-11 */
#define F_M1P2EM11 0xBF801000u
#define F_MAX      0x7F7FFFFFu
#define F_MMAX     0xFF7FFFFFu
#define F_INF      0x7F800000u
#define F_MINF     0xFF800000u
#define F_ZERO     0x00000000u
#define F_MZERO    0x80000000u
#define F_QNAN1    0x7FC11111u
#define F_QNAN_P   0x7FC12345u
#define F_SNAN_P   0x7F812345u
#define F_SNAN2    0x7F822222u
#define F_DENMIN   0x00000001u   /* 2^-149 */
#define F_DEN      0x00400000u   /* 2^-127 */
#define F_NORMMIN  0x00800000u   /* 2^-126 */
#define F_1E10     0x501502F9u
#define F_M1E10    0xD01502F9u

void test_fparith(void)
{
    group_begin(GID_FPARITH);
    FOP2("vadd.f32", FPSCR_RN, opq(F_1P5), opq(F_2P25));     /* 3.75 exact */
    FOP2("vadd.f32", FPSCR_RN, opq(F_ONE), opq(F_2EM24));    /* tie to even: 1.0, IXC */
    FOP2("vadd.f32", FPSCR_RP, opq(F_ONE), opq(F_2EM24));    /* 1 + 2^-23, IXC */
    FOP2("vsub.f32", FPSCR_RN, opq(F_ONE), opq(F_ONE));      /* +0 */
    FOP2("vsub.f32", FPSCR_RM, opq(F_ONE), opq(F_ONE));      /* -0 when rounding down */
    FOP2("vmul.f32", FPSCR_RN, opq(F_THREE), opq(F_TENTH));
    FOP2("vdiv.f32", FPSCR_RN, opq(F_ONE), opq(F_THREE));    /* 0x3EAAAAAB, IXC */
    FOP2("vdiv.f32", FPSCR_RN, opq(F_TEN), opq(F_FOUR));     /* 2.5 exact */
    FOP1("vsqrt.f32 s1, s0", FPSCR_RN, 0u, opq(F_TWO));      /* 0x3FB504F3, IXC */
    FOP1("vsqrt.f32 s1, s0", FPSCR_RN, 0u, opq(F_FOUR));     /* 2.0 exact */
    /* Fused (one rounding) against chained (two roundings): (1+2^-12)^2 - (1+2^-11) = 2^-24 */
    FOP3("vfma.f32", FPSCR_RN, opq(F_M1P2EM11), opq(F_1P2EM12), opq(F_1P2EM12));  /* 2^-24 exact */
    FOP3("vmla.f32", FPSCR_RN, opq(F_M1P2EM11), opq(F_1P2EM12), opq(F_1P2EM12));  /* 0, IXC */
    FOP3("vfms.f32", FPSCR_RN, opq(F_1P2EM11), opq(F_1P2EM12), opq(F_1P2EM12));   /* -2^-24 */
    FOP3("vmls.f32", FPSCR_RN, opq(F_1P2EM11), opq(F_1P2EM12), opq(F_1P2EM12));   /* 0, IXC */
    FOP3("vfnma.f32", FPSCR_RN, opq(F_ONE), opq(F_TWO), opq(F_THREE));  /* -1 - 6 = -7 */
    FOP3("vfnms.f32", FPSCR_RN, opq(F_ONE), opq(F_TWO), opq(F_THREE));  /* -1 + 6 = 5 */
    FOP3("vnmla.f32", FPSCR_RN, opq(F_ONE), opq(F_TWO), opq(F_THREE));  /* -1 - 6 = -7 */
    FOP3("vnmls.f32", FPSCR_RN, opq(F_ONE), opq(F_TWO), opq(F_THREE));  /* -1 + 6 = 5 */
    FOP2("vnmul.f32", FPSCR_RN, opq(F_TWO), opq(F_THREE));   /* -6 */
    FOP1("vabs.f32 s1, s0", FPSCR_RN, 0u, opq(F_MZERO));     /* +0 */
    FOP1("vneg.f32 s1, s0", FPSCR_RN, 0u, opq(F_QNAN_P));    /* sign flipped, no IOC */
    FOP1("vabs.f32 s1, s0", FPSCR_RN, 0u, opq(0xFF812345u)); /* signalling NaN: no IOC either */
    /* VMOV immediate (the 8-bit VFP constant encoding) */
    {
        uint32_t a, b, c;
        __asm volatile("vmov.f32 s0, #-1.5\n\tvmov.f32 s1, #0.125\n\tvmov.f32 s2, #31.0\n\t"
                       "vmov %[a], s0\n\tvmov %[b], s1\n\tvmov %[c], s2"
                       : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c) : : "s0", "s1", "s2");
        rec(a);
        rec(b);
        rec(c);
    }
    /* Core <-> two single registers, and a double register used as a pair (VMOV rt, rt2, dm). */
    {
        uint32_t lo, hi, x;
        __asm volatile("vmov s2, s3, %[a], %[b]\n\t"
                       "vmov.f32 s4, s3\n\t"
                       "vmov %[lo], %[hi], d1\n\t"
                       "vmov %[x], s4"
                       : [lo] "=&r"(lo), [hi] "=&r"(hi), [x] "=&r"(x)
                       : [a] "r"(opq(0x11223344u)), [b] "r"(opq(0x55667788u))
                       : "s2", "s3", "s4");
        rec(lo);
        rec(hi);
        rec(x);
    }
    /* The compiler's own float code (no contraction: -ffp-contract=off). */
    {
        float a = opqf(1.75f), b = opqf(-0.3f), c = opqf(1e-3f);
        rec(f2u(a * b + c));
        rec(f2u(a / b));
        rec(f2u(a - b * b));
        rec((uint32_t)((a > b) | (b < c) << 1 | (a == a) << 2 | (c >= a) << 3));
    }
}

void test_fpspecial(void)
{
    group_begin(GID_FPSPECIAL);
    /* NaN propagation (ARMv7-M ARM FPProcessNaNs): signalling first, then operand order. */
    FOP2("vadd.f32", FPSCR_RN, opq(F_QNAN_P), opq(F_ONE));    /* same quiet NaN */
    FOP2("vadd.f32", FPSCR_RN, opq(F_SNAN_P), opq(F_ONE));    /* quietened: 0x7FC12345, IOC */
    FOP2("vadd.f32", FPSCR_RN, opq(F_QNAN1), opq(F_SNAN2));   /* the sNaN wins: 0x7FC22222, IOC */
    FOP2("vmul.f32", FPSCR_RN, opq(F_QNAN1), opq(F_QNAN_P));  /* first operand */
    FOP2("vadd.f32", FPSCR_RN | FPSCR_DN, opq(F_QNAN_P), opq(F_ONE));  /* default NaN 0x7FC00000 */
    FOP2("vadd.f32", FPSCR_RN | FPSCR_DN, opq(F_SNAN_P), opq(F_ONE));  /* default NaN, IOC */
    FOP2("vsub.f32", FPSCR_RN, opq(F_INF), opq(F_INF));       /* default NaN, IOC */
    FOP2("vmul.f32", FPSCR_RN, opq(F_ZERO), opq(F_MINF));     /* default NaN, IOC */
    FOP2("vdiv.f32", FPSCR_RN, opq(F_ONE), opq(F_ZERO));      /* +inf, DZC */
    FOP2("vdiv.f32", FPSCR_RN, opq(F_MONE), opq(F_ZERO));     /* -inf, DZC */
    FOP2("vdiv.f32", FPSCR_RN, opq(F_ZERO), opq(F_ZERO));     /* default NaN, IOC */
    FOP2("vdiv.f32", FPSCR_RN, opq(F_INF), opq(F_ZERO));      /* +inf, no flag */
    FOP1("vsqrt.f32 s1, s0", FPSCR_RN, 0u, opq(F_MONE));      /* default NaN, IOC */
    FOP1("vsqrt.f32 s1, s0", FPSCR_RN, 0u, opq(F_MZERO));     /* -0 */
    FOP1("vsqrt.f32 s1, s0", FPSCR_RN, 0u, opq(F_INF));       /* +inf */
    /* Overflow in each rounding mode */
    FOP2("vmul.f32", FPSCR_RN, opq(F_MAX), opq(F_TWO));       /* +inf, OFC IXC */
    FOP2("vmul.f32", FPSCR_RZ, opq(F_MAX), opq(F_TWO));       /* max, OFC IXC */
    FOP2("vmul.f32", FPSCR_RM, opq(F_MAX), opq(F_TWO));       /* max */
    FOP2("vmul.f32", FPSCR_RP, opq(F_MMAX), opq(F_TWO));      /* -max */
    FOP2("vmul.f32", FPSCR_RM, opq(F_MMAX), opq(F_TWO));      /* -inf */
    /* Underflow and denormals (FZ = 0) */
    FOP2("vmul.f32", FPSCR_RN, opq(F_DENMIN), opq(F_HALF));   /* tie to even: +0, UFC IXC */
    FOP2("vmul.f32", FPSCR_RP, opq(F_DENMIN), opq(F_HALF));   /* 2^-149, UFC IXC */
    FOP2("vadd.f32", FPSCR_RN, opq(F_DEN), opq(F_DEN));       /* exact: min normal, no flag */
    FOP2("vadd.f32", FPSCR_RN, opq(F_DENMIN), opq(F_DENMIN)); /* exact denormal: no UFC */
    FOP2("vmul.f32", FPSCR_RN, opq(F_NORMMIN), opq(F_HALF));  /* exact denormal 2^-127: no UFC */
    /* Tininess is detected before rounding: 2^-126 - 2^-151 rounds to 2^-126 but sets UFC. */
    FOP3("vfma.f32", FPSCR_RN, opq(F_NORMMIN), opq(0x1A000000u), opq(0x99800000u));
    /* Flush-to-zero: denormal input -> IDC; denormal result -> UFC (and zero) */
    FOP2("vadd.f32", FPSCR_RN | FPSCR_FZ, opq(F_DEN), opq(F_ZERO));     /* +0, IDC */
    FOP2("vmul.f32", FPSCR_RN | FPSCR_FZ, opq(F_NORMMIN), opq(F_HALF)); /* +0, UFC */
    FOP2("vadd.f32", FPSCR_RN | FPSCR_FZ, opq(F_NORMMIN), opq(F_ONE));  /* normal: 1.0, IXC */
    /* Compares: FPSCR.NZCV = 1000 less, 0110 equal, 0010 greater, 0011 unordered */
    FCMP("vcmp.f32 s0, s1", opq(F_ONE), opq(F_TWO));
    FCMP("vcmp.f32 s0, s1", opq(F_TWO), opq(F_TWO));
    FCMP("vcmp.f32 s0, s1", opq(F_THREE), opq(F_TWO));
    FCMP("vcmp.f32 s0, s1", opq(F_QNAN_P), opq(F_ONE));       /* unordered, quiet: no IOC */
    FCMP("vcmpe.f32 s0, s1", opq(F_QNAN_P), opq(F_ONE));      /* unordered, IOC */
    FCMP("vcmp.f32 s0, s1", opq(F_SNAN_P), opq(F_ONE));       /* unordered, IOC */
    FCMP("vcmp.f32 s0, s1", opq(F_ZERO), opq(F_MZERO));       /* +0 == -0 */
    FCMP("vcmp.f32 s0, #0.0", opq(F_MONE), 0u);               /* less */
    FCMP("vcmp.f32 s0, s1", opq(F_MINF), opq(F_MMAX));        /* less */
    /* VMRS APSR_nzcv, FPSCR copies the compare result into the core flags. */
    {
        uint32_t f;
        __asm volatile("msr APSR_nzcvq, %[z]\n\t"
                       "vmov s0, %[x]\n\t"
                       "vmov s1, %[y]\n\t"
                       "vcmp.f32 s0, s1\n\t"
                       "vmrs APSR_nzcv, fpscr\n\t"
                       "mrs %[f], APSR\n\t"
                       "vmsr fpscr, %[z]"
                       : [f] "=&r"(f)
                       : [x] "r"(opq(F_QNAN1)), [y] "r"(opq(F_ONE)), [z] "r"(0u)
                       : "s0", "s1", "cc");
        rec(f & APSR_NZCVQ);
    }
}

void test_fpconv(void)
{
    group_begin(GID_FPCONV);
    /* Float to integer, round towards zero (VCVT), saturating with IOC */
    FOP1("vcvt.s32.f32 s1, s0", FPSCR_RN, 0u, opq(F_2P5));    /* 2, IXC */
    FOP1("vcvt.s32.f32 s1, s0", FPSCR_RN, 0u, opq(F_M2P5));   /* -2, IXC */
    FOP1("vcvt.s32.f32 s1, s0", FPSCR_RN, 0u, opq(F_1E10));   /* 0x7FFFFFFF, IOC */
    FOP1("vcvt.s32.f32 s1, s0", FPSCR_RN, 0u, opq(F_M1E10));  /* 0x80000000, IOC */
    FOP1("vcvt.s32.f32 s1, s0", FPSCR_RN, 0u, opq(F_QNAN_P)); /* 0, IOC */
    FOP1("vcvt.u32.f32 s1, s0", FPSCR_RN, 0u, opq(F_MONE));   /* 0, IOC */
    FOP1("vcvt.u32.f32 s1, s0", FPSCR_RN, 0u, opq(0x4F7FFFFFu));  /* 0xFFFFFF00 */
    FOP1("vcvt.u32.f32 s1, s0", FPSCR_RN, 0u, opq(0xBF000000u));  /* -0.5: 0, IXC */
    /* Float to integer in the FPSCR rounding mode (VCVTR) */
    FOP1("vcvtr.s32.f32 s1, s0", FPSCR_RN, 0u, opq(F_2P5));   /* 2 (ties to even) */
    FOP1("vcvtr.s32.f32 s1, s0", FPSCR_RP, 0u, opq(F_2P5));   /* 3 */
    FOP1("vcvtr.s32.f32 s1, s0", FPSCR_RM, 0u, opq(F_2P5));   /* 2 */
    FOP1("vcvtr.s32.f32 s1, s0", FPSCR_RZ, 0u, opq(F_M2P5));  /* -2 */
    FOP1("vcvtr.s32.f32 s1, s0", FPSCR_RM, 0u, opq(F_M2P5));  /* -3 */
    FOP1("vcvtr.s32.f32 s1, s0", FPSCR_RN, 0u, opq(F_3P5));   /* 4 */
    FOP1("vcvtr.u32.f32 s1, s0", FPSCR_RP, 0u, opq(0x3E800000u));  /* 0.25 -> 1 */
    /* Integer to float */
    FOP1("vcvt.f32.s32 s1, s0", FPSCR_RN, 0u, opq(0x7FFFFFFFu));  /* 2^31, IXC */
    FOP1("vcvt.f32.s32 s1, s0", FPSCR_RZ, 0u, opq(0x7FFFFFFFu));  /* 0x4EFFFFFF, IXC */
    FOP1("vcvt.f32.u32 s1, s0", FPSCR_RN, 0u, opq(0xFFFFFFFFu));  /* 2^32, IXC */
    FOP1("vcvt.f32.s32 s1, s0", FPSCR_RN, 0u, opq(0x80000000u));  /* -2^31 exact */
    FOP1("vcvt.f32.s32 s1, s0", FPSCR_RN, 0u, opq(16777217u));    /* tie to even: 2^24 */
    FOP1("vcvt.f32.u32 s1, s0", FPSCR_RP, 0u, opq(16777217u));    /* 2^24 + 2 */
    /* Fixed point (VCVT with #fbits, Sd = Sm) */
    FOP1("vmov.f32 s1, s0\n\tvcvt.s32.f32 s1, s1, #16", FPSCR_RN, 0u, opq(F_1P5));   /* 0x18000 */
    FOP1("vmov.f32 s1, s0\n\tvcvt.s32.f32 s1, s1, #16", FPSCR_RN, 0u, opq(0xBFA00000u)); /* -1.25 */
    FOP1("vmov.f32 s1, s0\n\tvcvt.f32.s32 s1, s1, #16", FPSCR_RN, 0u, opq(0x00018000u)); /* 1.5 */
    FOP1("vmov.f32 s1, s0\n\tvcvt.f32.u32 s1, s1, #32", FPSCR_RN, 0u, opq(0x80000000u)); /* 0.5 */
    FOP1("vmov.f32 s1, s0\n\tvcvt.u16.f32 s1, s1, #8", FPSCR_RN, 0u, opq(0x40700000u));  /* 3.75 -> 0x3C0 */
    FOP1("vmov.f32 s1, s0\n\tvcvt.s16.f32 s1, s1, #8", FPSCR_RN, 0u, opq(0xC3960000u));  /* -300: sat, IOC */
    /* Half precision (VCVTB/VCVTT: bottom/top half of Sd or Sm) */
    FOP1("vcvtb.f16.f32 s1, s0", FPSCR_RN, 0xABCD0000u, opq(0x3EAAAAABu));  /* 0xABCD3555, IXC */
    FOP1("vcvtt.f16.f32 s1, s0", FPSCR_RN, 0x0000ABCDu, opq(F_ONE));        /* 0x3C00ABCD */
    FOP1("vcvtb.f16.f32 s1, s0", FPSCR_RN, 0u, opq(0x477FF000u));  /* 65520: overflows to inf */
    FOP1("vcvtb.f32.f16 s1, s0", FPSCR_RN, 0u, opq(0x12347BFFu));  /* 65504 */
    FOP1("vcvtt.f32.f16 s1, s0", FPSCR_RN, 0u, opq(0x00015678u));  /* half denormal 2^-24 */
    FOP1("vcvtb.f32.f16 s1, s0", FPSCR_RN, 0u, opq(0x00007D00u));  /* half sNaN: quietened, IOC */
    FOP1("vcvtb.f16.f32 s1, s0", FPSCR_RN | FPSCR_AHP, 0u, opq(F_INF));   /* AHP: 0x7FFF, IOC */
    FOP1("vcvtb.f32.f16 s1, s0", FPSCR_RN | FPSCR_AHP, 0u, opq(0x00007C00u)); /* AHP: 65536 */
    /* One division in every rounding mode */
    FOP2("vdiv.f32", FPSCR_RN, opq(F_ONE), opq(F_THREE));
    FOP2("vdiv.f32", FPSCR_RP, opq(F_MONE), opq(F_THREE));
    FOP2("vdiv.f32", FPSCR_RM, opq(F_MONE), opq(F_THREE));
    FOP2("vdiv.f32", FPSCR_RZ, opq(F_ONE), opq(F_THREE));
    /* The compiler's conversions, and double precision in software (libgcc) */
    {
        float f = opqf(-7.9f), g = opqf(3e9f);
        rec((uint32_t)(int32_t)f);
        rec((uint32_t)g);
        rec(f2u((float)(int32_t)opq((uint32_t)-123456789)));
        rec(f2u((float)opq(0xFFFFFF7Fu)));
        double d = (double)opqf(0.1f) * 3.0 + 1e-3;
        union { double d; uint64_t u; } v = { .d = d };
        rec64(v.u);
        rec(f2u((float)d));
        rec((uint32_t)(int32_t)(d * -1000.0));
        v.d = (double)(int32_t)opq(7u) / 3.0;
        rec64(v.u);
    }
}
