/*
 * test_agg_xml.c: the aggregate report parser and its repairs, table by
 * table: ADVERSARIAL.md A1-A14, schemas and namespaces, numbers, IP
 * addresses, domains, limits, chunking and the three known repairs.
 */
#include "dwtest.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "report/agg_dump.h"
#include "report/agg_xml.h"

#define META	"<report_metadata><org_name>Org</org_name>" \
	"<email>a@example.net</email><report_id>r1</report_id>" \
	"<date_range><begin>1000</begin><end>2000</end></date_range>" \
	"</report_metadata>"
#define POL	"<policy_published><domain>example.com</domain>" \
	"<p>none</p></policy_published>"
#define PE	"<policy_evaluated><disposition>none</disposition>" \
	"<dkim>pass</dkim><spf>pass</spf></policy_evaluated>"
#define ROWX(ip, n, pe)	"<row><source_ip>" ip "</source_ip><count>" n \
	"</count>" pe "</row>"
#define REC(ip, n)	"<record>" ROWX(ip, n, PE) "<identifiers>" \
	"<header_from>example.com</header_from></identifiers></record>"
#define DOC(body)	"<feedback>" META POL body "</feedback>"
#define DOC1		DOC(REC("192.0.2.1", "1"))

struct col {
	struct buf	 out;
	int		 nrep;
	int		 nrec;
	int		 stop_at;	/* fail the nth record */
};

static enum dw_err
c_report(void *ctx, const struct agg_report *r)
{
	struct col *c = ctx;

	c->nrep++;
	if (agg_report_json(r, &c->out) != DW_OK)
		return DW_ELIMIT;
	return buf_putc(&c->out, '\n');
}

static enum dw_err
c_record(void *ctx, const struct agg_record *rec)
{
	struct col *c = ctx;

	if (++c->nrec == c->stop_at)
		return DW_EINTR;
	if (agg_record_json(rec, &c->out) != DW_OK)
		return DW_ELIMIT;
	return buf_putc(&c->out, '\n');
}

/* Parses doc fed in pieces of chunk bytes (0: all at once). */
static enum dw_err
parse(const char *doc, size_t len, size_t chunk, struct col *c,
    struct dw_error *e, struct agg_stats *st)
{
	struct agg_sink sink = { c, c_report, c_record };
	struct agg_xml *p = agg_xml_new(&sink);
	enum dw_err err = DW_OK;
	size_t off = 0, n;

	assert_non_null(p);
	dw_error_clear(e);
	if (chunk == 0)
		chunk = len > 0 ? len : 1;
	do {
		n = len - off < chunk ? len - off : chunk;
		err = agg_xml_feed(p, doc + off, n, off + n == len, e);
		off += n;
	} while (err == DW_OK && off < len);
	if (err == DW_OK && st != NULL)
		agg_xml_stats(p, st);
	agg_xml_free(p);
	return err;
}

static void
col_init(struct col *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->out, (size_t)1 << 30);
}

/* Parses s whole, one byte and 7 bytes at a time: all must agree. */
static enum dw_err
parse_all_ways(const char *s, size_t len, struct col *c, struct dw_error *e)
{
	static const size_t chunks[] = { 1, 7 };
	struct col o;
	struct dw_error oe;
	enum dw_err err, oerr;
	size_t i;

	col_init(c);
	err = parse(s, len, 0, c, e, NULL);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		col_init(&o);
		oerr = parse(s, len, chunks[i], &o, &oe, NULL);
		assert_int_equal(err, oerr);
		if (err == DW_OK)
			assert_string_equal(buf_str(&c->out), buf_str(&o.out));
		else
			assert_string_equal(e->msg, oe.msg);
		buf_fini(&o.out);
	}
	return err;
}

struct tcase {
	const char	*name;
	const char	*doc;
	enum dw_err	 err;
	const char	*want;	/* in the error message, or in the JSON */
};

static void
run_cases(const struct tcase *t, size_t n)
{
	struct col c;
	struct dw_error e;
	enum dw_err err;
	size_t i;

	for (i = 0; i < n; i++) {
		err = parse_all_ways(t[i].doc, strlen(t[i].doc), &c, &e);
		if (err != t[i].err || strstr(err == DW_OK ? buf_str(&c.out) :
		    e.msg, t[i].want) == NULL) {
			print_error("case \"%s\": got %d \"%s\" / %s, want %d "
			    "with \"%s\"\n", t[i].name, err,
			    err ? e.msg : "", buf_str(&c.out), t[i].err,
			    t[i].want);
			fail();
		}
		buf_fini(&c.out);
	}
}

#define RUN(t)	run_cases(t, sizeof(t) / sizeof(t[0]))

