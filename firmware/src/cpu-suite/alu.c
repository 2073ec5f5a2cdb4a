/*
 * cpu-suite groups ARITH, SHIFT, MUL, DIV, BITS, SAT: integer instructions, with the APSR flags they
 * set read back in the same asm statement (MSR sets the incoming flags first).
 */
#include "suite.h"

void test_arith(void)
{
    group_begin(GID_ARITH);
    OP3F(RXY("adds"), 0u, opq(0xFFFFFFFFu), opq(1u));                 /* 0, Z C */
    OP3F(RXY("adds"), 0u, opq(0x7FFFFFFFu), opq(1u));                 /* 0x80000000, N V */
    OP3F(RXY("adcs"), APSR_C, opq(0x12345678u), opq(0x0FEDCBA9u));    /* + carry in */
    OP3F(RXY("adcs"), APSR_C, opq(0xFFFFFFFFu), opq(0u));             /* 0 via carry, Z C */
    OP3F(RXY("subs"), 0u, opq(0u), opq(1u));                          /* borrow: C clear, N */
    OP3F(RXY("subs"), 0u, opq(5u), opq(5u));                          /* Z C */
    OP3F(RXY("sbcs"), 0u, opq(10u), opq(3u));                         /* 10 - 3 - 1 = 6, C */
    OP3F(RXY("sbcs"), 0u, opq(0x80000000u), opq(0u));                 /* 0x7FFFFFFF, C V */
    OP2F("rsbs %[r], %[x], #0", 0u, opq(0x80000000u));           /* negate INT_MIN: V */
    OP2F("rsbs %[r], %[x], #0", 0u, opq(0u));                    /* 0, Z C */

    /* 96-bit addition carry chain: {0x00000001, 0xFFFFFFFF, 0xFFFFFFFF} + {0xFFFFFFFF, 0, 1} */
    {
        uint32_t a0 = opq(0xFFFFFFFFu), a1 = opq(0xFFFFFFFFu), a2 = opq(0x00000001u);
        uint32_t b0 = opq(1u), b1 = opq(0u), b2 = opq(0xFFFFFFFFu), f;
        __asm volatile("adds %[a0], %[a0], %[b0]\n\t"
                       "adcs %[a1], %[a1], %[b1]\n\t"
                       "adcs %[a2], %[a2], %[b2]\n\t"
                       "mrs  %[f], APSR"
                       : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [f] "=&r"(f)
                       : [b0] "r"(b0), [b1] "r"(b1), [b2] "r"(b2)
                       : "cc");
        rec(a0);
        rec(a1);
        rec(a2);
        rec(f & APSR_NZCVQ);
    }
    /* 64-bit subtraction borrow chain: 0x00000001_00000000 - 0x00000000_00000001 */
    {
        uint32_t lo = opq(0u), hi = opq(1u), f;
        __asm volatile("subs %[lo], %[lo], %[one]\n\t"
                       "sbcs %[hi], %[hi], %[zero]\n\t"
                       "mrs  %[f], APSR"
                       : [lo] "+&r"(lo), [hi] "+&r"(hi), [f] "=&r"(f)
                       : [one] "r"(opq(1u)), [zero] "r"(opq(0u))
                       : "cc");
        rec(lo);
        rec(hi);
        rec(f & APSR_NZCVQ);
    }
    CMPF(XY("cmp"), 0u, opq(3u), opq(5u));                           /* N */
    CMPF(XY("cmn"), 0u, opq(0x80000000u), opq(0x80000000u));         /* Z C V */
    CMPF(XY("tst"), APSR_C | APSR_V, opq(0xF0u), opq(0x0Fu));        /* Z, C and V kept */
    CMPF(XY("teq"), 0u, opq(5u), opq(5u));                           /* Z */
    {
        /* TEQ with a shifted register: C comes from the shifter (bit 31 of Rm shifted out). */
        uint32_t f;
        __asm volatile("msr APSR_nzcvq, %[z]\n\tteq %[a], %[b], lsl #1\n\tmrs %[f], APSR"
                       : [f] "=&r"(f)
                       : [z] "r"(0u), [a] "r"(opq(1u)), [b] "r"(opq(0x80000000u))
                       : "cc");
        rec(f & APSR_NZCVQ);
    }
    OP3F("adds %[r], %[x], %[y], lsl #4", 0u, opq(0x10000000u), opq(0x0F000001u));
    /* ANDS with a rotated modified immediate sets C from bit 31 of the constant. */
    OP2F("ands %[r], %[x], #0xFF000000", 0u, opq(0x12345678u));
    OP2F("ands %[r], %[x], #0x000000FF", APSR_C, opq(0x12345600u));  /* plain imm: C kept, Z */
    OP2F("mvns %[r], %[x]", 0u, opq(0x0000FFFFu));
    {
        uint32_t r;
        __asm volatile("addw %[r], %[x], #0xABC" : [r] "=r"(r) : [x] "r"(opq(0x1000u)));
        rec(r);
        __asm volatile("subw %[r], %[x], #0xFFF" : [r] "=r"(r) : [x] "r"(opq(0x1000u)));
        rec(r);
        __asm volatile("movw %[r], #0xBEEF\n\tmovt %[r], #0xDEAD" : [r] "=&r"(r));
        rec(r);
    }
}

