/*
 * cpu-suite groups MEM, EXCL, FLOW: loads and stores of every size and addressing form, unaligned
 * accesses (CCR.UNALIGN_TRP clear), LDRD/STRD, LDM/STM, PUSH/POP, FP loads and stores, .data/.bss
 * initialisation, bit-banding; exclusive access; and control flow (IT conditions, TBB/TBH,
 * CBZ/CBNZ, interworking branches, calls). Only offsets, never addresses, are recorded.
 */
#include "suite.h"

static volatile uint32_t mem_data[4] = { 0x11223344u, 0x55667788u, 0x99AABBCCu, 0xDDEEFF00u };
static volatile uint32_t mem_bss[2];
static const uint32_t mem_ro[2] = { 0x0BADC0DEu, 0x5EED1234u };
static uint32_t scratch[16] __attribute__((aligned(8)));

static uint8_t *scratch_bytes(void)
{
    uint8_t *p = (uint8_t *)scratch;
    __asm volatile("" : "+r"(p));
    return p;
}

void test_mem(void)
{
    group_begin(GID_MEM);
    /* Start-up code: .data copied from flash, .bss zeroed, .rodata in flash */
    rec(mem_data[0]);
    rec(mem_data[3]);
    rec(mem_bss[0] | mem_bss[1]);
    rec(*(const volatile uint32_t *)&mem_ro[1]);

    uint8_t *p = scratch_bytes();
    SCB_CCR &= ~SCB_CCR_UNALIGN_TRP;
    dsb();
    isb();

    /* Byte and halfword stores assemble a little-endian word; signed/unsigned loads */
    {
        uint32_t w, a, b, c, d;
        __asm volatile("strb %[x1], [%[p], #0]\n\t"
                       "strb %[x2], [%[p], #1]\n\t"
                       "strh %[x3], [%[p], #2]\n\t"
                       "ldr  %[w], [%[p]]\n\t"
                       "ldrsb %[a], [%[p], #0]\n\t"
                       "ldrb  %[b], [%[p], #1]\n\t"
                       "ldrsh %[c], [%[p], #2]\n\t"
                       "ldrh  %[d], [%[p], #2]"
                       : [w] "=&r"(w), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d)
                       : [p] "r"(p), [x1] "r"(opq(0x123456F1u)), [x2] "r"(opq(0xF0u)),
                         [x3] "r"(opq(0xABCD8081u))
                       : "memory");
        rec(w);   /* 0x8081F0F1 */
        rec(a);   /* 0xFFFFFFF1 */
        rec(b);   /* 0xF0 */
        rec(c);   /* 0xFFFF8081 */
        rec(d);   /* 0x8081 */
    }
    /* Unaligned LDR/LDRH/LDRSH/STR (allowed with UNALIGN_TRP = 0) */
    {
        for (uint32_t i = 0; i < 16; i++) {
            ((volatile uint8_t *)p)[i] = (uint8_t)i;
        }
        uint32_t a, b, c, h, sh, w4, w8;
        __asm volatile("ldr  %[a], [%[p], #1]\n\t"
                       "ldr  %[b], [%[p], #2]\n\t"
                       "ldr  %[c], [%[p], #3]\n\t"
                       "ldrh %[h], [%[p], #5]\n\t"
                       "ldrsh %[sh], [%[p], #7]\n\t"
                       "str  %[v], [%[p], #5]\n\t"
                       "ldr  %[w4], [%[p], #4]\n\t"
                       "ldr  %[w8], [%[p], #8]"
                       : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [h] "=&r"(h), [sh] "=&r"(sh),
                         [w4] "=&r"(w4), [w8] "=&r"(w8)
                       : [p] "r"(p), [v] "r"(opq(0xAABBCCDDu))
                       : "memory");
        rec(a);   /* 0x04030201 */
        rec(b);   /* 0x05040302 */
        rec(c);   /* 0x06050403 */
        rec(h);   /* 0x0605 */
        rec(sh);  /* 0x0807 */
        rec(w4);  /* 0xBBCCDD04 */
        rec(w8);  /* 0x0B0A09AA */
    }
    /* LDRD/STRD with offsets and writeback; the base moves, recorded as a difference */
    {
        uint32_t base = (uint32_t)(uintptr_t)p, q = base, a, b;
        __asm volatile("strd %[x], %[y], [%[q], #8]\n\t"
                       "ldrd %[a], %[b], [%[q], #8]!"
                       : [q] "+&r"(q), [a] "=&r"(a), [b] "=&r"(b)
                       : [x] "r"(opq(0xCAFEBABEu)), [y] "r"(opq(0xFEEDFACEu))
                       : "memory");
        rec(a);
        rec(b);
        rec(q - base);   /* 8 */
        __asm volatile("ldrd %[a], %[b], [%[q]], #-8" : [q] "+&r"(q), [a] "=&r"(a), [b] "=&r"(b) : : "memory");
        rec(a ^ b);
        rec(q - base);   /* 0 */
    }
    /* STMDB/LDMIA with writeback, and a sparse register list */
    {
        uint32_t base = (uint32_t)(uintptr_t)(p + 32), q = base, q2, a, b, c;
        __asm volatile("mov r0, %[v0]\n\t"
                       "mov r1, %[v1]\n\t"
                       "mov r2, %[v2]\n\t"
                       "mov r3, %[v3]\n\t"
                       "stmdb %[q]!, {r0-r3}\n\t"
                       "mov %[q2], %[q]\n\t"
                       "ldmia %[q2]!, {r0, r2, r3}\n\t"
                       "mov %[a], r0\n\t"
                       "mov %[b], r2\n\t"
                       "mov %[c], r3"
                       : [q] "+&r"(q), [q2] "=&r"(q2), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c)
                       : [v0] "r"(opq(0xA0u)), [v1] "r"(opq(0xA1u)), [v2] "r"(opq(0xA2u)),
                         [v3] "r"(opq(0xA3u))
                       : "r0", "r1", "r2", "r3", "memory");
        rec(q - base);    /* -16 */
        rec(q2 - base);   /* -4 */
        rec(a);           /* 0xA0 */
        rec(b);           /* 0xA1 */
        rec(c);           /* 0xA2 */
    }
    /* PUSH/POP: the lowest register goes to the lowest address */
    {
        uint32_t a, b, d;
        __asm volatile("mov r0, %[x]\n\t"
                       "mov r1, %[y]\n\t"
                       "mov r2, sp\n\t"
                       "push {r0, r1}\n\t"
                       "pop {r3, r12}\n\t"
                       "mov %[a], r3\n\t"
                       "mov %[b], r12\n\t"
                       "mov r3, sp\n\t"
                       "sub %[d], r3, r2"
                       : [a] "=&r"(a), [b] "=&r"(b), [d] "=&r"(d)
                       : [x] "r"(opq(0x1111u)), [y] "r"(opq(0x2222u))
                       : "r0", "r1", "r2", "r3", "r12", "memory");
        rec(a);   /* 0x1111 */
        rec(b);   /* 0x2222 */
        rec(d);   /* 0 */
    }
    /* Literal pool, register offset with shift, pre/post-indexed writeback */
    {
        uint32_t lit, w, base = (uint32_t)(uintptr_t)scratch, q, v1, v2;
        __asm volatile("ldr %[l], =0xCAFEF00D\n\t"
                       "b 1f\n\t"
                       ".ltorg\n"
                       "1:"
                       : [l] "=r"(lit));
        rec(lit);
        scratch[5] = opq(0x55555555u);
        scratch[6] = opq(0x66666666u);
        __asm volatile("ldr %[w], [%[b], %[i], lsl #2]" : [w] "=r"(w)
                       : [b] "r"(scratch_bytes()), [i] "r"(opq(5u)) : "memory");
        rec(w);
        q = base + 20;
        __asm volatile("ldr %[v1], [%[q]], #4\n\t"
                       "ldr %[v2], [%[q], #-8]!"
                       : [q] "+&r"(q), [v1] "=&r"(v1), [v2] "=&r"(v2) : : "memory");
        rec(v1);         /* scratch[5] */
        rec(v2);         /* scratch[4] */
        rec(q - base);   /* 16 */
    }
    /* FP loads and stores: VSTR/VLDR, VSTMIA/VLDMDB with writeback, VPUSH/VPOP */
    {
        uint32_t base = (uint32_t)(uintptr_t)scratch, q = base, a, b, c;
        __asm volatile("vmov s0, %[x]\n\t"
                       "vmov s1, %[y]\n\t"
                       "vmov s2, %[z]\n\t"
                       "vstr s1, [%[q], #4]\n\t"
                       "vstmia %[q]!, {s0-s2}\n\t"
                       "vldmdb %[q]!, {s3-s5}\n\t"
                       "vpush {s3-s4}\n\t"
                       "vpop {s6-s7}\n\t"
                       "vldr s8, [%[q], #8]\n\t"
                       "vmov %[a], s6\n\t"
                       "vmov %[b], s7\n\t"
                       "vmov %[c], s8"
                       : [q] "+&r"(q), [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c)
                       : [x] "r"(opq(0x3F800000u)), [y] "r"(opq(0x40000000u)), [z] "r"(opq(0x7FC00001u))
                       : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "memory");
        rec(a);   /* s0 */
        rec(b);   /* s1 */
        rec(c);   /* s2 (a NaN pattern moves unchanged) */
        rec(q - base);   /* 0 */
    }
}