/* A2-A4, A6, A7: what is refused before it can do harm. */
static void
test_refused(void **state)
{
	static const struct tcase t[] = {
		{ "xxe file", "<!DOCTYPE feedback [<!ENTITY x SYSTEM "
		    "\"file:///etc/passwd\">]><feedback>&x;</feedback>",
		    DW_ESYNTAX, "line 1, column 20: DOCTYPE not allowed" },
		{ "external dtd", "<?xml version=\"1.0\"?>\n<!DOCTYPE "
		    "feedback SYSTEM \"http://attacker.example/x.dtd\">"
		    "<feedback/>", DW_ESYNTAX, "DOCTYPE not allowed" },
		{ "billion laughs", "<!DOCTYPE f [<!ENTITY a \"lol\">"
		    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
		    "<feedback><x>&c;</x></feedback>", DW_ESYNTAX,
		    "DOCTYPE not allowed" },
		{ "undefined entity", "<feedback>&x;</feedback>",
		    DW_ESYNTAX, "undefined entity" },
		{ "truncated", "<feedback><report_metadata><org_name>x",
		    DW_ESYNTAX, "no element found" },
		{ "mismatched", "<feedback>\n<report_metadata>\n  "
		    "</policy_published></feedback>", DW_ESYNTAX,
		    "line 3, column 5: mismatched tag" },
		{ "junk after root", DOC1 "<feedback/>", DW_ESYNTAX,
		    "junk after document element" },
		{ "garbage", "\x01\x02garbage", DW_ESYNTAX, "line 1" },
		{ "empty", "", DW_ESYNTAX, "no element found" },
		{ "rss", "<rss version=\"2.0\"><channel/></rss>",
		    DW_ENOTREPORT, "root element is <rss>, not <feedback>" },
		{ "xhtml", "<html xmlns=\"http://www.w3.org/1999/xhtml\">"
		    "<body/></html>", DW_ENOTREPORT, "root element is <html>" },
		{ "svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		    DW_ENOTREPORT, "root element is <svg>" },
		{ "invalid root", "<invalid_root><feedback/></invalid_root>",
		    DW_ENOTREPORT, "root element is <invalid_root>" },
		{ "foreign feedback", "<feedback xmlns=\"urn:other\"/>",
		    DW_ENOTREPORT, "unknown namespace" },
		{ "report without header", "<feedback/>", DW_ESYNTAX,
		    "missing <report_metadata>" },
	};

	(void)state;
	RUN(t);
}

/* A5: a million levels stop at the depth limit, memory flat. */
static void
test_deep_nesting(void **state)
{
	size_t levels = 1000000, i;
	struct buf b;
	struct col c;
	struct dw_error e;

	(void)state;
	buf_init(&b, (size_t)16 << 20);
	assert_int_equal(buf_puts(&b, "<feedback>" META POL), DW_OK);
	for (i = 0; i < levels; i++)
		assert_int_equal(buf_puts(&b, "<a>"), DW_OK);
	col_init(&c);
	assert_int_equal(parse(b.data, b.len, 4096, &c, &e, NULL),
	    DW_ELIMIT);
	assert_non_null(strstr(e.msg, "nested more than 32 deep"));
	buf_fini(&c.out);
	buf_fini(&b);
}

/* A8: every DMARC namespace form gives the same records. */
static void
test_namespaces(void **state)
{
	static const char *const docs[] = {
		"<feedback><version>1.0</version>" META POL
		    REC("192.0.2.1", "5") "</feedback>",
		"<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">"
		    "<version>1.0</version>" META POL REC("192.0.2.1", "5")
		    "</feedback>",
		"<d:feedback xmlns:d=\"urn:ietf:params:xml:ns:dmarc-2.0\">"
		    "<d:version>1.0</d:version><d:report_metadata>"
		    "<d:org_name>Org</d:org_name><d:email>a@example.net"
		    "</d:email><d:report_id>r1</d:report_id><d:date_range>"
		    "<d:begin>1000</d:begin><d:end>2000</d:end>"
		    "</d:date_range></d:report_metadata><d:policy_published>"
		    "<d:domain>example.com</d:domain><d:p>none</d:p>"
		    "</d:policy_published><d:record><d:row><d:source_ip>"
		    "192.0.2.1</d:source_ip><d:count>5</d:count>"
		    "<d:policy_evaluated><d:disposition>none</d:disposition>"
		    "<d:dkim>pass</d:dkim><d:spf>pass</d:spf>"
		    "</d:policy_evaluated></d:row><d:identifiers>"
		    "<d:header_from>example.com</d:header_from>"
		    "</d:identifiers></d:record></d:feedback>",
		"<feedback xmlns=\"http://dmarc.org/dmarc-xml/0.1\">"
		    "<version>1.0</version>" META POL REC("192.0.2.1", "5")
		    "</feedback>",
		"<feedback xmlns:x=\"urn:vendor\"><version>1.0</version>"
		    "<x:report_metadata><x:org_name>evil</x:org_name>"
		    "</x:report_metadata>" META POL "<record>"
		    ROWX("192.0.2.1", "5", PE) "<identifiers><header_from>"
		    "example.com</header_from><x:header_from>evil.example"
		    "</x:header_from></identifiers><x:ext a=\"1\"><count>9"
		    "</count></x:ext></record><extensions><x:e/></extensions>"
		    "</feedback>",
	};
	static const char *const schema[] = { "\"rfc7489\"", "\"rfc9990\"",
	    "\"rfc9990\"", "\"draft\"", "\"rfc7489\"" };
	struct col c, first;
	struct dw_error e;
	const char *r0, *r;
	size_t i;

	(void)state;
	col_init(&first);
	assert_int_equal(parse_all_ways(docs[0], strlen(docs[0]), &first,
	    &e), DW_OK);
	r0 = strchr(buf_str(&first.out), '\n');
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		assert_int_equal(parse_all_ways(docs[i], strlen(docs[i]), &c,
		    &e), DW_OK);
		assert_non_null(strstr(buf_str(&c.out), schema[i]));
		r = strchr(buf_str(&c.out), '\n');
		assert_non_null(r);
		assert_string_equal(r, r0);
		/* the report line too, from "version" on */
		assert_string_equal(strstr(buf_str(&c.out), "\"version\""),
		    strstr(buf_str(&first.out), "\"version\""));
		buf_fini(&c.out);
	}
	buf_fini(&first.out);
}

