// SPDX-License-Identifier: GPL-2.0
/*
 * mmapcheck DEVICE MIB: map MIB MiB of a block device shared, write a
 * pattern that names each page, push it to the device (msync, then drop
 * the device's cached pages), map it again and check every page.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static uint64_t word(size_t page, size_t i)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (i * 0xbf58476d1ce4e5b9ULL) ^ 0x6d656d78;
}

static void *map(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

int main(int argc, char **argv)
{
	size_t len, pages, p, i, bad = 0;
	uint64_t *m;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: mmapcheck DEVICE MIB\n");
		return 2;
	}
	len = strtoul(argv[2], NULL, 0) << 20;
	pages = len / PAGE;
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	m = map(fd, len);
	for (p = 0; p < pages; p++)
		for (i = 0; i < PAGE / 8; i++)
			m[p * PAGE / 8 + i] = word(p, i);
	if (msync(m, len, MS_SYNC) || munmap(m, len)) {
		perror("msync");
		return 2;
	}
	/* The pages must come back from the device, not from the cache. */
	if (fsync(fd) || posix_fadvise(fd, 0, len, POSIX_FADV_DONTNEED)) {
		perror("fadvise");
		return 2;
	}
	m = map(fd, len);
	for (p = 0; p < pages; p++)
		for (i = 0; i < PAGE / 8; i++)
			if (m[p * PAGE / 8 + i] != word(p, i)) {
				bad++;
				break;
			}
	munmap(m, len);
	close(fd);
	printf("mmapcheck: %zu pages, %zu bad\n", pages, bad);
	return bad ? 1 : 0;
}