void test_shift(void)
{
    group_begin(GID_SHIFT);
    /* Register-specified shifts use Rm[7:0]: amounts >= 32 are well defined (ARMv7-M ARM A7.4.2). */
    OP3F(RXY("lsls"), 0u, opq(0x80000001u), opq(1u));     /* 2, C */
    OP3F(RXY("lsls"), 0u, opq(0x00000001u), opq(32u));    /* 0, Z C (C = bit 0) */
    OP3F(RXY("lsls"), 0u, opq(0xFFFFFFFFu), opq(33u));    /* 0, Z, C clear */
    OP3F(RXY("lsls"), APSR_C, opq(0x00000005u), opq(0u)); /* unchanged, C kept */
    OP3F(RXY("lsls"), APSR_C, opq(0x00000005u), opq(256u)); /* Rm[7:0] = 0: unchanged, C kept */
    OP3F(RXY("lsrs"), 0u, opq(0x80000000u), opq(32u));    /* 0, Z C */
    OP3F(RXY("lsrs"), 0u, opq(0xFFFFFFFFu), opq(40u));    /* 0, Z */
    OP3F(RXY("lsrs"), 0u, opq(0x000000F0u), opq(5u));     /* 7, C */
    OP3F(RXY("asrs"), 0u, opq(0x80000000u), opq(31u));    /* -1, N */
    OP3F(RXY("asrs"), 0u, opq(0x80000000u), opq(32u));    /* -1, N C */
    OP3F(RXY("asrs"), 0u, opq(0x80000000u), opq(200u));   /* -1, N C */
    OP3F(RXY("asrs"), 0u, opq(0x40000000u), opq(32u));    /* 0, Z */
    OP3F(RXY("rors"), 0u, opq(0x12345678u), opq(8u));     /* 0x78123456 */
    OP3F(RXY("rors"), 0u, opq(0x87654321u), opq(32u));    /* unchanged, C = bit 31, N */
    OP3F(RXY("rors"), 0u, opq(0x12345678u), opq(36u));    /* ror 4: 0x81234567, N C */
    OP2F("rrxs %[r], %[x]", APSR_C, opq(0x00000003u)); /* 0x80000001, N C */
    OP2F("lsrs %[r], %[x], #32", 0u, opq(0x80000000u)); /* immediate #32: 0, Z C */
    OP2F("asrs %[r], %[x], #32", 0u, opq(0x80000000u)); /* -1, N C */
    OP2F("lsls %[r], %[x], #31", 0u, opq(0x00000003u)); /* 0x80000000, N C */
    OP2F("ror %[r], %[x], #1", APSR_C, opq(0x00000001u)); /* no S: 0x80000000, flags kept */
    /* C-level shifts (the compiler's own encodings); amounts < 32 only: larger is UB in C. */
    {
        uint32_t v = opq(0xF0000001u), n = opq(31u);
        rec(v << n);
        rec(v >> n);
        rec((uint32_t)((int32_t)v >> n));
        rec((v >> (n - 27u)) | (v << (32u - (n - 27u))));   /* rotate right by 4 */
    }
}