/* A9: unknown, repeated and missing elements. */
static void
test_structure(void **state)
{
	static const struct tcase t[] = {
		{ "unknown ignored", "<feedback><report_metadata><org_name>"
		    "Org</org_name><email>a@example.net</email><report_id>r1"
		    "</report_id><date_range><begin>1000</begin><end>2000"
		    "</end><unknown-tag1><begin>5</begin></unknown-tag1>"
		    "</date_range></report_metadata>" POL
		    REC("192.0.2.1", "1") "<unknown/></feedback>", DW_OK,
		    "\"begin\":1000" },
		{ "two policy_published", DOC(POL REC("192.0.2.1", "1")),
		    DW_ESYNTAX, "repeated <policy_published>" },
		{ "two report_metadata", DOC(META), DW_ESYNTAX,
		    "repeated <report_metadata>" },
		{ "two org_name", "<feedback><report_metadata><org_name>a"
		    "</org_name><org_name>b</org_name></report_metadata>"
		    "</feedback>", DW_ESYNTAX, "repeated <org_name>" },
		{ "two counts", DOC("<record><row><source_ip>192.0.2.1"
		    "</source_ip><count>1</count><count>2</count></row>"
		    "</record>"), DW_ESYNTAX, "record 1: repeated <count>" },
		{ "two results", DOC("<record>" ROWX("192.0.2.1", "1", PE)
		    "<auth_results><dkim><domain>a.example</domain><result>"
		    "pass</result><result>fail</result></dkim></auth_results>"
		    "</record>"), DW_ESYNTAX, "repeated <result>" },
		{ "record without row", DOC(REC("192.0.2.1", "1")
		    "<record><identifiers/></record>"), DW_ESYNTAX,
		    "record 2: missing <row>" },
		{ "no source_ip", DOC("<record><row><count>1</count></row>"
		    "</record>"), DW_ESYNTAX, "missing <source_ip>" },
		{ "no count", DOC("<record><row><source_ip>192.0.2.1"
		    "</source_ip></row></record>"), DW_ESYNTAX,
		    "missing <count>" },
		{ "no report_id", "<feedback><report_metadata><org_name>a"
		    "</org_name><date_range><begin>1</begin><end>2</end>"
		    "</date_range></report_metadata></feedback>", DW_ESYNTAX,
		    "report_metadata: missing <report_id>" },
		{ "no org_name", "<feedback><report_metadata><report_id>a"
		    "</report_id><date_range><begin>1</begin><end>2</end>"
		    "</date_range></report_metadata></feedback>", DW_ESYNTAX,
		    "missing <org_name>" },
		{ "no date_range", "<feedback><report_metadata><org_name/>"
		    "<report_id>a</report_id></report_metadata></feedback>",
		    DW_ESYNTAX, "missing <date_range>" },
		{ "no end", "<feedback><report_metadata><org_name/>"
		    "<report_id>a</report_id><date_range><begin>1</begin>"
		    "</date_range></report_metadata></feedback>", DW_ESYNTAX,
		    "date_range: missing <end>" },
		{ "no policy domain", "<feedback>" META "<policy_published>"
		    "<p>none</p></policy_published></feedback>", DW_ESYNTAX,
		    "policy_published: missing <domain>" },
		{ "no policy", "<feedback>" META "</feedback>", DW_ESYNTAX,
		    "missing <policy_published>" },
		{ "empty org_name", "<feedback><report_metadata><org_name/>"
		    "<report_id>a</report_id><date_range><begin>1</begin>"
		    "<end>2</end></date_range></report_metadata>" POL
		    "</feedback>", DW_OK, "\"org_name\":\"\"" },
		{ "no policy_evaluated", DOC("<record><row><source_ip>"
		    "192.0.2.1</source_ip><count>1</count></row></record>"),
		    DW_OK, "\"disposition\":null,\"dkim\":null,\"spf\":null,"
		    "\"reasons\":[],\"header_from\":null" },
		{ "records before the header", "<feedback>"
		    REC("192.0.2.1", "1") META REC("192.0.2.2", "2") POL
		    REC("192.0.2.3", "3") "</feedback>", DW_OK,
		    "\"repairs\":null}\n{\"source_ip\":\"192.0.2.1\"" },
		{ "order kept", "<feedback>" REC("192.0.2.1", "1") META POL
		    REC("192.0.2.2", "2") "</feedback>", DW_OK,
		    "192.0.2.1\",\"count\":1,\"disposition\":\"none\","
		    "\"dkim\":\"pass\",\"spf\":\"pass\",\"reasons\":[],"
		    "\"header_from\":\"example.com\",\"envelope_from\":null,"
		    "\"envelope_to\":null,\"auth\":[],\"invalid\":[]}\n"
		    "{\"source_ip\":\"192.0.2.2\"" },
		{ "dkim before spf", DOC("<record>" ROWX("192.0.2.1", "1", PE)
		    "<auth_results><spf><domain>s1.example</domain><result>"
		    "Pass</result></spf><dkim><domain>d1.example</domain>"
		    "<result>FAIL</result></dkim><spf><domain>s2.example"
		    "</domain><scope>MFROM</scope><result>softfail</result>"
		    "</spf><dkim><domain>d2.example</domain><selector>Sel"
		    "</selector><result>pass</result><human_result>ok"
		    "</human_result></dkim></auth_results></record>"), DW_OK,
		    "\"auth\":[{\"kind\":\"dkim\",\"domain\":\"d1.example\","
		    "\"selector\":null,\"result\":\"fail\",\"human_result\":"
		    "null},{\"kind\":\"dkim\",\"domain\":\"d2.example\","
		    "\"selector\":\"Sel\",\"result\":\"pass\",\"human_result\":"
		    "\"ok\"},{\"kind\":\"spf\",\"domain\":\"s1.example\","
		    "\"scope\":null,\"result\":\"pass\",\"human_result\":null},"
		    "{\"kind\":\"spf\",\"domain\":\"s2.example\",\"scope\":"
		    "\"mfrom\",\"result\":\"softfail\"" },
		{ "reasons", DOC("<record>" ROWX("192.0.2.1", "1",
		    "<policy_evaluated><disposition>None</disposition><dkim>"
		    "FAIL</dkim><spf>fail</spf><reason><type>Forwarded</type>"
		    "</reason><reason><type>local_policy</type><comment> a "
		    "\"b\"\\ </comment></reason></policy_evaluated>") "</record>"),
		    DW_OK, "\"reasons\":[{\"type\":\"forwarded\",\"comment\":"
		    "null},{\"type\":\"local_policy\",\"comment\":"
		    "\"a \\\"b\\\"\\\\\"}]" },
		{ "stray text and spaces", "\xef\xbb\xbf<feedback>junk"
		    "<report_metadata>\n <org_name>\n Org \t</org_name>more"
		    "<email>a@example.net</email><report_id> r1 </report_id>"
		    "<date_range><begin> 1000\n</begin><end>2000</end>"
		    "</date_range></report_metadata>" POL "<record>"
		    ROWX(" 192.0.2.1 ", " 1 ", "<policy_evaluated>"
		    "<disposition> QUARANTINE </disposition></policy_evaluated>")
		    "</record></feedback>", DW_OK, "\"org_name\":\"Org\"" },
		{ "unknown enum kept", DOC("<record>" ROWX("192.0.2.1", "1",
		    "<policy_evaluated><disposition>Discarded</disposition>"
		    "</policy_evaluated>") "</record>"), DW_OK,
		    "\"disposition\":\"discarded\"" },
		{ "rfc9990 fields", "<feedback xmlns=\"urn:ietf:params:xml:"
		    "ns:dmarc-2.0\"><version>1.0</version><report_metadata>"
		    "<org_name>O</org_name><report_id>r</report_id>"
		    "<date_range><begin>1</begin><end>2</end></date_range>"
		    "<generator>Gen 1</generator><error>e1</error><error>e2"
		    "</error></report_metadata><policy_published><domain>"
		    "Example.COM.</domain><p>Reject</p><sp>none</sp><np>"
		    "quarantine</np><testing>Y</testing><discovery_method>"
		    "PSL</discovery_method><fo>1:d</fo></policy_published>"
		    "</feedback>", DW_OK, "\"generator\":\"Gen 1\",\"begin\":1,"
		    "\"end\":2,\"errors\":[\"e1\",\"e2\"],\"policy\":{\"domain\":"
		    "\"example.com\",\"adkim\":null,\"aspf\":null,\"p\":"
		    "\"reject\",\"sp\":\"none\",\"np\":\"quarantine\",\"pct\":"
		    "null,\"fo\":\"1:d\",\"testing\":\"y\",\"discovery_method\":"
		    "\"psl\"}" },
	};

	(void)state;
	RUN(t);
}

