#!/bin/sh
# A tiny stand-in for a game server, for the demo and the tests: it prints a banner and
# answers console commands read from standard input.
#   status | list | say TEXT | save | quit
echo "demo server ${HOSTNAME:-demo} listening on port ${SERVER_PORT:-0} (user $(id -un))"
echo "map ${DEFAULT_MAP:-de_dust2}, up to ${MAXPLAYERS:-8} players"
while IFS= read -r line; do
    case $line in
        status) echo "status: map ${DEFAULT_MAP:-de_dust2}, 2/${MAXPLAYERS:-8} players" ;;
        list) echo "players: alice bob" ;;
        "say "*) echo "[chat] server: ${line#say }" ;;
        save) echo "world saved" ;;
        quit) echo "saving world... done"; echo "bye"; exit 0 ;;
        "") ;;
        *) echo "unknown command: $line" ;;
    esac
done
