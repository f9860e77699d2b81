/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the large-memory jobs (memsort, memkv, spmv) share: a clock, the
 * major faults taken so far (pages waited for from swap), and one
 * pseudo-random generator, so that a run is the same every time.
 */
#ifndef MEMX_LAB_JOB_H
#define MEMX_LAB_JOB_H

#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline long major_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

static inline uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#endif