/* A10: encodings and characters. */
static void
test_encodings(void **state)
{
	static const struct tcase t[] = {
		{ "invalid utf-8", DOC("<record>" ROWX("192.0.2.1", "1", PE)
		    "<identifiers><header_from>a\xff</header_from>"
		    "</identifiers></record>"), DW_ESYNTAX, "invalid token" },
		{ "overlong", "<feedback><report_metadata><org_name>\xc0\xaf"
		    "</org_name></report_metadata></feedback>", DW_ESYNTAX,
		    "invalid token" },
		{ "surrogate bytes", "<feedback><x>\xed\xa0\x80</x>"
		    "</feedback>", DW_ESYNTAX, "invalid token" },
		{ "nul ref", "<feedback><x>&#0;</x></feedback>", DW_ESYNTAX,
		    "reference to invalid character number" },
		{ "fffe ref", "<feedback><x>&#xFFFE;</x></feedback>",
		    DW_ESYNTAX, "reference to invalid character number" },
		{ "surrogate ref", "<feedback><x>&#xD800;</x></feedback>",
		    DW_ESYNTAX, "reference to invalid character number" },
		{ "latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
		    "<feedback><report_metadata><org_name>Caf\xe9</org_name>"
		    "<report_id>r</report_id><date_range><begin>1</begin><end>"
		    "2</end></date_range></report_metadata>" POL
		    "</feedback>", DW_OK, "\"org_name\":\"Caf\xc3\xa9\"" },
		{ "windows-1252", "<?xml version=\"1.0\" encoding=\"Windows-"
		    "1252\"?><feedback><report_metadata><org_name>\x93q\x94 "
		    "\x80</org_name><report_id>r</report_id><date_range><begin>"
		    "1</begin><end>2</end></date_range></report_metadata>" POL
		    "</feedback>", DW_OK, "\"org_name\":\"\xe2\x80\x9cq\xe2\x80"
		    "\x9d \xe2\x82\xac\"" },
		{ "windows-1252 undefined", "<?xml version=\"1.0\" encoding="
		    "\"windows-1252\"?><feedback><x>\x81</x></feedback>",
		    DW_ESYNTAX, "line 1" },
		{ "unknown encoding", "<?xml version=\"1.0\" encoding="
		    "\"koi8-r\"?><feedback/>", DW_ESYNTAX, "encoding" },
		{ "char refs", "<feedback><report_metadata><org_name>&#x41;"
		    "&amp;&lt;b&gt;&#233;</org_name><report_id>r</report_id>"
		    "<date_range><begin>1</begin><end>2</end></date_range>"
		    "</report_metadata>" POL "</feedback>", DW_OK,
		    "\"org_name\":\"A&<b>\xc3\xa9\"" },
		{ "control char escaped", "<feedback><report_metadata>"
		    "<org_name>a&#x9;b&#x1F600;</org_name><report_id>r"
		    "</report_id><date_range><begin>1</begin><end>2</end>"
		    "</date_range></report_metadata>" POL "</feedback>", DW_OK,
		    "\"org_name\":\"a\\tb\xf0\x9f\x98\x80\"" },
	};

	(void)state;
	RUN(t);
}