void test_mul(void)
{
    group_begin(GID_MUL);
    OP3(RXY("mul"), opq(0x12345678u), opq(0x9ABCDEF0u));
    {
        uint32_t r;
        __asm volatile("mla %[r], %[a], %[b], %[c]" : [r] "=r"(r)
                       : [a] "r"(opq(0x10001u)), [b] "r"(opq(0x10001u)), [c] "r"(opq(0xFFFFFFFFu)));
        rec(r);
        __asm volatile("mls %[r], %[a], %[b], %[c]" : [r] "=r"(r)
                       : [a] "r"(opq(1000u)), [b] "r"(opq(3u)), [c] "r"(opq(7u)));
        rec(r);   /* 7 - 3000 */
    }
#define LONGMUL(insn, a, b)                                                                        \
    do {                                                                                           \
        uint32_t lo_, hi_;                                                                         \
        __asm volatile(insn " %[lo], %[hi], %[x], %[y]" : [lo] "=&r"(lo_), [hi] "=&r"(hi_)         \
                       : [x] "r"(a), [y] "r"(b));                                                  \
        rec(lo_);                                                                                  \
        rec(hi_);                                                                                  \
    } while (0)
#define LONGACC(insn, lo0, hi0, a, b)                                                              \
    do {                                                                                           \
        uint32_t lo_ = (lo0), hi_ = (hi0);                                                         \
        __asm volatile(insn " %[lo], %[hi], %[x], %[y]" : [lo] "+&r"(lo_), [hi] "+&r"(hi_)         \
                       : [x] "r"(a), [y] "r"(b));                                                  \
        rec(lo_);                                                                                  \
        rec(hi_);                                                                                  \
    } while (0)
    LONGMUL("umull", opq(0xFFFFFFFFu), opq(0xFFFFFFFFu));   /* 0xFFFFFFFE_00000001 */
    LONGMUL("umull", opq(0x12345678u), opq(0x9ABCDEF0u));
    LONGMUL("smull", opq(0xFFFFFFFEu), opq(0x7FFFFFFFu));   /* -2 * (2^31 - 1) */
    LONGMUL("smull", opq(0x80000000u), opq(0x80000000u));   /* 2^62 */
    LONGACC("umlal", opq(0xFFFFFFFFu), opq(0xFFFFFFFFu), opq(1u), opq(1u));   /* wraps to 0 */
    LONGACC("umlal", opq(0x80000000u), opq(0x00000001u), opq(0x80000000u), opq(3u));
    LONGACC("smlal", opq(5u), opq(0u), opq(0xFFFFFFFFu), opq(10u));  /* 5 + (-10) = -5 */
    LONGACC("smlal", opq(0u), opq(0x80000000u), opq(0x7FFFFFFFu), opq(0x80000000u));
    /* UMAAL: RdHi:RdLo = Rn * Rm + RdLo + RdHi; the maximum never overflows 64 bits. */
    LONGACC("umaal", opq(0xFFFFFFFFu), opq(0xFFFFFFFFu), opq(0xFFFFFFFFu), opq(0xFFFFFFFFu));
    LONGACC("umaal", opq(0x11111111u), opq(0x22222222u), opq(0x01234567u), opq(0x89ABCDEFu));
    /* The compiler's own 32x32->64 and 64x64->64 multiplies. */
    rec64((uint64_t)opq(0xDEADBEEFu) * opq(0xCAFEBABEu));
    rec64((uint64_t)((int64_t)(int32_t)opq(0x80000001u) * (int32_t)opq(0x7FFFFFF3u)));
    rec64(opq64(0x0123456789ABCDEFull) * opq64(0xFEDCBA9876543210ull));
}

