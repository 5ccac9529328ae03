# Sourced by the scripts that install n8n. Started from `npm run …`, a script inherits npm's
# configuration as npm_config_* variables: the project's ignore-scripts=true (a nested
# `npm rebuild` then silently builds nothing) and a machine's own nodedir. Nested npm calls must
# behave the same from any shell, so they start without them.
for var in $(compgen -e); do
  case "${var,,}" in npm_config_*|npm_package_*|npm_lifecycle_*) unset "$var" ;; esac
done
unset var