/* UTF-16 with a BOM, both byte orders: the same report as UTF-8. */
static void
test_utf16(void **state)
{
	static const char doc[] = DOC1;
	char u16[2 * sizeof(doc) + 2];
	struct col c, ref;
	struct dw_error e;
	size_t i, n = strlen(doc);
	int be;

	(void)state;
	col_init(&ref);
	assert_int_equal(parse(doc, n, 0, &ref, &e, NULL), DW_OK);
	for (be = 0; be < 2; be++) {
		u16[0] = be ? '\xfe' : '\xff';
		u16[1] = be ? '\xff' : '\xfe';
		for (i = 0; i < n; i++) {
			u16[2 + 2 * i + be] = doc[i];
			u16[2 + 2 * i + !be] = '\0';
		}
		assert_int_equal(parse_all_ways(u16, 2 + 2 * n, &c, &e),
		    DW_OK);
		assert_string_equal(buf_str(&c.out), buf_str(&ref.out));
		buf_fini(&c.out);
	}
	buf_fini(&ref.out);
}

/* A11: strict numbers. */
static void
test_numbers(void **state)
{
#define CNT(v)	DOC("<record>" ROWX("192.0.2.1", v, "") "</record>")
#define DR(b, e) "<feedback><report_metadata><org_name/><report_id>r" \
	"</report_id><date_range><begin>" b "</begin><end>" e "</end>" \
	"</date_range></report_metadata>" POL "</feedback>"
#define PCT(v)	"<feedback>" META "<policy_published><domain>example.com" \
	"</domain><pct>" v "</pct></policy_published></feedback>"
	static const struct tcase t[] = {
		{ "count -1", CNT("-1"), DW_ESYNTAX,
		    "record 1: <count> \"-1\" is not a number" },
		{ "count 0", CNT("0"), DW_OK, "\"count\":0," },
		{ "count huge", CNT("99999999999999999999"), DW_ESYNTAX,
		    "<count> \"99999999999999999999\"" },
		{ "count 2^32", CNT("4294967296"), DW_ESYNTAX, "<count>" },
		{ "count max", CNT("4294967295"), DW_OK,
		    "\"count\":4294967295," },
		{ "count 1e6", CNT("1e6"), DW_ESYNTAX, "\"1e6\"" },
		{ "count hex", CNT("0x10"), DW_ESYNTAX, "\"0x10\"" },
		{ "count plus", CNT("+5"), DW_ESYNTAX, "\"+5\"" },
		{ "count spaced", CNT(" 12 "), DW_OK, "\"count\":12," },
		{ "count inner space", CNT("1 2"), DW_ESYNTAX, "\"1 2\"" },
		{ "count empty", CNT(""), DW_ESYNTAX, "<count> \"\"" },
		{ "begin ms", DR("1538204542000", "1538463818000"), DW_ESYNTAX,
		    "<begin> \"1538204542000\" is not a time" },
		{ "begin negative", DR("-5", "10"), DW_ESYNTAX, "<begin>" },
		{ "end max", DR("253402300000", "253402300799"), DW_OK,
		    "\"end\":253402300799" },
		{ "end over", DR("253402300000", "253402300800"), DW_ESYNTAX,
		    "<end> \"253402300800\"" },
		{ "end before begin", DR("2000", "1000"), DW_ESYNTAX,
		    "date_range: end 1000 is before begin 2000" },
		{ "ten years", DR("1000000000", "1315000000"), DW_ESYNTAX,
		    "date_range: end is 3645 days after begin" },
		{ "366 days", DR("0", "31622400"), DW_OK, "\"end\":31622400" },
		{ "pct 101", PCT("101"), DW_ESYNTAX,
		    "<pct> \"101\" is not a number in 0..100" },
		{ "pct -5", PCT("-5"), DW_ESYNTAX, "<pct> \"-5\"" },
		{ "pct 100", PCT("100"), DW_OK, "\"pct\":100," },
	};
#undef CNT
#undef DR
#undef PCT

	(void)state;
	RUN(t);
}

