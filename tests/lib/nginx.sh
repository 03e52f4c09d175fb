# nginx.sh: a private nginx on 127.0.0.1 for the shell tests that fetch
# an MTA-STS policy over HTTPS.  Source it after tap.sh, needpkg.sh and
# testca.sh; its configuration, pid file and logs live under $T and any
# system nginx is left alone.
#   NGINX_PORT                  the port every virtual host listens on
#   nginx_site HOST CERT BODY [DIRECTIVES]
#                               prints a virtual host for HOST with
#                               $T/ca/CERT.pem whose
#                               /.well-known/mta-sts.txt location holds
#                               BODY; DIRECTIVES go into the server block
#   nginx_start SITES           starts nginx with the virtual hosts in
#                               the file SITES and waits until it listens;
#                               non-zero (the reason in $NGINX_WHY) when
#                               it does not
#   nginx_stop                  stops it (call it from the exit trap)
# The echo module (libnginx-mod-http-echo) is loaded when installed:
# NGINX_ECHO is 1 then.
NGINX_PORT=$((26000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 2000))
NGINX_ECHO_MOD=/usr/lib/nginx/modules/ngx_http_echo_module.so
NGINX_ECHO=0
[ -f "$NGINX_ECHO_MOD" ] && NGINX_ECHO=1
NGINX_PID=
NGINX_WHY=

nginx_site() {
	cat <<EOF
  server {
    listen 127.0.0.1:$NGINX_PORT ssl;
    server_name $1;
    ssl_certificate $T/ca/$2.pem;
    ssl_certificate_key $T/ca/$2.key;
    ${4:-}
    location = /.well-known/mta-sts.txt { $3 }
  }
EOF
}

nginx_start() {
	_ng_bin=$(need_path nginx)
	# workers run as nobody: they must reach the files under $T
	chmod 711 "$T"
	mkdir -p "$T/ngtmp"
	{
		[ "$NGINX_ECHO" = 1 ] && echo "load_module $NGINX_ECHO_MOD;"
		cat <<EOF
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
daemon off;
events { worker_connections 64; }
http {
  access_log $T/access.log;
  client_body_temp_path $T/ngtmp/body;
  proxy_temp_path $T/ngtmp/proxy;
  fastcgi_temp_path $T/ngtmp/fastcgi;
  uwsgi_temp_path $T/ngtmp/uwsgi;
  scgi_temp_path $T/ngtmp/scgi;
  types { text/plain txt; text/html html; }
  default_type application/octet-stream;
EOF
		cat "$1"
		echo "}"
	} > "$T/nginx.conf"
	"$_ng_bin" -e "$T/nginx-error.log" -c "$T/nginx.conf" \
	    > "$T/nginx.out" 2>&1 &
	NGINX_PID=$!
	if ! wait_listen "$NGINX_PORT" "$NGINX_PID" ||
	    ! kill -0 "$NGINX_PID" 2>/dev/null; then
		NGINX_WHY="nginx did not start: $(tail -n 3 "$T/nginx.out" \
		    "$T/nginx-error.log" 2>/dev/null | tr '\n' ' ')"
		nginx_stop
		return 1
	fi
	return 0
}

nginx_stop() {
	stop_bg "$NGINX_PID"
	NGINX_PID=
}
