#!/bin/sh
# Registers the service's namespace unless it exists, then waits until the cluster serves it; safe to run again,
# and against any frontend of the cluster. docker-compose.yml runs it in the admin-tools image; the topology
# harness (topology/namespace.ts) runs it with the project's Temporal CLI. The search attributes are the
# service's own: the worker and the API register those they write on start.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:=default}" "${RETENTION:=30d}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 1; done
if ! temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  # Another frontend may not see a namespace registered a moment ago: "already exists" is success too.
  if ! out=$(temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION" 2>&1); then
    case "$out" in
      *"already exists"* | *"AlreadyExists"*) ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
fi
# Each frontend learns of a new namespace on its next cache refresh (within about ten seconds).
tries=0
until temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 60 ]; then echo "namespace $NAMESPACE is not served after 60 s" >&2; exit 1; fi
  sleep 1
done
echo "namespace $NAMESPACE ready"
