// What the Changes view does to a request's branches, as small state holders the components subscribe
// to (and tests drive directly): Apply (`roots.apply`), Discard after a confirmation (`roots.discard`),
// and Redo of a completed group with a note (`task.redo`). Each refreshes the tree afterwards, since the
// request's git view travels with its snapshot.
import { useSyncExternalStore } from 'react';
import type { ApplyResult, CommandResults, MaestroApi } from '../../preload/contract';
import { errorMessage } from '../api/errors';

export type DiscardResult = CommandResults['roots.discard'];

/** Something with a state that changes and can be watched. */
abstract class Model<S> {
  private readonly listeners = new Set<() => void>();
  constructor(protected state: S) {}
  getState = (): S => this.state;
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  protected set(next: S): void {
    this.state = next;
    for (const l of [...this.listeners]) l();
  }
}

export function useModel<S>(model: Model<S>): S {
  return useSyncExternalStore(model.subscribe, model.getState, model.getState);
}

export interface ActionDeps {
  api: MaestroApi;
  /** Called after a change to the request's branches (reload the tree, drop cached diffs). */
  changed(): void | Promise<void>;
}

export type RequestActionState =
  | { phase: 'idle' }
  | { phase: 'confirm-discard' }
  | { phase: 'busy'; action: 'apply' | 'discard' }
  | { phase: 'applied'; result: ApplyResult }
  | { phase: 'discarded'; result: DiscardResult }
  | { phase: 'failed'; action: 'apply' | 'discard'; error: string };

/** Apply and Discard of one request. Discard asks first; nothing is sent until it is confirmed. */
export class RequestActions extends Model<RequestActionState> {
  constructor(
    private readonly deps: ActionDeps,
    readonly rootId: string,
  ) {
    super({ phase: 'idle' });
  }

  get busy(): boolean {
    return this.state.phase === 'busy';
  }

  async apply(): Promise<void> {
    if (this.busy) return;
    this.set({ phase: 'busy', action: 'apply' });
    try {
      const result = await this.deps.api.call('roots.apply', { rootId: this.rootId });
      this.set({ phase: 'applied', result });
      if (result.ok) await this.deps.changed();
    } catch (error) {
      this.set({ phase: 'failed', action: 'apply', error: errorMessage(error) });
    }
  }

  askDiscard(): void {
    if (!this.busy) this.set({ phase: 'confirm-discard' });
  }

  async confirmDiscard(): Promise<void> {
    if (this.state.phase !== 'confirm-discard') return;
    this.set({ phase: 'busy', action: 'discard' });
    try {
      const result = await this.deps.api.call('roots.discard', { rootId: this.rootId });
      this.set({ phase: 'discarded', result });
      await this.deps.changed();
    } catch (error) {
      this.set({ phase: 'failed', action: 'discard', error: errorMessage(error) });
    }
  }

  /** Cancels a confirmation, or dismisses a result. */
  dismiss(): void {
    if (!this.busy) this.set({ phase: 'idle' });
  }
}

export interface RedoState {
  open: boolean;
  note: string;
  busy: boolean;
  error: string | null;
  /** The last redo was started (shown until the form opens again). */
  started: boolean;
}

export const MAX_NOTE = 20_000;

/** The "Redo…" form of a completed group: a note, then `task.redo`. A failed call keeps the note. */
export class RedoForm extends Model<RedoState> {
  constructor(
    private readonly deps: ActionDeps,
    readonly taskId: string,
  ) {
    super({ open: false, note: '', busy: false, error: null, started: false });
  }

  open(): void {
    this.set({ ...this.state, open: true, error: null, started: false });
  }

  setNote(note: string): void {
    this.set({ ...this.state, note, error: null });
  }

  cancel(): void {
    if (!this.state.busy) this.set({ ...this.state, open: false, error: null });
  }

  async submit(): Promise<void> {
    if (this.state.busy) return;
    const note = this.state.note.trim();
    if (!note) {
      this.set({ ...this.state, error: 'Write what the agent should do differently.' });
      return;
    }
    if (note.length > MAX_NOTE) {
      this.set({ ...this.state, error: `The note has at most ${MAX_NOTE.toLocaleString('en-US')} characters.` });
      return;
    }
    this.set({ ...this.state, busy: true, error: null });
    try {
      await this.deps.api.call('task.redo', { id: this.taskId, note });
      this.set({ open: false, note: '', busy: false, error: null, started: true });
      await this.deps.changed();
    } catch (error) {
      this.set({ ...this.state, busy: false, error: errorMessage(error) });
    }
  }
}
