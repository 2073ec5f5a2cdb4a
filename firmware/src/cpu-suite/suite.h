/*
 * cpu-suite internals: result recording and the group layout of cpu_results (see main.c).
 */
#ifndef CPU_SUITE_H
#define CPU_SUITE_H

#include <stdint.h>
#include "stm32f407.h"

#define CPU_RESULTS_N 1024u

/*
 * Group layout: each group owns the slots [base, base + size). Its first slot holds the marker
 * GROUP_MARKER(id) = 0xC0DE0000 | id << 8 | size, then its results in order; slots it does not use
 * stay 0. A group that would write past its end sets bit `id` of cpu_results[1] instead (never set
 * in a correct build). Changing a group's size moves every later group.
 */
#define GROUP_LIST(X)            \
    X(HEADER, 0, 8)              \
    X(ARITH, 1, 48)              \
    X(SHIFT, 2, 48)              \
    X(MUL, 3, 32)                \
    X(DIV, 4, 24)                \
    X(BITS, 5, 32)               \
    X(SAT, 6, 48)                \
    X(SIMD, 7, 72)               \
    X(DSPMUL, 8, 80)             \
    X(FPARITH, 9, 64)            \
    X(FPSPECIAL, 10, 72)         \
    X(FPCONV, 11, 96)            \
    X(MEM, 12, 40)               \
    X(EXCL, 13, 24)              \
    X(FLOW, 14, 24)              \
    X(EXC, 15, 72)               \
    X(FAULT, 16, 40)

#define GROUP_ENUM_ID(name, id, size) GID_##name = id,
enum group_id { GROUP_LIST(GROUP_ENUM_ID) GROUP_COUNT };

#define GROUP_MARKER(id, size) (0xC0DE0000u | ((uint32_t)(id) << 8) | (uint32_t)(size))

void group_begin(enum group_id id);
void rec(uint32_t value);
void rec64(uint64_t value);   /* low word, then high word */

/* Hides a value from the optimiser, so the operation on it really executes at every -O level. */
static inline uint32_t opq(uint32_t x)
{
    __asm volatile("" : "+r"(x));
    return x;
}
static inline uint64_t opq64(uint64_t x)
{
    __asm volatile("" : "+r"(x));
    return x;
}
static inline float opqf(float x)
{
    __asm volatile("" : "+t"(x));
    return x;
}

static inline uint32_t f2u(float f)
{
    union { float f; uint32_t u; } v = { .f = f };
    return v.u;
}
static inline float u2f(uint32_t u)
{
    union { float f; uint32_t u; } v = { .u = u };
    return v.f;
}

/* APSR masks (ARMv7-M ARM B1.4.2): N Z C V Q in 31:27, GE[3:0] in 19:16 */
#define APSR_N (1u << 31)
#define APSR_Z (1u << 30)
#define APSR_C (1u << 29)
#define APSR_V (1u << 28)
#define APSR_Q (1u << 27)
#define APSR_NZCVQ 0xF8000000u
#define APSR_GE_MASK 0x000F0000u

/* FPSCR (ARMv7-M ARM A2.5.3) */
#define FPSCR_IOC (1u << 0)
#define FPSCR_DZC (1u << 1)
#define FPSCR_OFC (1u << 2)
#define FPSCR_UFC (1u << 3)
#define FPSCR_IXC (1u << 4)
#define FPSCR_IDC (1u << 7)
#define FPSCR_RMODE_SHIFT 22u
#define FPSCR_RN (0u << 22)
#define FPSCR_RP (1u << 22)
#define FPSCR_RM (2u << 22)
#define FPSCR_RZ (3u << 22)
#define FPSCR_FZ (1u << 24)
#define FPSCR_DN (1u << 25)
#define FPSCR_AHP (1u << 26)

/* Instruction templates: operands %[r] (result), %[x], %[y] (inputs). */
#define RXY(i) i " %[r], %[x], %[y]"
#define RX(i) i " %[r], %[x]"
#define XY(i) i " %[x], %[y]"

/* insn Rd, Rn, Rm with APSR.NZCVQ preset to `in`; records Rd and the resulting NZCVQ. */
#define OP3F(insn, in, a, b)                                                                       \
    do {                                                                                           \
        uint32_t r_, f_;                                                                           \
        __asm volatile("msr APSR_nzcvq, %[pi]\n\t" insn "\n\tmrs %[f], APSR"     \
                       : [r] "=&r"(r_), [f] "=&r"(f_)                                              \
                       : [pi] "r"(in), [x] "r"(a), [y] "r"(b)                                      \
                       : "cc");                                                                    \
        rec(r_);                                                                                   \
        rec(f_ & APSR_NZCVQ);                                                                      \
    } while (0)

/* insn Rd, Rn (e.g. with an immediate or shift in the template) */
#define OP2F(insn, in, a)                                                                          \
    do {                                                                                           \
        uint32_t r_, f_;                                                                           \
        __asm volatile("msr APSR_nzcvq, %[pi]\n\t" insn "\n\tmrs %[f], APSR"           \
                       : [r] "=&r"(r_), [f] "=&r"(f_)                                              \
                       : [pi] "r"(in), [x] "r"(a)                                                  \
                       : "cc");                                                                    \
        rec(r_);                                                                                   \
        rec(f_ & APSR_NZCVQ);                                                                      \
    } while (0)

/* A flag-only instruction (CMP, CMN, TST, TEQ): records NZCV only. */
#define CMPF(insn, in, a, b)                                                                       \
    do {                                                                                           \
        uint32_t f_;                                                                               \
        __asm volatile("msr APSR_nzcvq, %[pi]\n\t" insn "\n\tmrs %[f], APSR"           \
                       : [f] "=&r"(f_)                                                             \
                       : [pi] "r"(in), [x] "r"(a), [y] "r"(b)                                      \
                       : "cc");                                                                    \
        rec(f_ & APSR_NZCVQ);                                                                      \
    } while (0)

/* insn Rd, Rn, Rm with no flags: records Rd. */
#define OP3(insn, a, b)                                                                            \
    do {                                                                                           \
        uint32_t r_;                                                                               \
        __asm volatile(insn : [r] "=r"(r_) : [x] "r"(a), [y] "r"(b));          \
        rec(r_);                                                                                   \
    } while (0)

#define OP2(insn, a)                                                                               \
    do {                                                                                           \
        uint32_t r_;                                                                               \
        __asm volatile(insn : [r] "=r"(r_) : [x] "r"(a));                            \
        rec(r_);                                                                                   \
    } while (0)

/* Saturating op with Q cleared first: records Rd and Q. */
#define SATQ(insn_and_operands, a, b)                                                              \
    do {                                                                                           \
        uint32_t r_, f_;                                                                           \
        __asm volatile("msr APSR_nzcvq, %[z]\n\t" insn_and_operands "\n\tmrs %[f], APSR"          \
                       : [r] "=&r"(r_), [f] "=&r"(f_)                                              \
                       : [z] "r"(0u), [x] "r"(a), [y] "r"(b)                                       \
                       : "cc");                                                                    \
        rec(r_);                                                                                   \
        rec(f_ & APSR_NZCVQ);                                                                      \
    } while (0)

void test_arith(void);
void test_shift(void);
void test_mul(void);
void test_div(void);
void test_bits(void);
void test_sat(void);
void test_simd(void);
void test_dspmul(void);
void test_fparith(void);
void test_fpspecial(void);
void test_fpconv(void);
void test_mem(void);
void test_excl(void);
void test_flow(void);
void test_exc(void);
void test_fault(void);

#endif
