# testca.sh: a throwaway certificate authority for the loopback TLS
# servers of the shell tests.  Source it after tap.sh; everything lives
# under $T/ca and goes with $T.
#   testca_init                 the CA: $T/ca/ca.pem (trust this) and key
#   testca_cert NAME DNSNAMES [START END]
#                               $T/ca/NAME.pem and NAME.key, signed by the
#                               CA, for DNSNAMES (comma-separated, the
#                               first is the CN); START/END as
#                               YYYYMMDDHHMMSSZ (default: valid from now
#                               for 30 days)
#   testca_selfsigned NAME DNSNAME
#                               a certificate no CA vouches for
# Keys are EC P-256 (quick to make) unless TESTCA_KEY is "rsa:BITS".
# Each returns non-zero (with openssl's words in $T/ca/log) on failure.

testca_init() {
	mkdir -p "$T/ca/new" || return 1
	: > "$T/ca/index.txt"
	echo 1000 > "$T/ca/serial"
	cat > "$T/ca/ca.cnf" <<CAEOF
[ca]
default_ca = dw
[dw]
database = $T/ca/index.txt
new_certs_dir = $T/ca/new
serial = $T/ca/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
CAEOF
	openssl req -x509 $(_testca_key) -nodes -days 30 \
	    -subj /CN=dmarcward-test-ca -keyout "$T/ca/ca.key" \
	    -out "$T/ca/ca.pem" -addext basicConstraints=critical,CA:true \
	    -addext keyUsage=critical,keyCertSign,cRLSign \
	    > "$T/ca/log" 2>&1
}

_testca_key() {
	case "${TESTCA_KEY:-ec}" in
	rsa:*)	echo "-newkey $TESTCA_KEY" ;;
	*)	echo "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1" ;;
	esac
}

testca_cert() {
	_tc_dates=""
	if [ $# -ge 4 ]; then
		_tc_dates="-startdate $3 -enddate $4"
	else
		_tc_dates="-days 30"
	fi
	printf 'subjectAltName=DNS:%s\n' "$(echo "$2" | sed 's/,/,DNS:/g')" \
	    > "$T/ca/$1.ext"
	# shellcheck disable=SC2046
	openssl req $(_testca_key) -nodes -subj "/CN=${2%%,*}" \
	    -keyout "$T/ca/$1.key" -out "$T/ca/$1.csr" >> "$T/ca/log" 2>&1 &&
	# shellcheck disable=SC2086
	openssl ca -batch -notext -config "$T/ca/ca.cnf" \
	    -cert "$T/ca/ca.pem" -keyfile "$T/ca/ca.key" $_tc_dates \
	    -extfile "$T/ca/$1.ext" -in "$T/ca/$1.csr" \
	    -out "$T/ca/$1.pem" >> "$T/ca/log" 2>&1
}

testca_selfsigned() {
	# shellcheck disable=SC2046
	openssl req -x509 $(_testca_key) -nodes -days 30 -subj "/CN=$2" \
	    -addext "subjectAltName=DNS:$2" -keyout "$T/ca/$1.key" \
	    -out "$T/ca/$1.pem" >> "$T/ca/log" 2>&1
}