void test_div(void)
{
    group_begin(GID_DIV);
    /* Division by zero returns 0 when CCR.DIV_0_TRP is clear (its reset value). */
    SCB_CCR &= ~SCB_CCR_DIV_0_TRP;
    dsb();
    isb();
    rec(SCB_CCR & SCB_CCR_DIV_0_TRP);
    OP3(RXY("udiv"), opq(100u), opq(7u));
    OP3(RXY("udiv"), opq(0xFFFFFFFFu), opq(1u));
    OP3(RXY("udiv"), opq(0xFFFFFFFFu), opq(0x10000u));
    OP3(RXY("udiv"), opq(1234u), opq(0u));               /* 0 */
    OP3(RXY("udiv"), opq(0u), opq(0u));                  /* 0 */
    OP3(RXY("sdiv"), opq((uint32_t)-100), opq(7u));      /* -14: rounds towards zero */
    OP3(RXY("sdiv"), opq(100u), opq((uint32_t)-7));      /* -14 */
    OP3(RXY("sdiv"), opq((uint32_t)-100), opq((uint32_t)-7));  /* 14 */
    OP3(RXY("sdiv"), opq(0x80000000u), opq(0xFFFFFFFFu));      /* INT_MIN / -1 = INT_MIN */
    OP3(RXY("sdiv"), opq(0x80000000u), opq(1u));
    OP3(RXY("sdiv"), opq(5u), opq(0u));                  /* 0 */
    OP3(RXY("sdiv"), opq((uint32_t)-5), opq(0u));        /* 0 */
    /* The compiler's division and remainder (defined operands only). */
    {
        uint32_t a = opq(0xFEDCBA98u), b = opq(12345u);
        int32_t sa = (int32_t)opq((uint32_t)-987654321), sb = (int32_t)opq(1000u);
        rec(a / b);
        rec(a % b);
        rec((uint32_t)(sa / sb));
        rec((uint32_t)(sa % sb));
        /* 64-bit division goes through libgcc (__aeabi_uldivmod) */
        uint64_t la = opq64(0xFEDCBA9876543210ull), lb = opq64(0x12345ull);
        rec64(la / lb);
        rec64(la % lb);
    }
}

void test_bits(void)
{
    group_begin(GID_BITS);
    {
        uint32_t r = opq(0xFFFFFFFFu);
        __asm volatile("bfi %[r], %[s], #4, #8" : [r] "+r"(r) : [s] "r"(opq(0u)));
        rec(r);   /* 0xFFFFF00F */
        r = opq(0u);
        __asm volatile("bfi %[r], %[s], #20, #12" : [r] "+r"(r) : [s] "r"(opq(0x12345ABCu)));
        rec(r);   /* 0xABC00000 */
        r = opq(0xFFFFFFFFu);
        __asm volatile("bfc %[r], #0, #32" : [r] "+r"(r));
        rec(r);   /* 0 */
        r = opq(0xFFFFFFFFu);
        __asm volatile("bfc %[r], #31, #1" : [r] "+r"(r));
        rec(r);   /* 0x7FFFFFFF */
    }
    OP2("sbfx %[r], %[x], #8, #4", opq(0x00000F00u));    /* -1 */
    OP2("sbfx %[r], %[x], #8, #4", opq(0x00000700u));    /* 7 */
    OP2("sbfx %[r], %[x], #0, #32", opq(0x80000000u));   /* whole word */
    OP2("ubfx %[r], %[x], #4, #12", opq(0x12345678u));   /* 0x567 */
    OP2("ubfx %[r], %[x], #31, #1", opq(0x80000000u));   /* 1 */
    OP2(RX("clz"), opq(0u));            /* 32 */
    OP2(RX("clz"), opq(1u));            /* 31 */
    OP2(RX("clz"), opq(0x80000000u));   /* 0 */
    OP2(RX("clz"), opq(0x00010000u));   /* 15 */
    OP2(RX("rbit"), opq(0x12345678u));  /* 0x1E6A2C48 */
    OP2(RX("rbit"), opq(0x00000001u));  /* 0x80000000 */
    OP2(RX("rev"), opq(0x12345678u));   /* 0x78563412 */
    OP2(RX("rev16"), opq(0x12345678u)); /* 0x34127856 */
    OP2(RX("revsh"), opq(0x000080FFu)); /* 0xFFFFFF80 */
    OP2(RX("revsh"), opq(0x12347F01u)); /* 0x0000017F */
    OP2(RX("sxtb"), opq(0x00000080u));
    OP2(RX("sxth"), opq(0x12348000u));
    OP2(RX("uxtb"), opq(0x123456F0u));
    OP2(RX("uxth"), opq(0xFFFF8001u));
    OP2("sxtb %[r], %[x], ror #8", opq(0x0000F000u));  /* byte 1: 0xF0 -> 0xFFFFFFF0 */
    OP3("uxtab %[r], %[x], %[y], ror #16", opq(0x00001000u), opq(0x00FF0000u));  /* 0x10FF */
    OP3(RXY("sxtah"), opq(0x00000010u), opq(0x0000FFFFu));   /* 16 + (-1) = 15 */
    OP3(RXY("uxtah"), opq(0xFFFFFFFFu), opq(0x00010002u));   /* wraps: 1 */
    /* The compiler's bit tricks */
    rec((uint32_t)__builtin_clz(opq(0x00F00000u)));
    rec((uint32_t)__builtin_popcount(opq(0xF0F0F00Fu)));
    rec(__builtin_bswap32(opq(0xA1B2C3D4u)));
}

