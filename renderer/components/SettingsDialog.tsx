// Settings (settings.get / settings.set), in a native modal <dialog>. The engine validates with the
// contract's schema; its message is shown here. (Importing the zod schema would add ~60 KB gzipped.)
// The API key has its own write-only commands: the key goes to the engine and never comes back.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { AppInfo, SecretsStatus, Settings } from '../../preload/contract';
import { useApp, useServices } from '../services';
import { AGENT_PROFILE_LIST } from '../../preload/profiles';

type Draft = { [K in keyof Settings]: Settings[K] extends number ? string : Settings[K] };

const toDraft = (s: Settings): Draft => ({
  ...s,
  concurrency: String(s.concurrency),
  maxTokens: String(s.maxTokens),
  maxTurns: String(s.maxTurns),
  scrollback: String(s.scrollback),
  quietSeconds: String(s.quietSeconds),
});

const NUMBER_FIELDS = [
  { key: 'concurrency', label: 'Parallel workers', min: 1, max: 64, help: 'How many groups run at the same time.' },
  { key: 'maxTokens', label: 'Max tokens per reply', min: 256, max: 200_000 },
  { key: 'maxTurns', label: 'Max turns per worker', min: 1, max: 1000 },
  { key: 'scrollback', label: 'Terminal scrollback (lines)', min: 100, max: 100_000, help: 'Memory grows with it: ~1 KB per line per open pane.' },
  { key: 'quietSeconds', label: 'Flag a quiet session after (seconds)', min: 1, max: 86_400, help: 'No output and no report for this long: the agent may be waiting for input.' },
] as const;

const STORAGE_TEXT: Record<SecretsStatus['storage'], string> = {
  'os-keychain': 'encrypted with the system keychain',
  'file-0600': 'in a file in the data folder that only your user can read',
};

function keyStatusText(s: SecretsStatus | null): string {
  if (!s) return 'Checking…';
  switch (s.anthropicApiKey) {
    case 'stored':
      return `A key is stored, ${STORAGE_TEXT[s.storage]}.`;
    case 'environment':
      return s.stored
        ? `A key is stored, ${STORAGE_TEXT[s.storage]}; the ANTHROPIC_API_KEY of the environment Maestro was started in takes precedence.`
        : 'Using ANTHROPIC_API_KEY from the environment Maestro was started in.';
    case 'missing':
      return 'No key: the built-in agent cannot plan or work.';
  }
}

/** The data folder (fixed for a running instance) and the version. */
function AppInfoRow({ open }: { open: boolean }) {
  const { api } = useServices();
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    api.call('app.info', {}).then(
      (i) => live && setInfo(i),
      () => live && setInfo(null),
    );
    return () => {
      live = false;
    };
  }, [open, api]);
  if (!info) return null;
  return (
    <p className="muted app-info">
      Data folder <code>{info.dataDir}</code> (to use another one, start Maestro with <code>--data-dir</code> or{' '}
      <code>MAESTRO_DATA_DIR</code>) · version {info.version}
    </p>
  );
}

