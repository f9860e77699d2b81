// SPDX-License-Identifier: GPL-2.0
/*
 * cpuphase PHASEFILE LOG: CPU time and frames per benchmark phase, at
 * almost no cost.
 *
 * Every 200 ms, reads the phase name in PHASEFILE (written by the guest
 * that drives the benchmark); when it changed, appends "PHASE BUSY TOTAL
 * RX TX" to LOG: the cumulative ticks of /proc/stat's cpu line, busy being
 * all but idle and iowait, and the packets eth0 received and sent (what
 * crossed the virtual NIC: one per frame for memx, one per offloaded
 * segment of up to 64 KiB for TCP). A phase's figures are the differences
 * to the next line. Runs until killed; never forks, so it does not load
 * the guest it measures (a shell loop of cat and awk kept a TCG guest busy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return 0;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

/* A counter of eth0's, 0 when there is no eth0. */
static unsigned long long nic_count(const char *name)
{
	char path[96], buf[32];

	snprintf(path, sizeof(path), "/sys/class/net/eth0/statistics/%s", name);
	return read_line(path, buf, sizeof(buf)) ? strtoull(buf, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 200 * 1000 * 1000 };
	char last[128] = "", phase[128], stat[512];

	if (argc != 3) {
		fprintf(stderr, "usage: cpuphase PHASEFILE LOG\n");
		return 2;
	}
	for (;;) {
		unsigned long long v[8] = { 0 };
		FILE *log;

		if (!read_line(argv[1], phase, sizeof(phase)))
			strcpy(phase, "none");
		if (strcmp(phase, last) && read_line("/proc/stat", stat, sizeof(stat)) &&
		    sscanf(stat, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
			unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];

			log = fopen(argv[2], "a");
			if (!log)
				return 1;
			fprintf(log, "%s %llu %llu %llu %llu\n", phase, busy, busy + v[3] + v[4],
				nic_count("rx_packets"), nic_count("tx_packets"));
			fclose(log);
			strcpy(last, phase);
		}
		nanosleep(&tick, NULL);
	}
}