/* SRAM bit-band alias (ARMv7-M ARM B3.1.3 optional feature; the STM32F4 has it) */
static volatile uint32_t *bitband_alias(volatile uint32_t *word, uint32_t bit)
{
    uint32_t addr = (uint32_t)(uintptr_t)word;
    return (volatile uint32_t *)(uintptr_t)(0x22000000u + (addr - 0x20000000u) * 32u + bit * 4u);
}

void test_excl(void)
{
    group_begin(GID_EXCL);
    volatile uint32_t *w = (volatile uint32_t *)scratch;
    /* LDREX/STREX success: status 0 and the store happens */
    {
        uint32_t v, st;
        w[0] = opq(100u);
        __asm volatile("ldrex %[v], [%[p]]\n\t"
                       "add %[v], %[v], #1\n\t"
                       "strex %[st], %[v], [%[p]]"
                       : [v] "=&r"(v), [st] "=&r"(st) : [p] "r"(w) : "memory");
        rec(st);     /* 0 */
        rec(w[0]);   /* 101 */
    }
    /* CLREX between them: STREX fails with status 1 and memory is unchanged */
    {
        uint32_t v, st;
        __asm volatile("ldrex %[v], [%[p]]\n\t"
                       "clrex\n\t"
                       "strex %[st], %[n], [%[p]]"
                       : [v] "=&r"(v), [st] "=&r"(st) : [p] "r"(w), [n] "r"(opq(999u)) : "memory");
        rec(v);      /* 101 */
        rec(st);     /* 1 */
        rec(w[0]);   /* 101 */
        /* A second STREX without a new LDREX fails too (monitor open after the first STREX) */
        __asm volatile("ldrex %[v], [%[p]]\n\t"
                       "strex %[st], %[n], [%[p]]\n\t"
                       "strex %[st], %[m], [%[p]]\n\t"
                       "orr %[st], %[st], %[st], lsl #4"
                       : [v] "=&r"(v), [st] "=&r"(st)
                       : [p] "r"(w), [n] "r"(opq(7u)), [m] "r"(opq(8u)) : "memory");
        rec(st);     /* 0x11: second STREX failed */
        rec(w[0]);   /* 7 */
    }
    /* Byte and halfword forms, and the immediate offset form of LDREX/STREX */
    {
        uint32_t v, st, st2;
        w[1] = opq(0x80FF7F01u);
        volatile uint8_t *b = (volatile uint8_t *)&w[1];
        __asm volatile("ldrexb %[v], [%[p]]\n\t"
                       "strexb %[st], %[n], [%[p]]"
                       : [v] "=&r"(v), [st] "=&r"(st) : [p] "r"(b + 3), [n] "r"(opq(0x1234u)) : "memory");
        rec(v);   /* 0x80, zero-extended */
        rec(st);  /* 0 */
        volatile uint16_t *h = (volatile uint16_t *)&w[1];
        __asm volatile("ldrexh %[v], [%[p]]\n\t"
                       "clrex\n\t"
                       "strexh %[st], %[n], [%[p]]\n\t"
                       "ldrexh %[v], [%[p]]\n\t"
                       "strexh %[st2], %[n], [%[p]]"
                       : [v] "=&r"(v), [st] "=&r"(st), [st2] "=&r"(st2)
                       : [p] "r"(h), [n] "r"(opq(0xBEEFu)) : "memory");
        rec(st);    /* 1 */
        rec(st2);   /* 0 */
        rec(w[1]);  /* 0x34FFBEEF */
        __asm volatile("ldrex %[v], [%[p], #4]\n\t"
                       "strex %[st], %[n], [%[p], #4]"
                       : [v] "=&r"(v), [st] "=&r"(st) : [p] "r"(w), [n] "r"(opq(0x600DD00Du)) : "memory");
        rec(v);
        rec(st);
        rec(w[1]);
    }
    /* An atomic add retry loop as the compiler writes it */
    {
        uint32_t old = __atomic_fetch_add(&scratch[2], 5u, __ATOMIC_SEQ_CST);
        rec(old ^ scratch[2]);
    }
    /* Bit-band: write one bit through the alias, read the word and single bits back */
    {
        w[3] = opq(0x0000000Fu);
        *bitband_alias(&w[3], 31) = opq(1u);
        *bitband_alias(&w[3], 1) = opq(0x10u);   /* only bit 0 of the value counts: clears */
        rec(w[3]);                                /* 0x8000000D */
        rec(*bitband_alias(&w[3], 31));           /* 1 */
        rec(*bitband_alias(&w[3], 1));            /* 0 */
    }
}

