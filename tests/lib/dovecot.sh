# dovecot.sh: a private dovecot IMAP server on loopback for the tests.
# Source it after tap.sh ($T is the test's scratch directory), then:
#   dovecot_start      starts it; sets IMAP_URL (imaps://127.0.0.1:PORT),
#                      IMAP_USER, IMAP_PASSFILE (a file holding the
#                      password), IMAP_CA (the test CA) and IMAP_MAILDIR
#                      (the user's Maildir); returns 1 when dovecot is
#                      missing (the caller skips)
#   dovecot_deliver F  puts message file F into the INBOX
#   dovecot_count BOX  messages in BOX (INBOX or a folder)
#   dovecot_stop       stops it (also done by dovecot_cleanup)
# Everything lives under $T: config, certificates, mail, sockets, logs.
# It runs as the calling user; any system dovecot is left alone.

DOVECOT=$(command -v dovecot || echo /usr/sbin/dovecot)

dovecot_start() {
	[ -x "$DOVECOT" ] || return 1
	command -v openssl >/dev/null || return 1
	D="$T/dovecot"
	mkdir -p "$D/run" "$D/mail" "$D/tls"
	# A CA and a server certificate for 127.0.0.1 / localhost.
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test CA" \
	    -keyout "$D/tls/ca.key" -out "$D/tls/ca.pem" >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	    -keyout "$D/tls/server.key" -out "$D/tls/server.csr" \
	    >/dev/null 2>&1 &&
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' \
	    > "$D/tls/ext" &&
	openssl x509 -req -in "$D/tls/server.csr" -CA "$D/tls/ca.pem" \
	    -CAkey "$D/tls/ca.key" -CAcreateserial -days 2 \
	    -extfile "$D/tls/ext" -out "$D/tls/server.pem" >/dev/null 2>&1 ||
	    return 1
	IMAP_PORT=$((12000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 4000))
	IMAP_USER=reports
	IMAP_PASSWORD=imap-test-secret
	uid=$(id -u)
	gid=$(id -g)
	# Its login and internal processes may not run as root.
	if [ "$uid" -eq 0 ]; then
		iuser=dovecot igroup=dovecot luser=dovenull
		uid=$(id -u dovecot) gid=$(id -g dovecot)
		chmod 755 "$T" "$D"
	else
		iuser=$(id -un) igroup=$(id -gn) luser=$(id -un)
	fi
	printf '%s:{PLAIN}%s:%s:%s::%s/mail/%s\n' "$IMAP_USER" \
	    "$IMAP_PASSWORD" "$uid" "$gid" "$D" "$IMAP_USER" > "$D/passwd"
	chmod 644 "$D/passwd"
	cat > "$D/dovecot.conf" <<EOC
protocols = imap
listen = 127.0.0.1
base_dir = $D/run
state_dir = $D/run
instance_name = dwtest-$IMAP_PORT
default_internal_user = $iuser
default_internal_group = $igroup
default_login_user = $luser
first_valid_uid = 0
first_valid_gid = 0
log_path = $D/dovecot.log
ssl = required
ssl_cert = <$D/tls/server.pem
ssl_key = <$D/tls/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:~/Maildir
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $D/oauth2.conf
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN $D/passwd
}
userdb {
  driver = passwd-file
  args = $D/passwd
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAP_PORT
    ssl = yes
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service auth {
  unix_listener auth-userdb {
    mode = 0666
  }
}
EOC
	# OAuth2 tokens: JWTs signed with HS256, checked by dovecot itself.
	mkdir -p "$D/keys/default/HS256"
	OAUTH_KEY=dwtest-oauth-key-0123456789abcdef
	printf '%s' "$OAUTH_KEY" | base64 -w0 > "$D/keys/default/HS256/default"
	chmod -R a+rX "$D/keys"
	cat > "$D/oauth2.conf" <<EOC
introspection_mode = local
local_validation_key_dict = fs:posix:prefix=$D/keys/
username_attribute = sub
username_format = %u
EOC
	chmod 644 "$D/oauth2.conf"
	IMAP_MAILDIR="$D/mail/$IMAP_USER/Maildir"
	mkdir -p "$IMAP_MAILDIR/new" "$IMAP_MAILDIR/cur" "$IMAP_MAILDIR/tmp"
	chown -R "$uid:$gid" "$D/mail"
	IMAP_PASSFILE="$D/password"
	printf '%s\n' "$IMAP_PASSWORD" > "$IMAP_PASSFILE"
	IMAP_CA="$D/tls/ca.pem"
	IMAP_URL="imaps://127.0.0.1:$IMAP_PORT/INBOX"
	"$DOVECOT" -c "$D/dovecot.conf" -F > "$D/dovecot.out" 2>&1 &
	DOVECOT_PID=$!
	i=0
	while [ $i -lt 50 ]; do
		# Written once the listeners are bound.
		if grep -q 'starting up' "$D/dovecot.log" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	cat "$D/dovecot.out" "$D/dovecot.log" >&2 2>/dev/null
	return 1
}

b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

# dovecot_token SUB SECONDS: a JWT for user SUB valid for SECONDS (may be
# negative: already expired).
dovecot_token() {
	now=$(date +%s)
	h=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
	p=$(printf '{"sub":"%s","iat":%d,"nbf":%d,"exp":%d}' "$1" \
	    $((now - 60)) $((now - 60)) $((now + $2)) | b64url)
	sig=$(printf '%s.%s' "$h" "$p" |
	    openssl dgst -sha256 -hmac "$OAUTH_KEY" -binary | b64url)
	printf '%s.%s.%s\n' "$h" "$p" "$sig"
}

DELIVERED=0
dovecot_deliver() {
	DELIVERED=$((DELIVERED + 1))
	cp "$1" "$IMAP_MAILDIR/tmp/dw.$DELIVERED.$$" &&
	chown "$uid:$gid" "$IMAP_MAILDIR/tmp/dw.$DELIVERED.$$" &&
	mv "$IMAP_MAILDIR/tmp/dw.$DELIVERED.$$" \
	    "$IMAP_MAILDIR/new/dw.$DELIVERED.$$.localhost"
}

dovecot_count() {
	if [ "$1" = INBOX ]; then
		dir="$IMAP_MAILDIR"
	else
		dir="$IMAP_MAILDIR/.$1"
	fi
	ls "$dir/new" "$dir/cur" 2>/dev/null | grep -c '^dw\.\|^[0-9]'
}

dovecot_stop() {
	if [ -n "${DOVECOT_PID:-}" ]; then
		kill "$DOVECOT_PID" 2>/dev/null
		wait "$DOVECOT_PID" 2>/dev/null
		DOVECOT_PID=
	fi
}
