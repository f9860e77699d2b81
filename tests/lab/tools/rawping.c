// SPDX-License-Identifier: GPL-2.0
/*
 * rawping: raw Ethernet round trips, from user space, on the second IEEE
 * 802 "local experimental" EtherType (RMAP has the first: rawping must
 * never answer RMAP's frames, or every RMAP message would come back).
 *
 *   rawping echo IFACE [--background]  answer every probe (runs until killed)
 *   rawping ping IFACE DSTMAC SIZE COUNT [TIMEOUT_MS]
 *
 * RAWPING_ETHERTYPE in the environment (e.g. 0x88B5) picks another
 * EtherType: the modules scenario aims probes at RMAP itself to prove
 * that frames which are not RMAP are counted and dropped.
 *
 * ping sends COUNT frames carrying SIZE payload bytes, one at a time, waits
 * for each echo, checks its payload byte for byte and prints the round-trip
 * times. It exits 0 only when every frame came back intact. This is the
 * floor the lab's network allows: no protocol, one syscall each way.
 *
 * With --background, echo returns once its socket is bound and prints the
 * pid of the child that answers: a role that signals "ready" afterwards
 * cannot race a probe sent before anyone listens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RAWPING_DEFAULT_ETHERTYPE 0x88B6
#define RAWPING_MAGIC 0x4d584c42u /* "MXLB" */
#define MAX_FRAME 65536

static unsigned int ethertype = RAWPING_DEFAULT_ETHERTYPE;

struct probe {
	uint32_t magic;
	uint32_t seq;
} __attribute__((packed));

static int open_socket(const char *ifname, struct sockaddr_ll *addr)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ethertype));

	if (fd < 0) {
		perror("rawping: socket");
		exit(2);
	}
	memset(addr, 0, sizeof(*addr));
	addr->sll_family = AF_PACKET;
	addr->sll_protocol = htons(ethertype);
	addr->sll_ifindex = if_nametoindex(ifname);
	if (!addr->sll_ifindex) {
		fprintf(stderr, "rawping: no interface %s\n", ifname);
		exit(2);
	}
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) < 0) {
		perror("rawping: bind");
		exit(2);
	}
	return fd;
}

static __attribute__((noreturn)) void echo(const char *ifname, int background)
{
	static unsigned char frame[MAX_FRAME];
	struct sockaddr_ll addr;
	int fd = open_socket(ifname, &addr);
	unsigned char mac[ETH_ALEN];

	if (background) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("rawping: fork");
			exit(2);
		}
		if (pid) {
			printf("%d\n", (int)pid);
			exit(0);
		}
		fclose(stdout);
	}

	for (;;) {
		ssize_t n = recv(fd, frame, sizeof(frame), 0);

		struct probe probe;

		if (n < (ssize_t)(ETH_HLEN + sizeof(probe)))
			continue;
		memcpy(&probe, frame + ETH_HLEN, sizeof(probe));
		if (ntohl(probe.magic) != RAWPING_MAGIC)
			continue;
		memcpy(mac, frame, ETH_ALEN);
		memcpy(frame, frame + ETH_ALEN, ETH_ALEN);
		memcpy(frame + ETH_ALEN, mac, ETH_ALEN);
		if (send(fd, frame, n, 0) < 0)
			perror("rawping: send");
	}
}

static void fill(unsigned char *p, size_t len, uint32_t seq)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seq * 131 + i * 7);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int ping(const char *ifname, const char *dstmac, size_t size,
		unsigned int count, int timeout_ms)
{
	static unsigned char tx[MAX_FRAME], rx[MAX_FRAME];
	size_t len = ETH_HLEN + sizeof(struct probe) + size;
	struct sockaddr_ll addr;
	int fd = open_socket(ifname, &addr);
	unsigned int seq, received = 0, corrupt = 0;
	double *rtt = calloc(count ? count : 1, sizeof(*rtt));
	struct probe probe;
	double sum = 0;
	struct ifreq ifr;

	if (len > MAX_FRAME || !rtt) {
		fprintf(stderr, "rawping: size %zu too large\n", size);
		return 2;
	}
	if (sscanf(dstmac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &tx[0], &tx[1],
		   &tx[2], &tx[3], &tx[4], &tx[5]) != 6) {
		fprintf(stderr, "rawping: bad MAC %s\n", dstmac);
		return 2;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("rawping: SIOCGIFHWADDR");
		return 2;
	}
	memcpy(tx + ETH_ALEN, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	tx[12] = ethertype >> 8;
	tx[13] = ethertype & 0xff;

	for (seq = 1; seq <= count; seq++) {
		double start, deadline;

		probe.magic = htonl(RAWPING_MAGIC);
		probe.seq = htonl(seq);
		memcpy(tx + ETH_HLEN, &probe, sizeof(probe));
		fill(tx + ETH_HLEN + sizeof(probe), size, seq);
		start = now_us();
		deadline = start + timeout_ms * 1000.0;
		if (send(fd, tx, len, 0) < 0) {
			fprintf(stderr, "rawping: send of %zu bytes: %s\n", len,
				strerror(errno));
			return 1;
		}
		for (;;) {
			double left = deadline - now_us();
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			ssize_t n;

			if (left <= 0 || poll(&pfd, 1, (int)(left / 1000) + 1) <= 0)
				break;
			n = recv(fd, rx, sizeof(rx), 0);
			if (n < (ssize_t)(ETH_HLEN + sizeof(probe)))
				continue;
			memcpy(&probe, rx + ETH_HLEN, sizeof(probe));
			/* Our own frames are not looped back, other traffic is. */
			if (ntohl(probe.magic) != RAWPING_MAGIC || ntohl(probe.seq) != seq)
				continue;
			if ((size_t)n != len ||
			    memcmp(rx + ETH_HLEN, tx + ETH_HLEN, len - ETH_HLEN)) {
				corrupt++;
				break;
			}
			rtt[received] = now_us() - start;
			sum += rtt[received];
			received++;
			break;
		}
	}
	printf("rawping: %zu-byte payload to %s: sent %u received %u corrupt %u",
	       size, dstmac, count, received, corrupt);
	if (received) {
		qsort(rtt, received, sizeof(*rtt), cmp_double);
		printf(" rtt us min %.1f mean %.1f p50 %.1f p99 %.1f max %.1f",
		       rtt[0], sum / received, rtt[received / 2],
		       rtt[(received * 99) / 100], rtt[received - 1]);
	}
	printf("\n");
	free(rtt);
	return received == count && !corrupt ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *type = getenv("RAWPING_ETHERTYPE");

	if (type)
		ethertype = strtoul(type, NULL, 16);
	if ((argc == 3 || (argc == 4 && !strcmp(argv[3], "--background"))) &&
	    !strcmp(argv[1], "echo"))
		echo(argv[2], argc == 4);
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "ping"))
		return ping(argv[2], argv[3], strtoul(argv[4], NULL, 0),
			    strtoul(argv[5], NULL, 0),
			    argc == 7 ? atoi(argv[6]) : 1000);
	fprintf(stderr,
		"usage: rawping echo IFACE [--background]\n"
		"       rawping ping IFACE DSTMAC SIZE COUNT [TIMEOUT_MS]\n");
	return 2;
}