/* A dense switch: the compiler may use TBB/TBH or a compare chain; the results are the same. */
__attribute__((noinline)) static uint32_t dense_switch(uint32_t i)
{
    switch (i) {
    case 0: return 0x0Au;
    case 1: return 0x1Bu;
    case 2: return 0x2Cu;
    case 3: return 0x3Du;
    case 4: return 0x4Eu;
    case 5: return 0x5Fu;
    case 6: return 0x60u;
    case 7: return 0x71u;
    case 9: return 0x93u;
    default: return 0xFFu;
    }
}

__attribute__((noinline)) static uint32_t fib(uint32_t n)
{
    return n < 2u ? n : fib(n - 1u) + fib(n - 2u);
}

__attribute__((noinline)) static uint32_t add3(uint32_t a, uint32_t b, uint32_t c)
{
    return a + b * 3u + c * 7u;
}

/* All 14 IT conditions under the given NZCV: bit k set when condition k passes. */
static uint32_t it_conditions(uint32_t nzcv)
{
    uint32_t r;
    __asm volatile("msr APSR_nzcvq, %[f]\n\t"
                   "mov %[r], #0\n\t"
                   "it eq\n\torreq %[r], %[r], #0x0001\n\t"
                   "it ne\n\torrne %[r], %[r], #0x0002\n\t"
                   "it cs\n\torrcs %[r], %[r], #0x0004\n\t"
                   "it cc\n\torrcc %[r], %[r], #0x0008\n\t"
                   "it mi\n\torrmi %[r], %[r], #0x0010\n\t"
                   "it pl\n\torrpl %[r], %[r], #0x0020\n\t"
                   "it vs\n\torrvs %[r], %[r], #0x0040\n\t"
                   "it vc\n\torrvc %[r], %[r], #0x0080\n\t"
                   "it hi\n\torrhi %[r], %[r], #0x0100\n\t"
                   "it ls\n\torrls %[r], %[r], #0x0200\n\t"
                   "it ge\n\torrge %[r], %[r], #0x0400\n\t"
                   "it lt\n\torrlt %[r], %[r], #0x0800\n\t"
                   "it gt\n\torrgt %[r], %[r], #0x1000\n\t"
                   "it le\n\torrle %[r], %[r], #0x2000"
                   : [r] "=&r"(r) : [f] "r"(nzcv) : "cc");
    return r;
}

