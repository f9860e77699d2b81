// SPDX-License-Identifier: GPL-2.0
/*
 * spmv MIB [ITERATIONS]: an NPB CG-like job for the benchmark. A sparse
 * matrix of 15 nonzeros per row at pseudo-random columns fills most of
 * MIB MiB; each iteration multiplies it with a vector (y = A x + row,
 * in 32-bit integers, so that every result is exact) and the next
 * iteration takes y as its x. The matrix streams through memory once
 * an iteration while the vector is read at random, as NPB's CG kernel
 * does. At the end the whole matrix is checked against its generator
 * and every 61st row of the last product is computed again. Exit 0 when
 * all holds; prints the time each phase took, and the iterations' major
 * faults (pages waited for from swap).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "job.h"

#define PER_ROW	15

struct entry {
	uint32_t col;
	uint32_t val;
};

/* Row @r's entries, from a generator of its own: checked at the end. */
static void make_row(struct entry *row, size_t r, size_t n)
{
	uint64_t x = (r + 1) * 0x9e3779b97f4a7c15ULL;

	for (unsigned int k = 0; k < PER_ROW; k++) {
		row[k].col = xorshift(&x) % n;
		row[k].val = xorshift(&x) & 0xffff;
	}
}

static uint32_t row_product(const struct entry *row, const uint32_t *x, size_t r)
{
	uint32_t sum = r;

	for (unsigned int k = 0; k < PER_ROW; k++)
		sum += row[k].val * x[row[k].col];
	return sum;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
	size_t iterations = argc > 2 ? strtoul(argv[2], NULL, 0) : 4;
	size_t per_row = PER_ROW * sizeof(struct entry) + 2 * sizeof(uint32_t);
	size_t n = mib * 1024 * 1024 / per_row, r, it;
	struct entry *a, want[PER_ROW];
	uint32_t *x, *y, *t;
	double t0, t1, t2, t3;
	long faults;

	if (!mib || !iterations) {
		fprintf(stderr, "usage: spmv MIB [ITERATIONS]\n");
		return 2;
	}
	a = malloc(n * PER_ROW * sizeof(*a));
	x = malloc(n * sizeof(*x));
	y = malloc(n * sizeof(*y));
	if (!a || !x || !y) {
		perror("malloc");
		return 2;
	}
	t0 = now();
	for (r = 0; r < n; r++) {
		make_row(&a[r * PER_ROW], r, n);
		x[r] = r;
	}
	t1 = now();
	faults = major_faults();
	for (it = 0; it < iterations; it++) {
		if (it) {
			t = x;
			x = y;
			y = t;
		}
		for (r = 0; r < n; r++)
			y[r] = row_product(&a[r * PER_ROW], x, r);
	}
	t2 = now();
	faults = major_faults() - faults;
	for (r = 0; r < n; r++) {
		make_row(want, r, n);
		for (unsigned int k = 0; k < PER_ROW; k++) {
			if (a[r * PER_ROW + k].col != want[k].col ||
			    a[r * PER_ROW + k].val != want[k].val) {
				fprintf(stderr, "spmv: matrix row %zu corrupt\n", r);
				return 1;
			}
		}
		if (r % 61 == 0 && y[r] != row_product(want, x, r)) {
			fprintf(stderr, "spmv: product row %zu wrong\n", r);
			return 1;
		}
	}
	t3 = now();
	printf("spmv: %zu MiB %zu rows build %.1f s iterate %.1f s verify %.1f s total %.1f s\n",
	       mib, n, t1 - t0, t2 - t1, t3 - t2, t3 - t0);
	printf("spmv: %zu iterations %.3f s major_faults %ld\n", iterations, t2 - t1, faults);
	return 0;
}
