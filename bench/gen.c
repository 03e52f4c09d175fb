/*
 * gen.c: writes the deterministic benchmark corpus.
 *
 *	gen many DIR N M	N reports of M records each, DIR/r00001.xml...
 *	gen one FILE M		one report of M records
 *
 * Records look like what large receivers send: one DKIM and one SPF
 * result, identifiers, a mix of IPv4 and IPv6 sources and of results,
 * about 670 bytes each.  A fixed linear congruential generator makes the
 * output the same on every machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t seed = 20251113;

static uint32_t
rnd(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(seed >> 33);
}

static const char *const res[] = { "pass", "pass", "pass", "fail" };
static const char *const disp[] = { "none", "none", "quarantine",
    "reject" };

static void
record(FILE *fp, const char *dom)
{
	uint32_t r = rnd();
	const char *dk = res[r & 3], *sp = res[(r >> 2) & 3];

	fputs("  <record>\n    <row>\n", fp);
	if ((r >> 4) % 5 == 0)
		fprintf(fp, "      <source_ip>2001:db8:%x::%x</source_ip>\n",
		    rnd() & 0xffff, rnd() & 0xffff);
	else
		fprintf(fp, "      <source_ip>%u.%u.%u.%u</source_ip>\n",
		    rnd() % 223 + 1, rnd() & 255, rnd() & 255, rnd() & 255);
	fprintf(fp, "      <count>%u</count>\n", rnd() % 500 + 1);
	fprintf(fp, "      <policy_evaluated>\n"
	    "        <disposition>%s</disposition>\n"
	    "        <dkim>%s</dkim>\n        <spf>%s</spf>\n"
	    "      </policy_evaluated>\n    </row>\n", disp[(r >> 7) & 3],
	    dk, sp);
	fprintf(fp, "    <identifiers>\n      <envelope_from>bounce.%s"
	    "</envelope_from>\n      <header_from>%s</header_from>\n"
	    "    </identifiers>\n", dom, dom);
	fprintf(fp, "    <auth_results>\n      <dkim>\n"
	    "        <domain>%s</domain>\n        <selector>s%u</selector>\n"
	    "        <result>%s</result>\n      </dkim>\n"
	    "      <spf>\n        <domain>bounce.%s</domain>\n"
	    "        <scope>mfrom</scope>\n        <result>%s</result>\n"
	    "      </spf>\n    </auth_results>\n  </record>\n", dom,
	    rnd() % 4, dk, dom, sp);
}

static void
report(FILE *fp, unsigned id, unsigned long m)
{
	char dom[64];
	unsigned long i;
	long begin = 1700000000L + (long)(id % 365) * 86400;

	snprintf(dom, sizeof(dom), "domain%u.example", id % 37);
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n"
	    "  <version>1.0</version>\n  <report_metadata>\n"
	    "    <org_name>receiver%u.example</org_name>\n"
	    "    <email>dmarc@receiver%u.example</email>\n"
	    "    <report_id>bench-%u-%lu</report_id>\n"
	    "    <date_range>\n      <begin>%ld</begin>\n      <end>%ld</end>\n"
	    "    </date_range>\n  </report_metadata>\n"
	    "  <policy_published>\n    <domain>%s</domain>\n"
	    "    <adkim>r</adkim>\n    <aspf>r</aspf>\n    <p>none</p>\n"
	    "    <sp>none</sp>\n    <pct>100</pct>\n  </policy_published>\n",
	    id % 7, id % 7, id, m, begin, begin + 86399, dom);
	for (i = 0; i < m; i++)
		record(fp, dom);
	fputs("</feedback>\n", fp);
}

int
main(int argc, char **argv)
{
	char path[4096];
	unsigned long n, m, i;
	FILE *fp;

	if (argc == 5 && strcmp(argv[1], "many") == 0) {
		n = strtoul(argv[3], NULL, 10);
		m = strtoul(argv[4], NULL, 10);
		for (i = 1; i <= n; i++) {
			snprintf(path, sizeof(path), "%s/r%05lu.xml", argv[2],
			    i);
			if ((fp = fopen(path, "w")) == NULL)
				return 1;
			report(fp, (unsigned)i, m);
			if (fclose(fp) != 0)
				return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "one") == 0) {
		m = strtoul(argv[3], NULL, 10);
		if ((fp = fopen(argv[2], "w")) == NULL)
			return 1;
		report(fp, 999999, m);
		return fclose(fp) != 0;
	}
	fprintf(stderr, "usage: gen many DIR N M | gen one FILE M\n");
	return 2;
}
