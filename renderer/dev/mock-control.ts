// The mock's side of a person's control of a request (see main/core/engine/control.ts and planning.ts):
// pause / stop / resume / cancel, rename / archive / delete, and plan reject / edit / re-plan.
import type { CommandName, CommandParams, CommandResults, Plan } from '../../preload/contract';
import type { SessionInfo, TaskStatus, TaskView, TreeSnapshot } from '../../preload/model';
import { ApiError } from '../../preload/wire';
import type { MockRoot } from './mock-api';
import { makeTask } from './fixtures';

export interface ControlMockDeps {
  roots: Map<string, MockRoot>;
  sessions: Map<string, SessionInfo>;
  snapshot(r: MockRoot): TreeSnapshot;
  publish(r: MockRoot): void;
  setStatus(r: MockRoot, id: string, status: TaskStatus, result?: string): void;
  note(r: MockRoot, message: string): void;
  /** Ends a running session as stopped (its stream ends, the pane says so). */
  stop(sessionId: string): void;
  /** A planner session that plans again and, after a moment, brings a plan that waits for approval. */
  planAgain(r: MockRoot): void;
}

type Handlers = { [K in CommandName]?: (p: CommandParams<K>) => CommandResults[K] };

export function createControlMock(d: ControlMockDeps): Handlers {
  const get = (rootId: string) => {
    const r = d.roots.get(rootId);
    if (!r) throw new ApiError('not-found', `no request with id "${rootId}"`);
    return r;
  };
  const running = (r: MockRoot) => [...d.sessions.values()].filter((s) => s.rootId === r.id && s.status === 'running');
  const leaves = (r: MockRoot) => [...r.tasks.values()].filter((t) => t.subtasks.length === 0 && t.id !== r.id);
  const waiting = (rootId: string) => {
    const r = get(rootId);
    if (!r.awaitingApproval) throw new ApiError('conflict', `request ${rootId} has no plan waiting for approval`);
    return r;
  };
  const dropPlan = (r: MockRoot) => {
    const root = r.tasks.get(r.id)!;
    for (const t of [...r.tasks.keys()]) if (t !== r.id) r.tasks.delete(t);
    r.tasks.set(r.id, { ...root, subtasks: [] });
    r.planSummary = undefined;
  };
  const summary = (r: MockRoot) => {
    const root = r.tasks.get(r.id)!;
    return {
      id: r.id,
      title: root.title,
      status: root.status,
      progress: root.progress,
      createdAt: root.createdAt,
      workspace: r.options.workspace,
      awaitingApproval: r.awaitingApproval,
      ...(r.control ? { control: r.control } : {}),
      ...(r.archived ? { archived: true } : {}),
    };
  };

  return {
    'roots.pause': ({ rootId, stop }) => {
      const r = get(rootId);
      if (r.control === 'cancelled') throw new ApiError('conflict', `request ${rootId} was cancelled: it cannot be paused`);
      r.control = 'paused';
      d.note(r, `request paused: no new sessions start${stop ? ' (its running sessions are stopped)' : ''}`);
      if (stop) {
        for (const s of running(r)) {
          d.stop(s.id);
          for (const id of s.taskIds) if (r.tasks.get(id)?.status === 'IN_PROGRESS' && r.tasks.get(id)!.subtasks.length === 0) d.setStatus(r, id, 'PENDING');
        }
      }
      d.publish(r);
      return d.snapshot(r);
    },
    'roots.resume': ({ rootId }) => {
      const r = get(rootId);
      if (r.control !== 'paused') throw new ApiError('conflict', `request ${rootId} is not paused`);
      r.control = undefined;
      d.note(r, 'request resumed: its unfinished work carries on');
      d.publish(r);
      return d.snapshot(r);
    },
    'roots.cancel': ({ rootId }) => {
      const r = get(rootId);
      r.control = 'cancelled';
      r.awaitingApproval = false;
      for (const t of leaves(r)) if (t.status === 'PENDING' || t.status === 'IN_PROGRESS') d.setStatus(r, t.id, 'FAILED', 'the request was cancelled');
      for (const s of running(r)) d.stop(s.id);
      d.note(r, 'request cancelled: nothing more runs');
      d.publish(r);
      return d.snapshot(r);
    },
    'roots.rename': ({ rootId, title }) => {
      const r = get(rootId);
      r.tasks.set(r.id, { ...r.tasks.get(r.id)!, title });
      d.publish(r);
      return summary(r);
    },
    'roots.archive': ({ rootId, archived }) => {
      const r = get(rootId);
      r.archived = archived || undefined;
      d.publish(r);
      return summary(r);
    },
    'roots.delete': ({ rootId }) => {
      const r = get(rootId);
      const live = running(r).length;
      if (live) throw new ApiError('conflict', `request ${rootId} has ${live} running session(s): stop or cancel it first`);
      d.roots.delete(rootId);
      for (const [id, s] of d.sessions) if (s.rootId === rootId) d.sessions.delete(id);
      const other = d.roots.values().next().value;
      if (other) d.publish(other);
      return { ok: true, rootId };
    },
    'plan.reject': ({ rootId, reason }) => {
      const r = waiting(rootId);
      dropPlan(r);
      r.awaitingApproval = false;
      d.setStatus(r, r.id, 'FAILED', reason ? `plan rejected: ${reason}` : 'plan rejected');
      d.publish(r);
      return d.snapshot(r);
    },
    'plan.edit': ({ rootId, plan }) => {
      const r = waiting(rootId);
      const p = plan as Plan;
      if (!p || !Array.isArray(p.groups) || p.groups.length === 0) throw new ApiError('bad-request', 'invalid plan: it has no groups');
      dropPlan(r);
      const now = Date.now();
      const ids = p.groups.map((g) => `${r.id}-${g.id}`);
      p.groups.forEach((g, i) => {
        const subs = g.subtasks.map((s, k) => {
          const t: TaskView = makeTask({ id: `${ids[i]}-${s.id}-${k}`, rootId: r.id, kind: 'subtask', parentId: ids[i], planId: s.id, title: s.title, description: s.description ?? '', createdAt: now });
          r.tasks.set(t.id, t);
          return t.id;
        });
        r.tasks.set(ids[i]!, makeTask({ id: ids[i]!, rootId: r.id, kind: 'group', parentId: r.id, planId: g.id, title: g.title, agent: g.agent, subtasks: subs, dependsOn: g.dependsOn.map((x) => `${r.id}-${x}`), createdAt: now }));
      });
      r.tasks.set(r.id, { ...r.tasks.get(r.id)!, subtasks: ids });
      r.planSummary = p.summary;
      d.note(r, `plan edited: ${p.groups.length} groups; it waits for approval`);
      d.publish(r);
      return d.snapshot(r);
    },
    'plan.replan': ({ rootId, feedback }) => {
      const r = waiting(rootId);
      dropPlan(r);
      r.awaitingApproval = false;
      const root = r.tasks.get(r.id)!;
      r.tasks.set(r.id, { ...root, status: 'IN_PROGRESS', description: `${root.description}\n\n## Feedback on an earlier plan\n${feedback}` });
      d.note(r, `plan dropped: planning again with feedback: ${feedback.split('\n')[0]}`);
      d.planAgain(r);
      d.publish(r);
      return d.snapshot(r);
    },
  };
}
