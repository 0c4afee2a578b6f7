#!/usr/bin/env bash
# A minimal stdio MCP server for the pool's fault tests: cheap to start (no Node), answers
# initialize, tools/list (one tool, "noop"), tools/call and ping. It first starts a long-sleeping
# grandchild named "<marker>-grandchild" ($1), so a test can count what a kill would orphan.
# With TINY_PING=silent it never answers a ping (a hung server, for health-check tests).
marker="${1:-tiny-mcp}"
(exec -a "$marker-grandchild" sleep 3600) &
reply() { printf '{"jsonrpc":"2.0","id":%s,"result":%s}\n' "$1" "$2"; }
while IFS= read -r line; do
  case "$line" in
    *'"method"'*) ;;
    *) continue ;; # a response to something we asked (we ask nothing) or a stray line
  esac
  id=$(printf '%s' "$line" | sed -n 's/.*"id":\("[^"]*"\|[0-9][0-9]*\).*/\1/p')
  [ -z "$id" ] && continue # a notification
  case "$line" in
    *'"method":"initialize"'*)
      reply "$id" '{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"tiny","version":"1.0"}}' ;;
    *'"method":"tools/list"'*)
      reply "$id" '{"tools":[{"name":"noop","description":"Does nothing","inputSchema":{"type":"object"}}]}' ;;
    *'"method":"tools/call"'*)
      reply "$id" '{"content":[{"type":"text","text":"ok"}]}' ;;
    *'"method":"ping"'*)
      [ "${TINY_PING:-}" = silent ] || reply "$id" '{}' ;;
    *)
      reply "$id" '{}' ;;
  esac
done
