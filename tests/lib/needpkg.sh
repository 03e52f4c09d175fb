# needpkg.sh: install the Debian package a shell test needs when its
# program is missing.  Source it after tap.sh.
#   need_pkg PROGRAM PACKAGE...
#       returns 0 when PROGRAM is on PATH or in /usr/sbin (installing
#       PACKAGE... with apt-get first when root and apt-get can), else 1.
# Services are never started by the installation: unless the system
# already has a policy-rc.d, one that refuses every start is put in
# place for the duration of apt-get.  Nothing installed is ever removed,
# and an installation that would remove another package (a second MTA,
# say) is refused (--no-remove), so a test never replaces what the
# machine runs.

_need_find() {
	command -v "$1" 2>/dev/null && return 0
	[ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1" && return 0
	return 1
}

need_pkg() {
	_np_prog=$1
	shift
	_need_find "$_np_prog" > /dev/null && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	command -v apt-get > /dev/null 2>&1 || return 1
	_np_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d &&
		    chmod 755 /usr/sbin/policy-rc.d && _np_policy=1
	fi
	# postfix: install the programs, write no system configuration
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections 2>/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends --no-remove "$@" > "$T/apt.log" 2>&1 ||
	    { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	    > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends --no-remove "$@" \
	    > "$T/apt.log" 2>&1; }
	[ -n "$_np_policy" ] && rm -f /usr/sbin/policy-rc.d
	_need_find "$_np_prog" > /dev/null
}

# The path of PROGRAM (after need_pkg succeeded).
need_path() {
	_need_find "$1"
}
