// SPDX-License-Identifier: GPL-2.0
/*
 * memkv MIB [OPS]: a database-like job for the benchmark. A key-value
 * store fills MIB MiB: a hash table of 64-byte records (open addressing,
 * three quarters full), bulk-loaded in the table's order (each key is
 * chosen to hash where the load has got to, as a database loads sorted
 * input). Then OPS operations (one per page of the table unless told) on
 * keys drawn uniformly, as YCSB's workload B runs: 95% reads, 5%
 * updates. Every record read is checked against its key and version; at
 * the end every record is, and the updates all count. Exit 0 when all
 * holds; prints the time each phase took, and the operations' major
 * faults (pages waited for from swap).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "job.h"

struct record {
	uint64_t key;		/* 0: empty slot */
	uint64_t version;
	uint64_t value[6];	/* value_word(key, version, i) */
};

/* splitmix64's finalizer: the values' words. */
static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The key of record @i of @records, in a table of @slots: one that hashes
 * (key % slots) to where a load in order puts it, distinct for each @i,
 * never 0, and otherwise scattered.
 */
static uint64_t key_of(size_t i, size_t records, size_t slots)
{
	uint64_t home = (uint64_t)i * slots / records;

	return home + slots * (1 + (mix(i) >> 24));
}

static uint64_t value_word(uint64_t key, uint64_t version, unsigned int i)
{
	return mix(key + (version << 8) + i);
}

static void fill(struct record *r, uint64_t key, uint64_t version)
{
	r->key = key;
	r->version = version;
	for (unsigned int i = 0; i < 6; i++)
		r->value[i] = value_word(key, version, i);
}

static int intact(const struct record *r)
{
	for (unsigned int i = 0; i < 6; i++)
		if (r->value[i] != value_word(r->key, r->version, i))
			return 0;
	return 1;
}

/* The slot holding @key, or the empty one where it goes. */
static struct record *slot_of(struct record *table, size_t slots, uint64_t key)
{
	size_t i = key % slots;

	while (table[i].key && table[i].key != key)
		i = (i + 1) % slots;
	return &table[i];
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
	size_t slots = mib * 1024 * 1024 / sizeof(struct record);
	size_t records = slots / 4 * 3;
	size_t ops = argc > 2 ? strtoul(argv[2], NULL, 0) : mib * 256;
	uint64_t x = 88172645463325252ULL, updates = 0, versions = 0;
	struct record *table;
	double t0, t1, t2, t3;
	size_t i, found = 0;
	long faults;

	if (!mib) {
		fprintf(stderr, "usage: memkv MIB [OPS]\n");
		return 2;
	}
	table = calloc(slots, sizeof(*table));
	if (!table) {
		perror("calloc");
		return 2;
	}
	t0 = now();
	for (i = 0; i < records; i++) {
		uint64_t key = key_of(i, records, slots);
		struct record *r = slot_of(table, slots, key);

		if (r->key) {
			fprintf(stderr, "memkv: key %zu not new\n", i);
			return 2;
		}
		fill(r, key, 0);
	}
	t1 = now();
	faults = major_faults();
	for (i = 0; i < ops; i++) {
		uint64_t key = key_of(xorshift(&x) % records, records, slots);
		struct record *r = slot_of(table, slots, key);

		if (r->key != key || !intact(r)) {
			fprintf(stderr, "memkv: record of key %llx lost or corrupt (op %zu)\n",
				(unsigned long long)key, i);
			return 1;
		}
		if (xorshift(&x) % 100 < 5) {
			fill(r, key, r->version + 1);
			updates++;
		}
	}
	t2 = now();
	faults = major_faults() - faults;
	for (i = 0; i < slots; i++) {
		if (!table[i].key)
			continue;
		if (!intact(&table[i])) {
			fprintf(stderr, "memkv: record in slot %zu corrupt\n", i);
			return 1;
		}
		found++;
		versions += table[i].version;
	}
	t3 = now();
	if (found != records || versions != updates) {
		fprintf(stderr, "memkv: %zu records of %zu, %llu updates of %llu\n", found, records,
			(unsigned long long)versions, (unsigned long long)updates);
		return 1;
	}
	printf("memkv: %zu MiB %zu records load %.1f s ops %.1f s verify %.1f s total %.1f s\n",
	       mib, records, t1 - t0, t2 - t1, t3 - t2, t3 - t0);
	printf("memkv: %zu ops (%llu updates) %.3f s major_faults %ld\n", ops,
	       (unsigned long long)updates, t2 - t1, faults);
	return 0;
}