void test_flow(void)
{
    group_begin(GID_FLOW);
    static const uint32_t flag_sets[8] = {
        0u, APSR_Z, APSR_C, APSR_N, APSR_V, APSR_N | APSR_V, APSR_Z | APSR_C, APSR_C | APSR_V,
    };
    for (uint32_t i = 0; i < 8u; i++) {
        rec(it_conditions(flag_sets[i]));
    }
    /* A 4-instruction IT block with mixed then/else, and a flag-setting instruction in it */
    {
        uint32_t r = opq(0u), f;
        __asm volatile("msr APSR_nzcvq, %[z]\n\t"
                       "cmp %[r], #0\n\t"
                       "itete eq\n\t"
                       "addeq %[r], %[r], #1\n\t"
                       "addne %[r], %[r], #2\n\t"
                       "addeq %[r], %[r], #4\n\t"
                       "addne %[r], %[r], #8\n\t"
                       "mrs %[f], APSR"
                       : [r] "+&r"(r), [f] "=&r"(f) : [z] "r"(0u) : "cc");
        rec(r);                /* 5 */
        rec(f & APSR_NZCVQ);   /* Z C from the CMP */
    }
    /* TBB and TBH jump tables */
    {
        uint32_t acc = 0, acc2 = 0;
        for (uint32_t i = 0; i < 4u; i++) {
            uint32_t v;
            __asm volatile("tbb [pc, %[i]]\n"
                           "0:\n\t"
                           ".byte (10f - 0b) / 2, (11f - 0b) / 2, (12f - 0b) / 2, (13f - 0b) / 2\n\t"
                           ".p2align 1\n"
                           "10: movw %[v], #0xA\n\t b 19f\n"
                           "11: movw %[v], #0xB\n\t b 19f\n"
                           "12: movw %[v], #0xC\n\t b 19f\n"
                           "13: movw %[v], #0xD\n"
                           "19:"
                           : [v] "=r"(v) : [i] "r"(opq(i)));
            acc = (acc << 4) | v;
            __asm volatile("tbh [pc, %[i], lsl #1]\n"
                           "0:\n\t"
                           ".hword (13f - 0b) / 2, (12f - 0b) / 2, (11f - 0b) / 2, (10f - 0b) / 2\n"
                           "10: movw %[v], #0x1\n\t b 19f\n"
                           "11: movw %[v], #0x2\n\t b 19f\n"
                           "12: movw %[v], #0x3\n\t b 19f\n"
                           "13: movw %[v], #0x4\n"
                           "19:"
                           : [v] "=r"(v) : [i] "r"(opq(i)));
            acc2 = (acc2 << 4) | v;
        }
        rec(acc);    /* 0xABCD */
        rec(acc2);   /* 0x4321 */
    }
    {
        uint32_t acc = 0;
        for (uint32_t i = 0; i < 11u; i++) {
            acc = acc * 31u + dense_switch(opq(i));
        }
        rec(acc);
    }
    /* CBZ / CBNZ */
    {
        uint32_t r = 0;
        for (uint32_t i = 0; i < 2u; i++) {
            uint32_t v;
            __asm volatile("cbz %[x], 1f\n\t"
                           "movs %[v], #1\n\t"
                           "b 2f\n"
                           "1: movs %[v], #2\n"
                           "2: cbnz %[x], 3f\n\t"
                           "adds %[v], %[v], #16\n"
                           "3:"
                           : [v] "=&l"(v) : [x] "l"(opq(i)) : "cc");
            r = (r << 8) | v;
        }
        rec(r);   /* 0x1201 */
    }
    /* Interworking branches: BX to a Thumb address, POP into PC, BLX register */
    {
        uint32_t v, t;
        __asm volatile("adr.w %[t], 1f\n\t"
                       "orr %[t], %[t], #1\n\t"
                       "movs %[v], #0\n\t"
                       "bx %[t]\n\t"
                       "movs %[v], #0xEE\n"
                       ".p2align 2\n"
                       "1: adds %[v], %[v], #3\n\t"
                       "adr.w %[t], 2f\n\t"
                       "orr %[t], %[t], #1\n\t"
                       "push {%[t]}\n\t"
                       "pop {pc}\n\t"
                       "movs %[v], #0xEE\n"
                       ".p2align 2\n"
                       "2: adds %[v], %[v], #4"
                       : [v] "=&r"(v), [t] "=&r"(t) : : "cc", "memory");
        rec(v);   /* 7 */
        uint32_t (*fn)(uint32_t, uint32_t, uint32_t) = add3;
        __asm volatile("" : "+r"(fn));
        rec(fn(opq(1u), opq(2u), opq(3u)));   /* 28, via BLX */
        rec(fib(opq(15u)));                   /* 610 */
    }
}