/* Message totals and record counts. */
static void
test_stats(void **state)
{
	static const char doc[] = DOC(REC("192.0.2.1", "4294967295")
	    REC("192.0.2.2", "4294967295") REC("192.0.2.3", "2"));
	struct agg_stats st;
	struct col c;
	struct dw_error e;

	(void)state;
	col_init(&c);
	assert_int_equal(parse(doc, strlen(doc), 5, &c, &e, &st), DW_OK);
	assert_int_equal(st.records, 3);
	assert_true(st.messages == 2 * (uint64_t)UINT32_MAX + 2);
	assert_int_equal(c.nrep, 1);
	assert_int_equal(c.nrec, 3);
	buf_fini(&c.out);
}

/* A sink's error stops the parse with that error. */
static void
test_sink_stops(void **state)
{
	static const char doc[] = DOC(REC("192.0.2.1", "1")
	    REC("192.0.2.2", "1") REC("192.0.2.3", "1"));
	struct col c;
	struct dw_error e;

	(void)state;
	col_init(&c);
	c.stop_at = 2;
	assert_int_equal(parse(doc, strlen(doc), 0, &c, &e, NULL), DW_EINTR);
	assert_int_equal(c.nrec, 2);
	buf_fini(&c.out);
}

/* A13: source_ip. */
static void
test_source_ip(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: rejected */
	} t[] = {
		{ "192.0.2.1", "192.0.2.1" },
		{ "::ffff:192.0.2.1", "192.0.2.1" },
		{ "::FFFF:c000:0201", "192.0.2.1" },
		{ "2001:DB8::1", "2001:db8::1" },
		{ "2001:db8:0:0:0:0:0:1", "2001:db8::1" },
		{ "2001:db8:abcd:0012::1", "2001:db8:abcd:12::1" },
		{ "2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1" },
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "::1", "::1" },
		{ "::", "::" },
		{ " 198.51.100.7\n", "198.51.100.7" },
		{ "fe80::1%eth0", NULL },
		{ "010.001.002.003", NULL },
		{ "1.2.3.04", NULL },
		{ "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
		{ "1.2.3", NULL },
		{ "256.1.1.1", NULL },
		{ "mail.example.com", NULL },
		{ "", NULL },
		{ "1.2.3.4/24", NULL },
		{ "2001:db8::1::2", NULL },
		{ "0x7f.0.0.1", NULL },
		{ "[2001:db8::1]", NULL },
	};
	char doc[1024], want[128];
	struct col c;
	struct dw_error e;
	enum dw_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(doc, sizeof(doc), "%s%s%s", "<feedback>" META POL
		    REC("192.0.2.9", "1") "<record><row><source_ip>", t[i].in,
		    "</source_ip><count>1</count></row></record></feedback>");
		err = parse_all_ways(doc, strlen(doc), &c, &e);
		if (t[i].out == NULL) {
			assert_int_equal(err, DW_ESYNTAX);
			snprintf(want, sizeof(want), "record 2: <source_ip> "
			    "\"%s\" is not an IP address", t[i].in);
			if (strchr(t[i].in, '\n') == NULL &&
			    strstr(e.msg, want) == NULL) {
				print_error("%s: %s\n", t[i].in, e.msg);
				fail();
			}
		} else {
			assert_int_equal(err, DW_OK);
			snprintf(want, sizeof(want), "{\"source_ip\":\"%s\"",
			    t[i].out);
			if (strstr(buf_str(&c.out), want) == NULL) {
				print_error("%s: %s\n", t[i].in,
				    buf_str(&c.out));
				fail();
			}
		}
		buf_fini(&c.out);
	}
}

/* A14: domains. */
static void
test_domains(void **state)
{
#define HF(v)	DOC("<record>" ROWX("192.0.2.1", "1", PE) "<identifiers>" \
	"<header_from>" v "</header_from><envelope_from>Bounce.Example." \
	"</envelope_from></identifiers></record>")
#define PD(v)	"<feedback>" META "<policy_published><domain>" v \
	"</domain></policy_published></feedback>"
#define L10	"abcdefghij"
#define L60	L10 L10 L10 L10 L10 L10
	static const struct tcase t[] = {
		{ "upper, dot", HF("EXAMPLE.COM."), DW_OK,
		    "\"header_from\":\"example.com\",\"envelope_from\":"
		    "\"bounce.example\"" },
		{ "a-label", HF("xn--bcher-kva.example"), DW_OK,
		    "\"header_from\":\"xn--bcher-kva.example\"" },
		{ "u-label", HF("B\xc3\xbc" "cher.example"), DW_OK,
		    "\"header_from\":\"b\xc3\xbc" "cher.example\"" },
		{ "label 63", HF(L60 "abc.example"), DW_OK,
		    "\"invalid\":[]" },
		{ "label 64", HF(L60 "abcd.example"), DW_OK,
		    "\"invalid\":[\"header_from\"]" },
		{ "300 chars", HF(L60 "." L60 "." L60 "." L60 "." L60 ".com"),
		    DW_OK, "\"invalid\":[\"header_from\"]" },
		{ "space kept", HF("Exa mple.com"), DW_OK,
		    "\"header_from\":\"Exa mple.com\",\"envelope_from\":"
		    "\"bounce.example\",\"envelope_to\":null,\"auth\":[],"
		    "\"invalid\":[\"header_from\"]" },
		{ "script", HF("example.com&lt;script&gt;"), DW_OK,
		    "\"header_from\":\"example.com<script>\"" },
		{ "empty", HF(""), DW_OK, "\"header_from\":\"\"," },
		{ "double dot", HF("a..example"), DW_OK,
		    "\"invalid\":[\"header_from\"]" },
		{ "hyphen edge", HF("-a.example"), DW_OK,
		    "\"invalid\":[\"header_from\"]" },
		{ "auth domain", DOC("<record>" ROWX("192.0.2.1", "1", PE)
		    "<auth_results><spf><domain>user@Example.com</domain>"
		    "<result>pass</result></spf></auth_results></record>"),
		    DW_OK, "\"domain\":\"user@Example.com\"" },
		{ "auth domain flagged", DOC("<record>" ROWX("192.0.2.1", "1",
		    PE) "<auth_results><spf><domain>user@Example.com</domain>"
		    "<result>pass</result></spf></auth_results></record>"),
		    DW_OK, "\"invalid\":[\"auth_domain\"]" },
		{ "policy domain upper", PD(" Example.ORG. "), DW_OK,
		    "\"domain\":\"example.org\"" },
		{ "policy domain bad", PD("exa mple.com"), DW_ESYNTAX,
		    "policy_published: <domain> \"exa mple.com\" is not a "
		    "domain name" },
		{ "policy domain empty", PD(""), DW_ESYNTAX,
		    "<domain> \"\" is not" },
		{ "policy domain long label", PD(L60 "abcd.example"),
		    DW_ESYNTAX, "is not a domain name" },
		{ "policy domain dot", PD("."), DW_ESYNTAX, "not a domain" },
	};
