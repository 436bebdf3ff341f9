// The agent programs Maestro can run in a session ("Runs with" in the UI, `--profile` in the CLI) and the
// default model of the built-in agent. One list for the engine (main/core/agents.ts builds each
// profile's command line), the CLI's help and the renderer's selectors.

export interface ProfileInfo {
  readonly name: string;
  /** What the UI shows. */
  readonly label: string;
  /** Runs on Maestro's Anthropic API key (the built-in agent); the others bring their own login. */
  readonly needsApiKey: boolean;
  /**
   * An interactive program that does not exit by itself when its work is done: Maestro ends its
   * session once every subtask of the session is reported (or the plan is accepted). Only these can
   * plan a request as the orchestrator without an API key.
   */
  readonly interactive: boolean;
}

export const AGENT_PROFILE_LIST = [
  { name: 'builtin', label: 'Built-in agent', needsApiKey: true, interactive: false },
  { name: 'claude', label: 'Claude Code', needsApiKey: false, interactive: true },
  { name: 'codex', label: 'Codex CLI', needsApiKey: false, interactive: true },
  { name: 'gemini', label: 'Gemini CLI', needsApiKey: false, interactive: true },
  { name: 'custom', label: 'Custom command', needsApiKey: false, interactive: false },
] as const satisfies readonly ProfileInfo[];

export type ProfileName = (typeof AGENT_PROFILE_LIST)[number]['name'];

export const PROFILE_NAMES: readonly ProfileName[] = AGENT_PROFILE_LIST.map((p) => p.name);

/** The profile a new request runs with when the settings name none. */
export const DEFAULT_PROFILE: ProfileName = 'builtin';

/** The Claude model of the built-in agent (planner and workers) unless the settings or --model say otherwise. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

export function profileInfo(name: string): ProfileInfo | undefined {
  return AGENT_PROFILE_LIST.find((p) => p.name === name);
}
