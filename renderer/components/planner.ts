// Who plans a new request, as the request box offers it: the engine's own rule (preload/planner.ts): the
// built-in planner when an Anthropic API key is there, else the workers' agent when it is an interactive
// agent CLI that brings its own login.
import { choosePlanner } from '../../preload/planner';
import { AGENT_PROFILE_LIST, profileInfo, type ProfileInfo } from '../../preload/profiles';

/** The profiles that can plan: the built-in agent (with a key) and the interactive agent CLIs. */
export const PLANNER_PROFILES: readonly ProfileInfo[] = AGENT_PROFILE_LIST.filter((p) => p.name === 'builtin' || p.interactive);

/** The planner a request gets unless the user picks one (the built-in one when nothing else can: it then asks for a key). */
export function defaultPlanner(workerProfile: string, keyAvailable: boolean): string {
  return choosePlanner({ agentProfile: workerProfile, keyAvailable }) ?? 'builtin';
}

/**
 * What of a request needs the Anthropic API key that is not there: the planner, the workers, both, or
 * nothing (an empty list).
 */
export function missingKeyFor(workerProfile: string, plannerProfile: string, keyAvailable: boolean): ('planner' | 'workers')[] {
  if (keyAvailable) return [];
  const out: ('planner' | 'workers')[] = [];
  if (profileInfo(plannerProfile)?.needsApiKey) out.push('planner');
  if (profileInfo(workerProfile)?.needsApiKey) out.push('workers');
  return out;
}

/** The profile new requests run with: the one last used in the request box, else the settings' default. */
export function defaultWorkerProfile(lastUsed: string | undefined, settingsDefault: string | undefined, fallback: string): string {
  return (lastUsed && profileInfo(lastUsed) ? lastUsed : undefined) ?? settingsDefault ?? fallback;
}