/** The Anthropic API key: shows where the key comes from, never the key. */
function ApiKeyField({ fid, open }: { fid: (k: string) => string; open: boolean }) {
  const { controller } = useServices();
  const status = useApp((s) => s.secrets);
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  // Nothing typed survives closing the dialog.
  useEffect(() => {
    if (open) void controller.loadSecrets();
    setKey('');
    setMessage(null);
  }, [open, controller]);

  const store = async (value: string | null) => {
    setBusy(true);
    const r = await controller.setApiKey(value);
    setBusy(false);
    if (r.ok) {
      setKey('');
      setMessage({ ok: true, text: value === null ? 'Key removed.' : 'Key saved.' });
    } else {
      setMessage({ ok: false, text: `Not saved: ${r.error}` });
    }
  };
  const save = () => {
    const value = key.trim();
    if (!value) {
      setMessage({ ok: false, text: 'Paste the key first.' });
      return;
    }
    void store(value);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault(); // not the settings form's Save
    save();
  };
  const available = status !== null && status.anthropicApiKey !== 'missing';

  return (
    <fieldset>
      <legend>Anthropic API key</legend>
      <p className="key-status" id={fid('apikey-status')}>
        <span className={available ? 'key-dot ok' : 'key-dot'} aria-hidden="true" />
        <span>{keyStatusText(status)}</span>
      </p>
      <div className="field">
        <label htmlFor={fid('apikey')}>{status?.stored ? 'Replace the key' : 'API key'}</label>
        <div className="key-row">
          <input
            id={fid('apikey')}
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="sk-ant-…"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            onKeyDown={onKeyDown}
            disabled={busy}
            aria-describedby={fid('apikey-status')}
          />
          <button type="button" className="btn" onClick={save} disabled={busy || !key.trim()}>
            Save key
          </button>
          {status?.stored ? (
            <button type="button" className="btn btn-danger" onClick={() => void store(null)} disabled={busy}>
              Remove key
            </button>
          ) : null}
        </div>
        {message ? (
          <small className={message.ok ? 'muted' : 'form-problem'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </small>
        ) : null}
      </div>
    </fieldset>
  );
}

export function SettingsDialog() {
  const { controller } = useServices();
  const open = useApp((s) => s.settingsOpen);
  const settings = useApp((s) => s.settings);
  const setOpen = useApp((s) => s.setSettingsOpen);
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idBase = useId();
  const fid = (k: string) => `${idBase}-${k}`;

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setDraft(settings ? toDraft(settings) : null);
      setProblem(null);
      d.showModal();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open, settings]);

  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft || !settings) return;
    const patch: Partial<Settings> = {};
    for (const f of NUMBER_FIELDS) {
      const n = Number(draft[f.key]);
      if (!Number.isInteger(n) || n < f.min || n > f.max) {
        setProblem(`${f.label} must be a whole number from ${f.min} to ${f.max}.`);
        return;
      }
      if (n !== settings[f.key]) patch[f.key] = n;
    }
    for (const k of ['defaultAgentProfile', 'customAgentCommand', 'model', 'approvePlans', 'showOrchestrator'] as const) {
      if (draft[k] !== settings[k]) (patch as Record<string, unknown>)[k] = draft[k];
    }
    if (Object.keys(patch).length > 0) {
      setBusy(true);
      const saved = await controller.saveSettings(patch);
      setBusy(false);
      if (!saved.ok) {
        setProblem(`Not saved: ${saved.error}`);
        return;
      }
    }
    setOpen(false);
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={fid('title')} onClose={() => setOpen(false)}>
      <form onSubmit={(e) => void save(e)} className="dialog-form">
        <h2 id={fid('title')}>Settings</h2>
        <ApiKeyField fid={fid} open={open} />
        <AppInfoRow open={open} />
        {!draft ? (
          <p className="muted">Settings are not loaded yet.</p>
        ) : (
          <>
            <fieldset>
              <legend>Agents</legend>
              <div className="field">
                <label htmlFor={fid('profile')}>New requests run with</label>
                <select id={fid('profile')} value={draft.defaultAgentProfile} onChange={(e) => update('defaultAgentProfile', e.target.value)}>
                  {AGENT_PROFILE_LIST.map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={fid('command')}>Custom agent command</label>
                <input id={fid('command')} type="text" spellCheck={false} value={draft.customAgentCommand} onChange={(e) => update('customAgentCommand', e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={fid('model')}>Model of the built-in agent (planner and workers)</label>
                <input id={fid('model')} type="text" spellCheck={false} value={draft.model} onChange={(e) => update('model', e.target.value)} />
              </div>
            </fieldset>
            <fieldset>
              <legend>Limits</legend>
              <div className="field-grid">
                {NUMBER_FIELDS.map((f) => (
                  <div className="field" key={f.key}>
                    <label htmlFor={fid(f.key)}>{f.label}</label>
                    <input
                      id={fid(f.key)}
                      type="number"
                      min={f.min}
                      max={f.max}
                      value={draft[f.key]}
                      onChange={(e) => update(f.key, e.target.value)}
                      aria-describedby={'help' in f ? fid(`${f.key}-help`) : undefined}
                    />
                    {'help' in f ? (
                      <small id={fid(`${f.key}-help`)} className="muted">
                        {f.help}
                      </small>
                    ) : null}
                  </div>
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend>Behaviour</legend>
              <label className="check">
                <input type="checkbox" checked={draft.approvePlans} onChange={(e) => update('approvePlans', e.target.checked)} />
                Ask me to approve each plan before workers start
              </label>
              <label className="check">
                <input type="checkbox" checked={draft.showOrchestrator} onChange={(e) => update('showOrchestrator', e.target.checked)} />
                Show the orchestrator's session among the terminals
              </label>
            </fieldset>
          </>
        )}
        {problem ? (
          <p className="form-problem" role="alert">
            {problem}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!draft || busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
