# postfix.sh: a private Postfix instance on 127.0.0.1 for the shell tests
# that probe STARTTLS.  Source it after tap.sh, needpkg.sh and testca.sh.
# Its main.cf, master.cf and queue live under $T/postfix; it accepts no
# mail, logs to $T/postfix.log, and any system Postfix is left alone.
#   postfix_init CERT           main.cf: STARTTLS with $T/ca/CERT.pem;
#                               TLS 1.0 and weak ciphers are there for a
#                               listener that asks for them
#   postfix_listen PORT [-o NAME=VALUE]...
#                               adds an smtpd listener on 127.0.0.1:PORT
#   postfix_cert CERT           prints the -o options of another
#                               certificate, for postfix_listen
#   postfix_start               starts it and waits for the last port
#                               added; non-zero (the reason in
#                               $POSTFIX_WHY) when it does not listen
#   postfix_stop                stops it (call it from the exit trap)
#   smtp_fake_start             starts tests/lib/smtp_fake.py (servers
#                               that misbehave); non-zero without python3
#   smtp_fake_port NAME         the port of one of its behaviours
#   smtp_fake_stop              stops it (call it from the exit trap)
POSTFIX_PID=
POSTFIX_WHY=
_pf_last=

postfix_init() {
	_pf=$T/postfix
	# Postfix daemons run as the postfix user inside the queue directory.
	chmod 711 "$T"
	mkdir -p "$_pf/queue" "$_pf/data"
	chown postfix "$_pf/data"
	cat > "$_pf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $_pf/queue
data_directory = $_pf/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = /dev/stdout
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.good.test
mydomain = good.test
myorigin = good.test
mydestination =
relay_domains =
alias_maps =
alias_database =
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
smtpd_tls_security_level = may
smtpd_tls_cert_file = $T/ca/$1.pem
smtpd_tls_key_file = $T/ca/$1.key
smtpd_tls_loglevel = 1
tls_low_cipherlist = ALL:@SECLEVEL=0
CONF
	cat > "$_pf/master.cf" <<CONF
tlsmgr unix - - n 1000? 1 tlsmgr
anvil unix - - n - 1 anvil
cleanup unix n - n - 0 cleanup
rewrite unix - - n - - trivial-rewrite
proxymap unix - - n - - proxymap
postlog unix-dgram n - n - 1 postlogd
CONF
}

postfix_listen() {
	_pf_port=$1
	shift
	echo "127.0.0.1:$_pf_port inet n - n - - smtpd $*" \
	    >> "$T/postfix/master.cf"
	_pf_last=$_pf_port
}

postfix_cert() {
	echo "-o smtpd_tls_cert_file=$T/ca/$1.pem" \
	    "-o smtpd_tls_key_file=$T/ca/$1.key"
}

postfix_start() {
	postfix -c "$T/postfix" check > "$T/postfix-check.out" 2>&1
	/usr/lib/postfix/sbin/master -c "$T/postfix" -d \
	    > "$T/postfix.log" 2>&1 &
	POSTFIX_PID=$!
	if ! wait_listen "$_pf_last" "$POSTFIX_PID"; then
		POSTFIX_WHY="postfix did not start: $(tail -n 3 \
		    "$T/postfix.log" "$T/postfix-check.out" | tr '\n' ' ')"
		postfix_stop
		return 1
	fi
	return 0
}

postfix_stop() {
	stop_bg "$POSTFIX_PID"
	POSTFIX_PID=
}

SMTP_FAKE_PID=

smtp_fake_start() {
	_sf_py=$(command -v python3) || return 1
	"$_sf_py" tests/lib/smtp_fake.py "$T/fake.ports" > "$T/fake.log" 2>&1 &
	SMTP_FAKE_PID=$!
}

smtp_fake_port() {
	_sf_i=0
	while [ $_sf_i -lt 50 ] && [ ! -f "$T/fake.ports" ]; do
		sleep 0.1
		_sf_i=$((_sf_i + 1))
	done
	awk -v n="$1" '$1 == n { print $2 }' "$T/fake.ports"
}

smtp_fake_stop() {
	stop_bg "$SMTP_FAKE_PID"
	SMTP_FAKE_PID=
}
