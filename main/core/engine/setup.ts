// What the engine is set up with: its settings, the stored API key, the skills of each workspace, and
// which agent profiles can run here. Each a plain read or write; the facade hands them on.
import type { SecretsStatus, Settings } from '../../../preload/contract';
import { AGENT_PROFILES, findExecutable } from '../agents';
import { anthropicKeySource, type SecretStore } from '../secrets';
import { loadSkills, type SkillSet } from '../skills';
import { DEFAULT_SETTINGS, type DataStore } from '../store';

export class Setup {
  private current: Settings;
  private readonly skillsCache = new Map<string, { at: number; set: SkillSet }>();

  constructor(
    private readonly store: DataStore,
    private readonly secrets: SecretStore,
    private readonly skillsDir: string,
    private readonly baseEnv: NodeJS.ProcessEnv,
    overrides: Partial<Settings> = {},
  ) {
    this.current = { ...DEFAULT_SETTINGS, ...store.readSettings(), ...overrides };
  }

  /** The settings in force (not a copy: read, do not change). */
  get settings(): Settings {
    return this.current;
  }

  update(patch: Partial<Settings>): Settings {
    this.current = { ...this.current, ...patch };
    this.store.writeSettings(this.current);
    return { ...this.current };
  }

  /** The environment's key wins: it is the one sessions get (see sessions/launch.ts). */
  secretsStatus(): SecretsStatus {
    return { anthropicApiKey: anthropicKeySource(this.baseEnv, this.secrets), stored: !!this.secrets.get(), storage: this.secrets.kind };
  }

  setApiKey(key: string | null): SecretsStatus {
    this.secrets.set(key ?? undefined);
    return this.secretsStatus();
  }

  storedApiKey(): string | undefined {
    return this.secrets.get();
  }

  /** Why a profile cannot run here, or undefined when it can. */
  profileProblem(name: string, customCommand?: string): string | undefined {
    const profile = AGENT_PROFILES.get(name);
    if (!profile) return `there is no profile "${name}"`;
    if (name === 'builtin') return this.secretsStatus().anthropicApiKey === 'missing' ? 'it needs an Anthropic API key, and none is set or stored' : undefined;
    if (name === 'custom') return (customCommand ?? this.current.customAgentCommand).trim() ? undefined : 'no custom command line is set';
    return findExecutable(name, this.baseEnv.PATH ?? '') ? undefined : `"${name}" is not on PATH (${profile.install})`;
  }

  /** The skills a workspace sees (built-in and its own), re-read at most every 2 s. */
  skillsFor(workspace: string): SkillSet {
    const hit = this.skillsCache.get(workspace);
    if (hit && Date.now() - hit.at < 2_000) return hit.set;
    const set = loadSkills(this.skillsDir, workspace);
    this.skillsCache.set(workspace, { at: Date.now(), set });
    return set;
  }
}