void test_sat(void)
{
    group_begin(GID_SAT);
    SATQ("ssat %[r], #8, %[x]", opq(300u), 0u);                 /* 127, Q */
    SATQ("ssat %[r], #8, %[x]", opq((uint32_t)-300), 0u);       /* -128, Q */
    SATQ("ssat %[r], #8, %[x]", opq(100u), 0u);                 /* 100 */
    SATQ("ssat %[r], #16, %[x], lsl #4", opq(0x00000800u), 0u); /* 0x8000 -> 0x7FFF, Q */
    SATQ("ssat %[r], #16, %[x], asr #8", opq(0x80000000u), 0u); /* -0x800000 -> -0x8000, Q */
    SATQ("ssat %[r], #1, %[x]", opq((uint32_t)-1), 0u);         /* -1 fits in 1 bit */
    SATQ("usat %[r], #8, %[x]", opq(300u), 0u);                 /* 255, Q */
    SATQ("usat %[r], #8, %[x]", opq((uint32_t)-5), 0u);         /* 0, Q */
    SATQ("usat %[r], #0, %[x]", opq(5u), 0u);                   /* 0, Q */
    SATQ("usat %[r], #31, %[x]", opq(0x7FFFFFFFu), 0u);         /* fits */
    SATQ("qadd %[r], %[x], %[y]", opq(0x7FFFFFFFu), opq(1u));   /* 0x7FFFFFFF, Q */
    SATQ("qadd %[r], %[x], %[y]", opq(0x80000000u), opq(0xFFFFFFFFu)); /* 0x80000000, Q */
    SATQ("qadd %[r], %[x], %[y]", opq(100u), opq(23u));         /* 123 */
    SATQ("qsub %[r], %[x], %[y]", opq(0x80000000u), opq(1u));   /* 0x80000000, Q */
    SATQ("qsub %[r], %[x], %[y]", opq(0u), opq(0x80000000u));   /* 0x7FFFFFFF, Q */
    /* QDADD Rd, Rm, Rn = sat(Rm + sat(2 * Rn)) */
    SATQ("qdadd %[r], %[x], %[y]", opq(1u), opq(0x40000000u));  /* 2*Rn saturates: 0x7FFFFFFF, Q */
    SATQ("qdadd %[r], %[x], %[y]", opq(5u), opq(0x10000000u));  /* 0x20000005 */
    SATQ("qdsub %[r], %[x], %[y]", opq(0u), opq(0xC0000000u));  /* 0 - (-2^31): 0x7FFFFFFF, Q */
    SATQ("qdsub %[r], %[x], %[y]", opq(100u), opq(10u));        /* 80 */
    SATQ("ssat16 %[r], #8, %[x]", opq(0x0100FF00u), 0u);        /* 0x007F FF80, Q */
    SATQ("usat16 %[r], #4, %[x]", opq(0x0010FFFFu), 0u);        /* 0x000F 0000, Q */
    /* Q is sticky: a non-saturating QADD leaves it set. */
    {
        uint32_t r, f;
        __asm volatile("msr APSR_nzcvq, %[q]\n\tqadd %[r], %[x], %[y]\n\tmrs %[f], APSR"
                       : [r] "=&r"(r), [f] "=&r"(f)
                       : [q] "r"(APSR_Q), [x] "r"(opq(1u)), [y] "r"(opq(2u))
                       : "cc");
        rec(r);
        rec(f & APSR_NZCVQ);
        /* a flag-setting ADDS does not clear Q either */
        __asm volatile("msr APSR_nzcvq, %[q]\n\tadds %[r], %[x], %[y]\n\tmrs %[f], APSR"
                       : [r] "=&r"(r), [f] "=&r"(f)
                       : [q] "r"(APSR_Q), [x] "r"(opq(1u)), [y] "r"(opq(0xFFFFFFFFu))
                       : "cc");
        rec(f & APSR_NZCVQ);
    }
}
