// SPDX-License-Identifier: GPL-2.0
/*
 * memsort MIB [PROBES]: a large-memory job for the pager tests, in the spirit of
 * MemX's quicksort benchmark. Fills MIB MiB with pseudo-random integers,
 * sorts them, and checks the result is ordered and holds the same values
 * (sum and xor); then a random phase probes PROBES random places (one per
 * page of the array unless told; 0 skips the phase) and checks each is in
 * order with its neighbour. Exit 0 when all holds; prints the time each phase took, and
 * the random phase's major faults (pages it waited for from swap).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "job.h"

static void swap(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;

	*a = *b;
	*b = t;
}

/* In-place quicksort (median of three, smaller side first), as MemX ran. */
static void quicksort(uint32_t *a, size_t n)
{
	while (n > 16) {
		size_t mid = n / 2, i = 0, j = n - 1;
		uint32_t pivot;

		if (a[mid] < a[0])
			swap(&a[mid], &a[0]);
		if (a[n - 1] < a[0])
			swap(&a[n - 1], &a[0]);
		if (a[n - 1] < a[mid])
			swap(&a[n - 1], &a[mid]);
		pivot = a[mid];
		for (;;) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i >= j)
				break;
			swap(&a[i++], &a[j--]);
		}
		if (j + 1 < n - j - 1) {
			quicksort(a, j + 1);
			a += j + 1;
			n -= j + 1;
		} else {
			quicksort(a + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k && a[k - 1] > a[k]; k--)
			swap(&a[k - 1], &a[k]);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
	size_t n = mib * 1024 * 1024 / sizeof(uint32_t), i;
	uint64_t sum = 0, sum2 = 0, x = 88172645463325252ULL;
	size_t per_page = 4096 / sizeof(uint32_t);
	size_t probes = argc > 2 ? strtoul(argv[2], NULL, 0) : n / per_page + 1;
	uint32_t xr = 0, xr2 = 0, *a;
	double t0, t1, t2, t3, t4;
	long faults;

	if (!mib) {
		fprintf(stderr, "usage: memsort MIB [PROBES]\n");
		return 2;
	}
	a = malloc(n * sizeof(*a));
	if (!a) {
		perror("malloc");
		return 2;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		a[i] = (uint32_t)xorshift(&x);
		sum += a[i];
		xr ^= a[i];
	}
	t1 = now();
	quicksort(a, n);
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
	t3 = now();
	faults = major_faults();
	for (i = 0; i < probes; i++) {
		size_t k = xorshift(&x) % (n - 1);

		if (a[k] > a[k + 1]) {
			fprintf(stderr, "memsort: out of order at %zu (random phase)\n", k);
			return 1;
		}
	}
	t4 = now();
	printf("memsort: %zu MiB fill %.1f s sort %.1f s verify %.1f s total %.1f s\n", mib,
	       t1 - t0, t2 - t1, t3 - t2, t3 - t0);
	printf("memsort: random %zu probes %.3f s major_faults %ld\n", probes, t4 - t3,
	       major_faults() - faults);
	return 0;
}