#undef HF
#undef PD

	(void)state;
	RUN(t);
}

/* Builds "<feedback>..." with pre, n copies of rep, post. */
static void
build(struct buf *b, const char *pre, const char *rep, size_t n,
    const char *post)
{
	size_t i;

	buf_init(b, (size_t)128 << 20);
	assert_int_equal(buf_puts(b, pre), DW_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_puts(b, rep), DW_OK);
	assert_int_equal(buf_puts(b, post), DW_OK);
}

static void
expect(const struct buf *b, size_t chunk, enum dw_err want, const char *msg)
{
	struct col c;
	struct dw_error e;
	enum dw_err err;

	col_init(&c);
	err = parse(b->data, b->len, chunk, &c, &e, NULL);
	if (err != want || (msg != NULL && strstr(e.msg, msg) == NULL)) {
		print_error("got %d \"%s\", want %d \"%s\"\n", err, e.msg,
		    want, msg);
		fail();
	}
	buf_fini(&c.out);
}

/* A1, A12: field sizes and counts, each a named limit. */
static void
test_limits(void **state)
{
	static const char meta_pre[] = "<feedback><report_metadata>"
	    "<org_name>";
	static const char rec_pre[] = "<feedback>" META POL "<record>"
	    ROWX("192.0.2.1", "1", PE) "<auth_results>";
	struct buf b;
	char fill[AGG_MAX_TEXT / 4 + 1];
	size_t chunk[] = { 0, 65536, 1000 }, i;

	(void)state;
	memset(fill, 'x', sizeof(fill) - 1);
	fill[sizeof(fill) - 1] = '\0';
	/* exactly the limit is fine, one more byte is not */
	build(&b, meta_pre, fill, 4, "</org_name><report_id>r</report_id>"
	    "<date_range><begin>1</begin><end>2</end></date_range>"
	    "</report_metadata>" POL "</feedback>");
	expect(&b, 0, DW_OK, NULL);
	buf_fini(&b);
	build(&b, meta_pre, fill, 4, "y</org_name></report_metadata>"
	    "</feedback>");
	expect(&b, 0, DW_ELIMIT, "<org_name> text over 65536 bytes "
	    "(AGG_MAX_TEXT)");
	buf_fini(&b);
	for (i = 0; i < 3; i++) {
		build(&b, meta_pre, "0123456789", 1000000, "</org_name>");
		expect(&b, chunk[i], DW_ELIMIT, "AGG_MAX_TEXT");
		buf_fini(&b);
	}
	build(&b, "<feedback><report_metadata><report_id>", "&amp;",
	    200000, "</report_id>");
	expect(&b, 4096, DW_ELIMIT, "<report_id> text over");
	buf_fini(&b);
	build(&b, "<feedback a=\"", "0123456789", 10000, "\"/>");
	expect(&b, 0, DW_ELIMIT, "attribute value over");
	buf_fini(&b);
	build(&b, "<feedback><!--", "0123456789", 1000000, "-->");
	expect(&b, 65536, DW_ELIMIT, "markup token over");
	buf_fini(&b);
	build(&b, rec_pre, "<dkim><domain>a.example</domain><result>pass"
	    "</result></dkim>", 60, "");
	assert_int_equal(buf_puts(&b, "<spf><result>pass</result></spf>"
	    "</auth_results></record></feedback>"), DW_OK);
	expect(&b, 0, DW_OK, NULL);
	buf_fini(&b);
	build(&b, rec_pre, "<spf><domain>a.example</domain></spf>", 101,
	    "</auth_results></record></feedback>");
	expect(&b, 0, DW_ELIMIT, "record 1: more than 100 auth results "
	    "(AGG_MAX_AUTH)");
	buf_fini(&b);
	build(&b, "<feedback>" META POL "<record><row><policy_evaluated>",
	    "<reason><type>other</type></reason>", 101, "");
	expect(&b, 0, DW_ELIMIT, "AGG_MAX_REASONS");
	buf_fini(&b);
	build(&b, "<feedback><report_metadata>", "<error>e</error>", 101,
	    "");
	expect(&b, 0, DW_ELIMIT, "more than 100 <error> elements "
	    "(AGG_MAX_ERRORS)");
	buf_fini(&b);
}

