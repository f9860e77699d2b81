// SPDX-License-Identifier: GPL-2.0
/*
 * memsort MIB: a large-memory job for the pager tests, in the spirit of
 * MemX's quicksort benchmark. Fills MIB MiB with pseudo-random integers,
 * sorts them, and checks the result is ordered and holds the same values
 * (sum and xor). Exit 0 when it does; prints the time each phase took.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
	size_t n = mib * 1024 * 1024 / sizeof(uint32_t), i;
	uint64_t sum = 0, sum2 = 0, x = 88172645463325252ULL;
	uint32_t xr = 0, xr2 = 0, *a;
	double t0, t1, t2;

	if (!mib) {
		fprintf(stderr, "usage: memsort MIB\n");
		return 2;
	}
	a = malloc(n * sizeof(*a));
	if (!a) {
		perror("malloc");
		return 2;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		a[i] = (uint32_t)x;
		sum += a[i];
		xr ^= a[i];
	}
	t1 = now();
	qsort(a, n, sizeof(*a), cmp);
	t2 = now();
	for (i = 0; i < n; i++) {
		if (i && a[i - 1] > a[i]) {
			fprintf(stderr, "memsort: out of order at %zu\n", i);
			return 1;
		}
		sum2 += a[i];
		xr2 ^= a[i];
	}
	if (sum != sum2 || xr != xr2) {
		fprintf(stderr, "memsort: values changed (sum %llx/%llx)\n",
			(unsigned long long)sum, (unsigned long long)sum2);
		return 1;
	}
	printf("memsort: %zu MiB fill %.1f s sort %.1f s verify %.1f s total %.1f s\n", mib,
	       t1 - t0, t2 - t1, now() - t2, now() - t0);
	return 0;
}
