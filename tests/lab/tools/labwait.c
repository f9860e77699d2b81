// SPDX-License-Identifier: GPL-2.0
/*
 * labwait PATH SECONDS: wait until PATH exists; exit 0 when it does, 1 when
 * SECONDS passed first. A guest's role waits for the lab's signals this
 * way: one static process polling every 100 ms, instead of a shell loop
 * that starts a sleep(1) five times a second (each start of a dynamically
 * linked program costs a TCG guest tens of milliseconds of CPU, which
 * showed up in every profile and benchmark).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	long polls;

	if (argc != 3 || atol(argv[2]) <= 0) {
		fprintf(stderr, "usage: labwait PATH SECONDS\n");
		return 2;
	}
	for (polls = atol(argv[2]) * 10; polls > 0; polls--) {
		if (!access(argv[1], F_OK))
			return 0;
		nanosleep(&tick, NULL);
	}
	return !access(argv[1], F_OK) ? 0 : 1;
}