/* Records held before the header are bounded too. */
static void
test_hold_limit(void **state)
{
	struct buf b;
	char rec[65536];

	(void)state;
	snprintf(rec, sizeof(rec), "<record><row><source_ip>192.0.2.1"
	    "</source_ip><count>1</count></row><auth_results><dkim>"
	    "<human_result>%0*d</human_result></dkim></auth_results>"
	    "</record>", 60000, 0);
	build(&b, "<feedback>", rec, 1200, "</feedback>");
	expect(&b, 65536, DW_ELIMIT, "records before <policy_published>");
	buf_fini(&b);
}

/* Many records parse with flat memory; counts add up. */
static void
test_many_records(void **state)
{
	struct buf b;
	struct col c;
	struct dw_error e;
	struct agg_stats st;
	size_t n = 20000;

	(void)state;
	build(&b, "<feedback>" META POL, REC("2001:db8::7", "3"), n,
	    "</feedback>");
	col_init(&c);
	assert_int_equal(parse(b.data, b.len, 4000, &c, &e, &st), DW_OK);
	assert_int_equal(st.records, n);
	assert_int_equal(st.messages, 3 * n);
	buf_fini(&c.out);
	buf_fini(&b);
}

/* agg_repair(): what it fixes and what it leaves alone. */
static void
test_repair(void **state)
{
	static const struct {
		const char	*doc;
		const char	*note;	/* NULL: no repair */
		const char	*want;	/* in the repaired document */
	} t[] = {
		{ "<feedback><report_metadata><org_name>a</org_name><email>"
		    "<bad@example.net></email><report_id>x<y</report_id>",
		    "escaped 2 stray '<' in element text",
		    "<email>&lt;bad@example.net></email><report_id>x&lt;y"
		    "</report_id>" },
		{ "<feedback><a>caf\xe9 \x93q\x94</a><b>\xc3\xa9</b></feedback>",
		    "transcoded 3 non-UTF-8 bytes as Windows-1252",
		    "<a>caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d</a><b>\xc3\xa9</b>" },
		{ "<?xml version=\"1.0\"?> <xs:schema xmlns:xs=\"urn:x\" "
		    "a=\"b\">\n<feedback><x/></feedback>",
		    "removed unclosed <xs:schema> wrapper",
		    "<?xml version=\"1.0\"?> \n<feedback><x/></feedback>" },
		{ "<feedback><report_metadata><org_name>x", NULL, NULL },
		{ "<feedback><a></b></feedback>", NULL, NULL },
		{ "<feedback><a>x</a></feedback><junk/>", NULL, NULL },
		{ "<feedback><a>\x81</a></feedback>", NULL, NULL },
		{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><feedback>"
		    "<a>\xe9</b></feedback>", NULL, NULL },
		{ "<feedback><a b=\"<\"/></feedback>", NULL, NULL },
		{ "<feedback><!-- a < b --><![CDATA[ < ]]><?pi < ?></feedback>",
		    NULL, NULL },
		{ "<wrap><feedback/></wrap>", NULL, NULL },
		{ "", NULL, NULL },
	};
	struct buf out;
	char note[256];
	enum dw_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_init(&out, AGG_REPAIR_MAX * 2);
		err = agg_repair(t[i].doc, strlen(t[i].doc), &out, note,
		    sizeof(note));
		if (t[i].note == NULL) {
			assert_int_equal(err, DW_ENOTFOUND);
		} else {
			assert_int_equal(err, DW_OK);
			assert_string_equal(note, t[i].note);
			assert_non_null(strstr(buf_str(&out), t[i].want));
		}
		buf_fini(&out);
	}
}

/* A repaired stray '<' document then parses. */
static void
test_repair_then_parse(void **state)
{
	static const char doc[] = "<feedback>" META POL "<record>"
	    ROWX("192.0.2.1", "1", PE) "<identifiers><header_from>bad<xml."
	    "example</header_from></identifiers></record></feedback>";
	struct buf out;
	struct col c;
	struct dw_error e;
	char note[8];

	(void)state;
	col_init(&c);
	assert_int_equal(parse(doc, strlen(doc), 0, &c, &e, NULL),
	    DW_ESYNTAX);
	buf_fini(&c.out);
	buf_init(&out, AGG_REPAIR_MAX * 2);
	/* a short note buffer is cut, never overrun */
	assert_int_equal(agg_repair(doc, strlen(doc), &out, note,
	    sizeof(note)), DW_OK);
	assert_string_equal(note, "escaped");
	assert_int_equal(parse_all_ways(out.data, out.len, &c, &e), DW_OK);
	assert_non_null(strstr(buf_str(&c.out), "\"header_from\":\"bad<xml."
	    "example\""));
	assert_non_null(strstr(buf_str(&c.out), "\"invalid\":"
	    "[\"header_from\"]"));
	buf_fini(&c.out);
	buf_fini(&out);
}

static void
test_json_escape(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(agg_json_str(&b, "a\"b\\c\n\x01\x7f/\xc3\xa9"),
	    DW_OK);
	assert_string_equal(buf_str(&b),
	    "\"a\\\"b\\\\c\\n\\u0001\\u007f/\xc3\xa9\"");
	buf_reset(&b);
	assert_int_equal(agg_json_str(&b, NULL), DW_OK);
	assert_string_equal(buf_str(&b), "null");
	buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_sink_stops),
		cmocka_unit_test(test_source_ip),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hold_limit),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_repair),
		cmocka_unit_test(test_repair_then_parse),
		cmocka_unit_test(test_json_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
