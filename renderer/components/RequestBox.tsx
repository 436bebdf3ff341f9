// The request box: what to do, where, which agent program the workers run with, and who plans it.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { AGENT_PROFILE_LIST, DEFAULT_PROFILE, profileInfo } from '../../preload/profiles';
import { useApp, useServices } from '../services';
import { defaultPlanner, missingKeyFor, PLANNER_PROFILES } from './planner';

export function RequestBox({ standalone = false }: { standalone?: boolean }) {
  const { controller, api } = useServices();
  // Where a request without a workspace would run, shown so that nobody starts one in the wrong folder.
  const [defaultWorkspace, setDefaultWorkspace] = useState('');
  useEffect(() => {
    let live = true;
    api.call('app.info', {}).then(
      (info) => live && setDefaultWorkspace(info.defaultWorkspace),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  const settings = useApp((s) => s.settings);
  const prefs = useApp((s) => s.prefs);
  const currentWorkspace = useApp((s) => s.rootOptions?.workspace ?? '');
  const setComposing = useApp((s) => s.setComposing);
  const setSettingsOpen = useApp((s) => s.setSettingsOpen);
  const setPrefs = useApp((s) => s.setPrefs);
  const hasRoots = useApp((s) => s.roots.length > 0);

  const [request, setRequest] = useState('');
  const [workspace, setWorkspace] = useState(prefs.lastWorkspace || currentWorkspace);
  const [profile, setProfile] = useState(prefs.lastAgentProfile || settings?.defaultAgentProfile || DEFAULT_PROFILE);
  const [command, setCommand] = useState(settings?.customAgentCommand ?? '');
  const [approveFirst, setApproveFirst] = useState(settings?.approvePlans ?? false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Unknown until the secrets status arrives: no warning meanwhile.
  const keyAvailable = useApp((s) => s.secrets?.anthropicApiKey !== 'missing');
  // Who plans: the user's pick, else the default that follows what is set up (the key, the workers' agent).
  const [pickedPlanner, setPickedPlanner] = useState<string | null>(null);
  const planner = pickedPlanner ?? defaultPlanner(profile, keyAvailable);
  const needKey = missingKeyFor(profile, planner, keyAvailable);
  const touched = useRef({ profile: false, command: false, approve: false });
  // Settings may arrive after the box opened: adopt their defaults for fields the user has not touched.
  useEffect(() => {
    if (!settings) return;
    if (!touched.current.profile && !prefs.lastAgentProfile) setProfile(settings.defaultAgentProfile);
    if (!touched.current.command) setCommand(settings.customAgentCommand);
    if (!touched.current.approve) setApproveFirst(settings.approvePlans);
  }, [settings, prefs.lastAgentProfile]);
  const ids = { request: useId(), workspace: useId(), profile: useId(), planner: useId(), command: useId(), hint: useId(), approve: useId(), concurrency: useId() };
  const defaultConcurrency = useApp((s) => s.settings?.concurrency ?? 3);
  const [concurrency, setConcurrency] = useState<number | undefined>(undefined);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    const text = request.trim();
    if (!text) {
      setProblem('Describe what you want done.');
      return;
    }
    if (profile === 'custom' && !command.trim()) {
      setProblem('The custom profile needs the command that starts your agent.');
      return;
    }
    setProblem(null);
    setBusy(true);
    const ok = await controller.createRoot({
      request: text,
      workspace: workspace.trim() || undefined,
      agentProfile: profile,
      agentCommand: profile === 'custom' ? command.trim() : undefined,
      plannerProfile: planner,
      approvePlan: approveFirst,
      concurrency: concurrency ?? defaultConcurrency,
    });
    setBusy(false);
    if (ok) {
      setRequest('');
      setPrefs({ lastWorkspace: workspace.trim(), lastAgentProfile: profile });
      setComposing(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && hasRoots && !standalone) {
      setComposing(false);
    }
  };

  return (
    <form className={standalone ? 'request-box standalone' : 'request-box'} onSubmit={(e) => void submit(e)} aria-label="New request">
      <label htmlFor={ids.request} className="request-label">
        What should the agents do?
      </label>
      <textarea
        id={ids.request}
        className="request-text"
        value={request}
        onChange={(e) => setRequest(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder="e.g. Add a dark mode toggle to the settings page, with tests"
        rows={standalone ? 6 : 4}
        aria-describedby={ids.hint}
        autoFocus
        disabled={busy}
      />
      <div className="request-options">
        <div className="field field-grow">
          <label htmlFor={ids.workspace}>Workspace</label>
          <input
            id={ids.workspace}
            type="text"
            value={workspace}
            onChange={(e) => setWorkspace(e.target.value)}
            placeholder={defaultWorkspace ? `${defaultWorkspace} (where Maestro runs)` : '/path/to/project'}
            spellCheck={false}
            disabled={busy}
          />
          {api.pickFolder ? (
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              onClick={() => {
                void api.pickFolder!().then((dir) => dir && setWorkspace(dir), () => undefined);
              }}
            >
              Choose…
            </button>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={ids.profile}>Runs with</label>
          <select id={ids.profile} value={profile} onChange={(e) => {
              touched.current.profile = true;
              setProfile(e.target.value);
            }} disabled={busy}>
            {AGENT_PROFILE_LIST.map((p) => (
              <option key={p.name} value={p.name}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.planner}>Planned by</label>
          <select
            id={ids.planner}
            value={planner}
            onChange={(e) => setPickedPlanner(e.target.value)}
            disabled={busy}
            title={pickedPlanner ? undefined : 'The default: the built-in planner with an API key, else the workers’ agent when it can plan'}
          >
            {PLANNER_PROFILES.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name === 'builtin' ? 'Built-in planner' : p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.concurrency}>Parallel workers</label>
          <select id={ids.concurrency} value={concurrency ?? defaultConcurrency} onChange={(e) => setConcurrency(Number(e.target.value))} disabled={busy}>
            {[...new Set([1, 2, 3, 4, 5, 6, 8, 10, 12, 16, defaultConcurrency])].sort((a, b) => a - b).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        {profile === 'custom' ? (
          <div className="field field-grow">
            <label htmlFor={ids.command}>Command</label>
            <input
              id={ids.command}
              type="text"
              value={command}
              onChange={(e) => {
                touched.current.command = true;
                setCommand(e.target.value);
              }}
              placeholder="my-agent --prompt-file {prompt}"
              spellCheck={false}
              disabled={busy}
            />
          </div>
        ) : null}
      </div>
      {needKey.length ? (
        <p className="form-problem request-warning">
          {keyWarning(needKey)}{' '}
          <button type="button" className="btn btn-small" onClick={() => setSettingsOpen(true)}>
            Open settings
          </button>
        </p>
      ) : null}
      <div className="request-actions">
        <span id={ids.hint} className="muted hint">
          <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> to run
        </span>
        <label className="check-inline" htmlFor={ids.approve}>
          <input
            id={ids.approve}
            type="checkbox"
            checked={approveFirst}
            onChange={(e) => {
              touched.current.approve = true;
              setApproveFirst(e.target.checked);
            }}
            disabled={busy}
          />
          Approve the plan before it runs
        </label>
        {problem ? (
          <span className="form-problem" role="alert">
            {problem}
          </span>
        ) : null}
        <span className="spacer" />
        {hasRoots && !standalone ? (
          <button type="button" className="btn" onClick={() => setComposing(false)} disabled={busy}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy || !request.trim()}>
          {busy ? 'Starting…' : 'Run'}
        </button>
      </div>
    </form>
  );
}

/** What the missing key stops, and what would do without it. */
function keyWarning(needKey: ('planner' | 'workers')[]): string {
  const keyless = PLANNER_PROFILES.filter((p) => !p.needsApiKey).map((p) => p.label);
  const others = `${keyless.slice(0, -1).join(', ')} or ${keyless.at(-1)}`;
  if (needKey.length === 2) return `The built-in agent needs an Anthropic API key to plan and to work: add one, or choose ${others}.`;
  if (needKey[0] === 'planner') return `The built-in planner needs an Anthropic API key: add one, or let ${others} plan.`;
  return `The ${profileInfo('builtin')!.label.toLowerCase()} needs an Anthropic API key to work: add one, or choose ${others}.`;
}
