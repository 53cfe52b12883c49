#!/bin/sh
# Entrypoint of the Runway launch-agent image: the start-up of CircleCI's circleci/runner:launch-agent, for Runway.
# The environment configures the agent (LAUNCH_AGENT_*, CIRCLECI_RUNNER_*, CIRCLECI_API_TOKEN); arguments are
# passed on to `runway launch-agent` (e.g. --config /etc/opt/runway/launch-agent-config.yaml from a mounted file).
set -eu

has_config_argument() {
  for argument in "$@"; do
    case $argument in --config|--config=*) return 0 ;; esac
  done
  return 1
}

# CIRCLECI_API_TOKEN is an alias of LAUNCH_AGENT_API_AUTH_TOKEN (as in CircleCI's image). Checked here so a container
# without a token stops at once with CircleCI's message instead of retrying. A --config file may hold the token.
if [ -z "${LAUNCH_AGENT_API_AUTH_TOKEN:-}" ] && [ -z "${CIRCLECI_RUNNER_API_AUTH_TOKEN:-}" ] \
    && [ -z "${CIRCLECI_API_TOKEN:-}" ] && ! has_config_argument "$@"; then
  echo "No API token supplied; exiting" >&2
  exit 1
fi

if [ -n "${CIRCLECI_RESOURCE_CLASS:-}" ]; then
  # Accepted for compatibility; the token alone decides the resource class.
  echo "CIRCLECI_RESOURCE_CLASS=$CIRCLECI_RESOURCE_CLASS is informational: the token decides the resource class" >&2
fi

# default NAME ALTERNATIVE VALUE: sets LAUNCH_AGENT_NAME only when neither it nor CIRCLECI_RUNNER_ALTERNATIVE is set,
# so a user's CIRCLECI_RUNNER_* setting is not overridden by an image default.
default() {
  eval "current=\${$1:-}\${$2:-}"
  if [ -z "$current" ]; then
    export "$1=$3"
  fi
}

default LAUNCH_AGENT_RUNNER_NAME CIRCLECI_RUNNER_NAME "$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
default LAUNCH_AGENT_RUNNER_WORK_DIR CIRCLECI_RUNNER_WORK_DIR /var/opt/circleci/workdir
default LAUNCH_AGENT_RUNNER_CLEANUP_WORK_DIR CIRCLECI_RUNNER_CLEANUP_WORK_DIR true
default LAUNCH_AGENT_RUNNER_DISABLE_AUTO_UPDATE CIRCLECI_RUNNER_DISABLE_AUTO_UPDATE true
# PID 1 without systemd: the subreaper launcher adopts daemonised grandchildren of a task and reaps every zombie.
default LAUNCH_AGENT_RUNNER_LAUNCHER CIRCLECI_RUNNER_LAUNCHER subreaper

# exec: the agent becomes PID 1 (bin/runway execs the JVM), so `docker stop`'s SIGTERM reaches it and starts a drain.
exec runway launch-agent "$@"
