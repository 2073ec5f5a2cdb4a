/*
 * bench-mips: a CPU-bound workload for measuring the simulator's speed (npm run bench).
 *
 * Shows: nothing about the board; it mixes what firmware spends its time on — a bitwise CRC-32,
 * an integer matrix multiply, an insertion sort, a single-precision dot product and a memcpy-style
 * word copy — in an endless loop, touching no peripheral, so it runs on QEMU and on the virtual core.
 *
 * How a benchmark observes it:
 *   bench_iterations  volatile uint32_t, +1 per round of the workload
 *   bench_checksum    volatile uint32_t, a digest of the last round (identical on every correct core)
 */
#include <stdint.h>

#define N 16u

volatile uint32_t bench_iterations;
volatile uint32_t bench_checksum;

static uint32_t data[64];
static int32_t a[N][N], b[N][N], c[N][N];
static float fx[64], fy[64];
static uint32_t copy[64];

static uint32_t crc32(const uint32_t *words, uint32_t count)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < count; i++) {
        crc ^= words[i];
        for (int bit = 0; bit < 32; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static int32_t matmul(void)
{
    int32_t trace = 0;
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t j = 0; j < N; j++) {
            int32_t sum = 0;
            for (uint32_t k = 0; k < N; k++)
                sum += a[i][k] * b[k][j];
            c[i][j] = sum;
        }
    for (uint32_t i = 0; i < N; i++)
        trace += c[i][i];
    return trace;
}

static uint32_t sort(uint32_t seed)
{
    uint32_t v[32];
    for (uint32_t i = 0; i < 32; i++) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = seed >> 8;
    }
    for (uint32_t i = 1; i < 32; i++) {
        uint32_t x = v[i], j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    return v[0] ^ v[31];
}

static float dot(void)
{
    float sum = 0.0f;
    for (uint32_t i = 0; i < 64; i++)
        sum += fx[i] * fy[i];
    return sum;
}

int main(void)
{
    for (uint32_t i = 0; i < 64; i++) {
        data[i] = i * 0x9E3779B9u;
        fx[i] = (float)i * 0.5f;
        fy[i] = 1.0f / (float)(i + 1);
    }
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t j = 0; j < N; j++) {
            a[i][j] = (int32_t)(i + 2 * j) - 7;
            b[i][j] = (int32_t)(3 * i) - (int32_t)j;
        }
    for (;;) {
        uint32_t digest = crc32(data, 64);
        digest ^= (uint32_t)matmul();
        digest ^= sort(bench_iterations);
        union { float f; uint32_t u; } d = { dot() };
        digest ^= d.u;
        for (uint32_t i = 0; i < 64; i++)
            copy[i] = data[(i + bench_iterations) & 63u];
        digest ^= copy[7];
        bench_checksum = digest;
        bench_iterations++;
    }
}
