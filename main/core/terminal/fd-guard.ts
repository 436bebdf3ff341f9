// Keeps every terminal's child from inheriting the PTY masters of the terminals started before it.
//
// node-pty 1.1 creates each master with forkpty(3) and never marks it close-on-exec, and on Linux its child
// execs without closing inherited descriptors (microsoft/node-pty#657). So the Nth session's process held
// the masters of sessions 1..N-1: it could type into (and read from) their terminals, and it kept them
// alive after a crash of Maestro, so their processes never got the hang-up.
//
// Why a wrapper and not one of the alternatives (measured here, node-pty 1.1 and 1.2.0-beta.15, Linux 6.x):
//  - Node has no fcntl(2), so Maestro cannot set FD_CLOEXEC on the master itself, and re-opening it through
//    /proc/self/fd opens /dev/ptmx afresh, which creates a new, unrelated terminal.
//  - node-pty 1.2.0-beta.15 (the fix's only release, still a beta) closes inherited fds in the child with
//    close_range(2), but its published Linux binary is built without it and falls back to a loop that stops
//    at the first unused fd number above 15. One gap (a closed socket) and every master above it still
//    leaks: a test spawned under beta.15 with fds 23–24 closed inherited the previous master at fd 48.
//  - `/bin/sh` cannot close fds above 9 where it is dash (Debian, Ubuntu), and bash handed the
//    environment rewrites it (SHELLOPTS, BASHOPTS, IFS, OLDPWD, exported functions, and BASH_ENV runs).
// So on Linux the child starts as `bash` with an environment of only node-pty's PWD and TERM (nothing for
// bash to run, import or rewrite),
// closes every descriptor above 2 that /proc/self/fd lists (every one up to the fd limit if /proc is not
// mounted), and replaces itself with `env -i -- NAME=VALUE… program args…`: the program gets exactly the
// environment given, the same pid, session and terminal, and no descriptor but its own terminal.
// macOS needs nothing: node-pty 1.1 starts children there with posix_spawn(POSIX_SPAWN_CLOEXEC_DEFAULT),
// which closes everything but stdio. Elsewhere without bash and env(1) the child is started directly
// (node-pty's old behaviour) and a warning says so once.
import fs from 'node:fs';

/** The program node-pty should start: either the real one or the guard in front of it. */
export interface SpawnTarget {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** Where the guard looks for the open descriptors; the test points it elsewhere to try the fallback. */
export const FD_DIR = '/proc/self/fd';
/** The fallback closes descriptors up to the soft fd limit, but never loops beyond this many. */
const FALLBACK_FD_CAP = 65_536;

// $0 is a label; $1 the env(1) path; $2 the fd directory; $3 the number of NAME=VALUE words that follow,
// then the program and its arguments. Only digits ever reach `eval`.
const GUARD_SCRIPT = `envcmd=$1; fddir=$2; n=$3; shift 3
if [[ -d $fddir ]]; then
  for p in "$fddir"/*; do
    fd=\${p##*/}
    [[ $fd =~ ^[0-9]+$ ]] && (( fd > 2 )) && eval "exec $fd>&-"
  done
else
  max=$(ulimit -n)
  [[ $max =~ ^[0-9]+$ ]] && (( max <= ${FALLBACK_FD_CAP} )) || max=${FALLBACK_FD_CAP}
  for (( fd = 3; fd < max; fd++ )); do eval "exec $fd>&-"; done
fi
exec -c "$envcmd" -i -- "\${@:1:n}" "\${@:n+1}"`;

const BASH_PATHS = ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash', '/run/current-system/sw/bin/bash'];
const ENV_PATHS = ['/usr/bin/env', '/bin/env', '/run/current-system/sw/bin/env'];

interface GuardTools {
  bash: string;
  env: string;
}

let tools: GuardTools | null | undefined;
let warned = false;

function firstExecutable(paths: string[]): string | undefined {
  return paths.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

function findTools(): GuardTools | null {
  if (tools === undefined) {
    const bash = firstExecutable(BASH_PATHS);
    const env = firstExecutable(ENV_PATHS);
    tools = bash && env ? { bash, env } : null;
  }
  return tools;
}

/**
 * What to spawn so that the child holds no descriptor but its own terminal. `env` is the complete
 * environment the program must see (node-pty's own PWD and TERM included). `fdDir` is for tests only.
 */
export function guardedSpawn(
  file: string,
  args: string[],
  env: Record<string, string>,
  platform: NodeJS.Platform = process.platform,
  fdDir: string = FD_DIR,
): SpawnTarget {
  if (platform !== 'linux') return { file, args, env };
  const found = findTools();
  if (!found) {
    if (!warned) {
      warned = true;
      process.emitWarning(
        'bash or env(1) not found: terminal sessions start without closing inherited descriptors, so a ' +
          "session's process can reach the terminals of sessions started before it",
      );
    }
    return { file, args, env };
  }
  if (file.includes('=')) {
    // env(1) would take such a word for a NAME=VALUE assignment.
    throw new Error(`spawn: the program path must not contain "=": ${file}`);
  }
  // A name that is empty or holds "=" cannot be an environment entry: NAME=VALUE would read differently.
  const words = Object.entries(env)
    .filter(([name]) => name.length > 0 && !name.includes('='))
    .map(([name, value]) => `${name}=${value}`);
  return {
    file: found.bash,
    args: ['-c', GUARD_SCRIPT, 'maestro-fd-guard', found.env, fdDir, String(words.length), ...words, file, ...args],
    // Empty (node-pty adds PWD and TERM): no BASH_ENV to run, no functions to import, nothing to rewrite.
    env: {},
  };
}
