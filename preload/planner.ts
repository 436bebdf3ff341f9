// Who runs a new request's workers and who plans it, decided once for the engine, `maestro run` and the request box.
// Pure: the callers pass what they know (flags, settings, whether an API key is there).
import { profileInfo, PROFILE_NAMES } from './profiles';

/** The profile the workers run with: the one named, else `custom` when a command line is given, else the settings' default. */
export function chooseWorkerProfile(o: { explicit?: string; agentCommand?: string; defaultProfile: string }): string {
  return o.explicit || (o.agentCommand ? 'custom' : o.defaultProfile);
}

/**
 * The profile of the orchestrator session that plans a request that came without a plan: the one
 * named; else the built-in planner when an Anthropic API key is there (environment or stored); else
 * the workers' profile when it is an interactive agent CLI (it brings its own login); else none, and
 * nobody plans the request unless a plan is submitted.
 */
export function choosePlanner(o: { explicit?: string; agentProfile: string; keyAvailable: boolean }): string | undefined {
  if (o.explicit) return o.explicit;
  if (o.keyAvailable) return 'builtin';
  return profileInfo(o.agentProfile)?.interactive ? o.agentProfile : undefined;
}

/** The profiles that can plan without an API key, for messages: `claude|codex|gemini`. */
export function keylessPlanners(): string[] {
  return PROFILE_NAMES.filter((n) => profileInfo(n)!.interactive);
}
