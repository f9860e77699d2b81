// SPDX-License-Identifier: GPL-2.0
/*
 * labwait PATH SECONDS: wait until PATH exists.
 * labwait -c PATH TEXT SECONDS: wait until PATH holds other than TEXT (a
 * missing file holds nothing; one trailing newline is not compared).
 * Exit 0 when it happened, 1 when SECONDS passed first.
 *
 * A guest waits for the lab's signals and link settings this way: one
 * static process polling every 100 ms, instead of a shell loop that
 * starts sleep(1) and cat(1) several times a second (each start of a
 * dynamically linked program costs a TCG guest tens of milliseconds of
 * CPU: such a loop kept an idle guest 45% busy and showed up in every
 * profile and benchmark).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *path, *text;

static int happened(void)
{
	char buf[4096];
	size_t n = 0;
	FILE *f;

	if (!text)
		return !access(path, F_OK);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	if (n && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return strcmp(buf, text) != 0;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	long polls;

	if (argc == 5 && !strcmp(argv[1], "-c")) {
		path = argv[2];
		text = argv[3];
	} else if (argc == 3) {
		path = argv[1];
	} else {
		fprintf(stderr, "usage: labwait PATH SECONDS | labwait -c PATH TEXT SECONDS\n");
		return 2;
	}
	if (atol(argv[argc - 1]) <= 0) {
		fprintf(stderr, "labwait: SECONDS must be a positive number\n");
		return 2;
	}
	for (polls = atol(argv[argc - 1]) * 10; polls > 0; polls--) {
		if (happened())
			return 0;
		nanosleep(&tick, NULL);
	}
	return happened() ? 0 : 1;
}
